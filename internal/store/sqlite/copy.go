package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"fanarchive"
)

// Copying a whole archive from one database to another: SQLite to
// PostgreSQL (migrate-db), PostgreSQL to an SQLite file (backup) and back
// (restore).

// CopySummary reports a Copy.
type CopySummary struct {
	Tables  int   // tables of data in the archive
	Resumed int   // of which an earlier, cut-short copy had copied already
	Rows    int64 // rows this copy wrote
	Works   int64 // works in the copy, deleted ones included
	Sources int64 // original files, every one's SHA-256 checked in the copy
	Users   int64
}

// CopyProgress is told of each table Copy starts (rows = 0) and of each
// batch it writes, with the rows of that table copied so far and its total.
// An error it returns stops the copy (which can be run again to go on).
type CopyProgress func(table string, rows, total int64) error

// copyProgressTable records, in the target, the tables a copy has
// finished, each in the transaction that copied it: a copy run again after
// it was cut short goes on from the first table not in it. It is dropped
// once the copy is verified.
const copyProgressTable = "fanarchive_copy_progress"

// derivedTables are not copied: each database keeps its own record of its
// migrations, and the text indexes are rebuilt from the copied works.
var derivedTables = []string{"migrations", "work_text", "list_message_text", "text_impact", "text_impact_words", copyProgressTable}

// Copy copies the whole archive in src into dst, which must be a new,
// empty archive (just opened, so migrated) or one a Copy of the same src
// was cut short in. It reads src in one read transaction, so it copies one
// moment of it even while src is serving; each table is written in one
// transaction of dst, in an order that puts every referenced table first.
// It then verifies the copy — every table's row count, and the SHA-256 of
// every original file against the digest recorded at import, which must
// also be the same in both — and rebuilds dst's full-text index (which
// empties its change log: a new archive's search loads from the works).
//
// Both stores must be at the same version of the schema; a column src has
// and dst lacks is an error, never dropped.
func Copy(ctx context.Context, src, dst *Store, progress CopyProgress) (*CopySummary, error) {
	if progress == nil {
		progress = func(string, int64, int64) error { return nil }
	}
	sd, ok1 := src.eng.(copyDialect)
	dd, ok2 := dst.eng.(copyDialect)
	if !ok1 || !ok2 {
		return nil, errors.New("copy: a store's database cannot be copied")
	}
	srcTables, err := sd.catalog(ctx, src.rdb)
	if err != nil {
		return nil, fmt.Errorf("copy: source: %w", err)
	}
	dstTables, err := dd.catalog(ctx, dst.db)
	if err != nil {
		return nil, fmt.Errorf("copy: target: %w", err)
	}
	order, err := copyOrder(srcTables, dstTables)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	done, err := dst.copyStart(ctx)
	if err != nil {
		return nil, err
	}
	if len(done) == 0 {
		if err := dst.checkEmpty(ctx); err != nil {
			return nil, err
		}
	}
	sum := &CopySummary{Tables: len(order)}
	counts := map[string]int64{}
	err = src.read(ctx, func(stx *sql.Tx) error {
		for _, name := range order {
			t := srcTables[name]
			var total int64
			if err := stx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(name)).Scan(&total); err != nil {
				return fmt.Errorf("count %s: %w", name, err)
			}
			counts[name] = total
			if done[name] {
				sum.Resumed++
				continue
			}
			if err := progress(name, 0, total); err != nil {
				return err
			}
			n, err := dst.copyTable(ctx, stx, t, dstTables[name], dd, total, progress)
			if err != nil {
				return fmt.Errorf("copy %s: %w", name, err)
			}
			sum.Rows += n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if err := verifyCopy(ctx, src, dst, order, counts); err != nil {
		return nil, fmt.Errorf("copy: verify: %w", err)
	}
	if err := progress("full-text index", 0, counts["works"]); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if err := dst.Reindex(ctx, func(n, total int) {
		progress("full-text index", int64(n), int64(total)) // a stop here is seen at the next table, if any
	}); err != nil {
		return nil, fmt.Errorf("copy: rebuild the full-text index: %w", err)
	}
	sum.Works, sum.Sources, sum.Users = counts["works"], counts["sources"], counts["users"]
	if _, err := dst.db.ExecContext(ctx, `DROP TABLE `+copyProgressTable); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	return sum, nil
}

// copyOrder returns the tables to copy, every one after the tables it
// refers to (ties by name), checking that dst can hold every column.
func copyOrder(src, dst map[string]*tableInfo) ([]string, error) {
	var names []string
	for name, t := range src {
		if slices.Contains(derivedTables, name) {
			continue
		}
		d := dst[name]
		if d == nil {
			return nil, fmt.Errorf("the target has no table %s: are both at the same fanarchive version?", name)
		}
		for _, c := range t.cols {
			if !slices.Contains(d.cols, c) {
				return nil, fmt.Errorf("the target's table %s has no column %s: are both at the same fanarchive version?", name, c)
			}
		}
		if len(t.pk) == 0 {
			return nil, fmt.Errorf("table %s has no primary key", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var order []string
	state := map[string]int{} // 1 visiting, 2 placed
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("tables refer to each other in a cycle: %s", strings.Join(append(path, name), " → "))
		}
		state[name] = 1
		refs := slices.Clone(src[name].refs)
		sort.Strings(refs)
		for _, r := range refs {
			if r == name || src[r] == nil || slices.Contains(derivedTables, r) {
				continue
			}
			if err := visit(r, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, name)
		return nil
	}
	for _, name := range names {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyStart makes the progress table in s, the target, and returns the
// tables it records as copied.
func (s *Store) copyStart(ctx context.Context) (map[string]bool, error) {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+copyProgressTable+` (
		table_name TEXT PRIMARY KEY, copied BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("copy: progress table: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT table_name FROM `+copyProgressTable)
	if err != nil {
		return nil, fmt.Errorf("copy: progress table: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("copy: progress table: %w", err)
		}
		done[name] = true
	}
	return done, rows.Err()
}

// checkEmpty returns ECONFLICT unless s, a copy's target, holds no archive:
// a copy never mixes two archives.
func (s *Store) checkEmpty(ctx context.Context) error {
	for _, table := range []string{"works", "sources", "users", "tags", "lists"} {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			return fmt.Errorf("copy: target: count %s: %w", table, err)
		}
		if n > 0 {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "The target database holds an archive already (%d rows in %s); copy into a new, empty database.", n, table)
		}
	}
	return nil
}

// copyBatchRows and copyBatchBytes bound one INSERT of a copy: well under
// either database's limit on bound values, and a few MB of original files.
const (
	copyBatchRows  = 500
	copyBatchBytes = 8 << 20
	copyMaxValues  = 30000
)

// copyTable copies src's table t, read in stx, into its counterpart d in s
// in one write transaction, which also records it as copied. A row already
// in s (a seeded row such as search_state's) takes the copied values.
func (s *Store) copyTable(ctx context.Context, stx *sql.Tx, t, d *tableInfo, dd copyDialect, total int64, progress CopyProgress) (int64, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = quoteIdent(c)
	}
	var pk []string
	for _, c := range t.pk {
		pk = append(pk, quoteIdent(c))
	}
	var set []string
	for _, c := range t.cols {
		if !slices.Contains(t.pk, c) {
			set = append(set, quoteIdent(c)+" = excluded."+quoteIdent(c))
		}
	}
	conflict := ` ON CONFLICT (` + strings.Join(pk, ", ") + `) DO NOTHING`
	if len(set) > 0 {
		conflict = ` ON CONFLICT (` + strings.Join(pk, ", ") + `) DO UPDATE SET ` + strings.Join(set, ", ")
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	perBatch := max(1, min(copyBatchRows, copyMaxValues/len(cols)))

	var copied int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		copied = 0
		if err := dd.deferConstraints(ctx, tx); err != nil {
			return fmt.Errorf("defer constraints: %w", err)
		}
		rows, err := stx.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+quoteIdent(t.name)+` ORDER BY `+strings.Join(pk, ", "))
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		defer rows.Close()
		var args []any
		n, size := 0, 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			q := `INSERT INTO ` + quoteIdent(t.name) + ` (` + strings.Join(cols, ", ") + `) VALUES ` +
				strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + conflict
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			copied += int64(n)
			args, n, size = args[:0], 0, 0
			return progress(t.name, copied, total)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return fmt.Errorf("read: %w", err)
			}
			for i, c := range t.cols {
				v, err := copyValue(vals[i], d.types[c])
				if err != nil {
					return fmt.Errorf("row %d, column %s: %w", copied+int64(n)+1, c, err)
				}
				if b, ok := v.([]byte); ok {
					size += len(b)
				} else if s, ok := v.(string); ok {
					size += len(s)
				}
				args = append(args, v)
			}
			n++
			if n >= perBatch || size >= copyBatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if err := flush(); err != nil {
			return err
		}
		if err := dd.afterCopy(ctx, tx, d); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+copyProgressTable+` (table_name, copied) VALUES (?, ?)`, t.name, copied)
		return err
	})
	return copied, err
}

// copyValue returns v, as read from one database, as the other stores it
// in a column of type typ. SQLite lets any column hold any type; PostgreSQL
// takes text only as valid UTF-8 and bytes only as bytes.
func copyValue(v any, typ colType) (any, error) {
	switch typ {
	case colText:
		switch x := v.(type) {
		case []byte:
			if !utf8.Valid(x) {
				return nil, errors.New("text that is not UTF-8")
			}
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case colBytes:
		if x, ok := v.(string); ok {
			return []byte(x), nil
		}
	}
	if b, ok := v.([]byte); ok {
		// Scan's bytes are the driver's, reused by the next row. An empty
		// blob may come as a nil slice, which pgx would send as NULL.
		return append([]byte{}, b...), nil
	}
	return v, nil
}

// verifyCopy checks dst against src after a copy: the same rows in every
// table (counts taken in the copy's snapshot), and every original file's
// bytes matching its digest, with the same digests in both.
func verifyCopy(ctx context.Context, src, dst *Store, order []string, counts map[string]int64) error {
	for _, name := range order {
		var n int64
		if err := dst.db.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(name)).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", name, err)
		}
		if n != counts[name] {
			return fmt.Errorf("%s has %d rows in the copy and %d in the original", name, n, counts[name])
		}
	}
	if err := checkSources(ctx, dst.db); err != nil {
		return err
	}
	a, err := sourceDigests(ctx, src)
	if err != nil {
		return err
	}
	b, err := sourceDigests(ctx, dst)
	if err != nil {
		return err
	}
	if a != b {
		return errors.New("the original files' digests differ between the original and the copy")
	}
	return nil
}

// sourceDigests returns every original file's ID and digest, in ID order,
// digested once more.
func sourceDigests(ctx context.Context, s *Store) (string, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, sha256 FROM sources ORDER BY id`)
	if err != nil {
		return "", fmt.Errorf("read original files: %w", err)
	}
	defer rows.Close()
	var all strings.Builder
	for rows.Next() {
		var id int64
		var sum string
		if err := rows.Scan(&id, &sum); err != nil {
			return "", fmt.Errorf("read original files: %w", err)
		}
		fmt.Fprintf(&all, "%d %s\n", id, sum)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read original files: %w", err)
	}
	return fanarchive.SumSHA256([]byte(all.String())), nil
}
