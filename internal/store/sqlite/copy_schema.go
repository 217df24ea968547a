package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The catalogs Copy reads: which tables a database has, their columns,
// primary keys and the tables they reference, as SQLite and PostgreSQL
// each tell it.

// tableInfo describes one table of a database.
type tableInfo struct {
	name  string
	cols  []string
	types map[string]colType // by column
	pk    []string
	refs  []string // tables its foreign keys reference, itself included
	// identity is the column whose values a sequence hands out (PostgreSQL),
	// "" for none.
	identity string
}

// colType is what Copy needs to know of a column's type to hand it a value
// of another database.
type colType int

const (
	colOther colType = iota
	colText
	colBytes
)

// copyDialect is what Copy does differently on each database; both engines
// implement it.
type copyDialect interface {
	// catalog lists the database's tables, but for SQLite's internal and
	// full-text tables.
	catalog(ctx context.Context, db *sql.DB) (map[string]*tableInfo, error)
	// deferConstraints lets rows of a table refer to rows of the same table
	// that come later in the copy: foreign keys are checked at commit.
	deferConstraints(ctx context.Context, tx *sql.Tx) error
	// afterCopy runs in the transaction that copied t: a sequence handing
	// out t's IDs goes on after the copied ones.
	afterCopy(ctx context.Context, tx *sql.Tx, t *tableInfo) error
}

func (sqliteEngine) catalog(ctx context.Context, db *sql.DB) (map[string]*tableInfo, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	all := map[string]string{}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		all[name] = text
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	// A virtual table (FTS5) and its shadow tables are an index, rebuilt
	// after a copy, not data.
	skip := map[string]bool{}
	for name, text := range all {
		if strings.HasPrefix(strings.ToUpper(text), "CREATE VIRTUAL TABLE") {
			skip[name] = true
			for other := range all {
				if strings.HasPrefix(other, name+"_") {
					skip[other] = true
				}
			}
		}
	}
	out := map[string]*tableInfo{}
	for name := range all {
		if skip[name] {
			continue
		}
		t := &tableInfo{name: name, types: map[string]colType{}}
		cols, err := db.QueryContext(ctx, `SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid`, name)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", name, err)
		}
		pks := map[int]string{}
		for cols.Next() {
			var col, typ string
			var pk int
			if err := cols.Scan(&col, &typ, &pk); err != nil {
				cols.Close()
				return nil, fmt.Errorf("columns of %s: %w", name, err)
			}
			t.cols = append(t.cols, col)
			switch {
			case strings.Contains(typ, "BLOB"):
				t.types[col] = colBytes
			case strings.Contains(typ, "TEXT"), strings.Contains(typ, "CHAR"):
				t.types[col] = colText
			}
			if pk > 0 {
				pks[pk] = col
			}
		}
		cols.Close()
		if err := cols.Err(); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", name, err)
		}
		for i := 1; i <= len(pks); i++ {
			t.pk = append(t.pk, pks[i])
		}
		refs, err := db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", name, err)
		}
		for refs.Next() {
			var ref string
			if err := refs.Scan(&ref); err != nil {
				refs.Close()
				return nil, fmt.Errorf("foreign keys of %s: %w", name, err)
			}
			t.refs = append(t.refs, ref)
		}
		refs.Close()
		if err := refs.Err(); err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// deferConstraints: SQLite checks foreign keys at commit for the rest of
// the transaction.
func (sqliteEngine) deferConstraints(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`)
	return err
}

// afterCopy: an INTEGER PRIMARY KEY goes on after the largest one stored.
func (sqliteEngine) afterCopy(context.Context, *sql.Tx, *tableInfo) error { return nil }

func (postgresEngine) catalog(ctx context.Context, db *sql.DB) (map[string]*tableInfo, error) {
	out := map[string]*tableInfo{}
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	for rows.Next() {
		var table, col, typ, identity string
		if err := rows.Scan(&table, &col, &typ, &identity); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list columns: %w", err)
		}
		t := out[table]
		if t == nil {
			t = &tableInfo{name: table, types: map[string]colType{}}
			out[table] = t
		}
		t.cols = append(t.cols, col)
		switch typ {
		case "text", "character varying", "character":
			t.types[col] = colText
		case "bytea":
			t.types[col] = colBytes
		}
		if identity == "YES" {
			t.identity = col
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	keys, err := db.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.contype, a.attname, coalesce(c.confrelid::regclass::text, '')
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		LEFT JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) ON c.contype = 'p'
		LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		WHERE n.nspname = current_schema() AND c.contype IN ('p', 'f')
		ORDER BY 1, k.ord`)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer keys.Close()
	for keys.Next() {
		var table, kind, ref string
		var col sql.NullString
		if err := keys.Scan(&table, &kind, &col, &ref); err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		t := out[strings.Trim(table, `"`)]
		if t == nil {
			continue
		}
		switch kind {
		case "p":
			if col.Valid {
				t.pk = append(t.pk, col.String)
			}
		case "f":
			t.refs = append(t.refs, strings.Trim(ref, `"`))
		}
	}
	if err := keys.Err(); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return out, nil
}

// deferConstraints: the schema's foreign keys are DEFERRABLE (migration
// 0001), so they can wait for the commit.
func (postgresEngine) deferConstraints(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SET CONSTRAINTS ALL DEFERRED`)
	return err
}

// afterCopy sets t's identity sequence to go on after its largest ID.
func (postgresEngine) afterCopy(ctx context.Context, tx *sql.Tx, t *tableInfo) error {
	if t.identity == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max(`+quoteIdent(t.identity)+`), 0) + 1, false) FROM `+quoteIdent(t.name),
		t.name, t.identity)
	if err != nil {
		return fmt.Errorf("set the sequence of %s: %w", t.name, err)
	}
	return nil
}

// quoteIdent quotes a table or column name read from a catalog.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
