package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/pgtest"
	"fanarchive/internal/store/storetest"
)

// TestCopyEveryTable runs store suites that fill most of the schema on
// SQLite and, after each test, copies what it left into PostgreSQL and
// from there into a new SQLite file, checking that every table of data
// holds the same rows, value for value, in all three.
func TestCopyEveryTable(t *testing.T) {
	if testing.Short() {
		t.Skip("copies every store test's archive into PostgreSQL")
	}
	filled := &fillCount{n: map[string]int64{}}
	opener := func(t *testing.T, now func() time.Time) fanarchive.Store {
		path := filepath.Join(t.TempDir(), "archive.db")
		s := openAt(t, path)
		if now != nil {
			s.now = now
		}
		t.Cleanup(func() { copyAndCompare(t, path, filled) })
		return s
	}
	t.Run("Lists", func(t *testing.T) { storetest.RunLists(t, opener) })
	t.Run("Comments", func(t *testing.T) { storetest.RunComments(t, opener) })
	t.Run("Claims", func(t *testing.T) { storetest.RunClaims(t, opener) })
	t.Run("Readers", func(t *testing.T) { storetest.RunReaders(t, opener) })
	t.Run("Feedback", func(t *testing.T) { storetest.RunFeedback(t, opener) })
	t.Run("Accounts", func(t *testing.T) { storetest.RunAccounts(t, opener) })
	t.Run("ListStories", func(t *testing.T) { storetest.RunListStories(t, opener) })
	t.Run("Posting", func(t *testing.T) {
		storetest.RunPosting(t, func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
			s, search := searchOpener(-1)(t)
			path := s.(*Store).path
			t.Cleanup(func() { copyAndCompare(t, path, filled) })
			return s, search
		})
	})
	filled.mu.Lock()
	defer filled.mu.Unlock()
	var empty []string
	for name, n := range filled.n {
		if n == 0 {
			empty = append(empty, name)
		}
	}
	slices.Sort(empty)
	t.Logf("tables no test filled, so not compared: %v", empty)
}

// copyAndCompare copies the SQLite archive at path (its store closed or
// not) into a new PostgreSQL database and back into a new SQLite file, and
// compares every copied table's rows; filled counts the rows seen by table.
func copyAndCompare(t *testing.T, path string, filled *fillCount) {
	ctx := context.Background()
	orig, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen %s: %v", path, err)
	}
	defer orig.Close()
	pg, err := OpenPostgres(ctx, pgtest.NewDatabase(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := Copy(ctx, orig, pg, nil); err != nil {
		t.Fatalf("copy into PostgreSQL: %v", err)
	}
	back, err := Open(ctx, filepath.Join(t.TempDir(), "back.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := Copy(ctx, pg, back, nil); err != nil {
		t.Fatalf("copy back into SQLite: %v", err)
	}
	tables, err := sqliteEngine{}.catalog(ctx, orig.rdb)
	if err != nil {
		t.Fatal(err)
	}
	for name, info := range tables {
		if slices.Contains(derivedTables, name) || name == "search_changes" || name == "search_state" {
			continue // the copy's full-text index is rebuilt, which starts a new change log
		}
		want := tableRows(t, orig, info)
		filled.add(name, len(want))
		for _, other := range []*Store{pg, back} {
			got := tableRows(t, other, info)
			if !slices.Equal(got, want) {
				t.Errorf("%s in %s: %d rows differ from the original's %d:\n got %.300q\nwant %.300q", name, other.Path(), len(got), len(want), got, want)
			}
		}
	}
}

// tableRows returns every row of a table in primary-key order, each value
// written out as text, so SQLite's and PostgreSQL's can be compared.
func tableRows(t *testing.T, s *Store, info *tableInfo) []string {
	t.Helper()
	var cols, pk []string
	for _, c := range info.cols {
		cols = append(cols, quoteIdent(c))
	}
	for _, c := range info.pk {
		pk = append(pk, quoteIdent(c))
	}
	rows, err := s.rdb.Query(`SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quoteIdent(info.name) + ` ORDER BY ` + strings.Join(pk, ", "))
	if err != nil {
		t.Fatalf("read %s: %v", info.name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "%q|", x)
			case string:
				fmt.Fprintf(&b, "%q|", x)
			case nil:
				b.WriteString("NULL|")
			default:
				fmt.Fprintf(&b, "%v|", x)
			}
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fillCount counts rows seen by table, across parallel tests.
type fillCount struct {
	mu sync.Mutex
	n  map[string]int64
}

func (f *fillCount) add(table string, rows int) {
	f.mu.Lock()
	f.n[table] += int64(rows)
	f.mu.Unlock()
}
