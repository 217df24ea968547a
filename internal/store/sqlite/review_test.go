package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

// TestReview runs the shared review suite, with searches on a second handle
// as `serve` would make them.
func TestReview(t *testing.T) {
	storetest.RunReview(t, searchOpener(-1))
}

// reviewColumns reads the review columns stored for a work.
func reviewColumns(t *testing.T, s *Store, id int64) (float64, bool) {
	t.Helper()
	rv := storedReviewValues(t, s, id)
	return rv.confidence, rv.needs
}

// storedReviewValues reads all four review columns of a work.
func storedReviewValues(t *testing.T, s *Store, id int64) reviewValues {
	t.Helper()
	var rv reviewValues
	if err := s.db.QueryRow(`SELECT review_confidence, needs_review, review_fields, review_problems FROM works WHERE id = ?`,
		id).Scan(&rv.confidence, &rv.needs, &rv.fields, &rv.problems); err != nil {
		t.Fatal(err)
	}
	return rv
}

// TestReviewColumnsMatchDomain checks that the triggers of migration 0004
// agree with fanarchive.Work.ReviewConfidence and NeedsReview, threshold
// included, on insert and on every kind of edit.
func TestReviewColumnsMatchDomain(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	th := fanarchive.ReviewThreshold
	cases := []struct {
		conf     []float64
		problems []string
	}{
		{nil, nil},
		{[]float64{1, 0.9}, nil},
		{[]float64{th}, nil},
		{[]float64{math.Nextafter(th, 0)}, nil},
		{[]float64{0}, nil},
		{[]float64{0.95, 0.3, 0.8}, nil},
		{nil, []string{"part missing: 2 of 3"}},
		{[]float64{1}, []string{"x"}},
	}
	for i, c := range cases {
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Rating: fanarchive.RatingTeen, Problems: c.problems,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>x</p>"}, {Number: 2, Body: "<p>y</p>"}},
			Evidence: map[string]fanarchive.Evidence{}}
		for j, v := range c.conf {
			w.Evidence[fanarchive.ReviewFields[j]] = fanarchive.Evidence{Confidence: v, Via: "test"}
		}
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			got, err := s.FindWorkByID(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored, want := storedReviewValues(t, s, w.ID), newReviewValues(got)
			if stored != want {
				t.Errorf("case %d %s: stored %+v, domain %+v", i, when, stored, want)
			}
		}
		check("created")
		// The triggers compute the same from the stored JSON.
		if _, err := s.db.Exec(`UPDATE works SET review_confidence = -1, needs_review = 0, review_fields = 'x', review_problems = 'x'
			WHERE id = ?`, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec(`UPDATE works SET problems = problems WHERE id = ?`, w.ID); err != nil {
			t.Fatal(err)
		}
		check("recomputed by the trigger")
		if err := s.UpdateWorkField(ctx, w.ID, fanarchive.FieldSummary, "s", "me"); err != nil {
			t.Fatal(err)
		}
		check("after set")
		if err := s.ConfirmWork(ctx, w.ID, nil, "me"); err != nil {
			t.Fatal(err)
		}
		check("after confirm")
		if id, err := s.SplitWork(ctx, w.ID, 2, "me"); err != nil {
			t.Fatal(err)
		} else if conf, needs := reviewColumns(t, s, id); conf != 0.5 || !needs {
			t.Errorf("case %d: split-off work stored (%v, %v), want its made-up title reviewed", i, conf, needs)
		}
	}
}

// TestReviewMigrationBackfill builds a database at migration 0003 with
// works already in it, then opens it: migration 0004 must mark the ones
// that need review, and the queue must find them.
func TestReviewMigrationBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_search.sql", "0003_work_sources.sql"} {
		body, err := fs.ReadFile(migrationFS, "migration/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO migrations VALUES (?, '2020-01-01T00:00:00.000000000Z')`, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, row := range []struct{ evidence, problems string }{
		{`{}`, `[]`},
		{`{"title":{"confidence":0.6,"via":"guess"},"rating":{"confidence":0.8,"via":"default"}}`, `[]`},
		{`{"title":{"confidence":1,"via":"header"}}`, `["part missing: 2 of 3"]`},
		{`{"title":{"confidence":0.9,"via":"byline"}}`, `[]`},
		{`{"fandoms":{"confidence":0,"via":"none"}}`, `["no fandom found"]`},
	} {
		if _, err := db.Exec(`INSERT INTO works (kind, rating, published, updated, created_at, updated_at, evidence, problems)
			VALUES ('fiction', 'Teen', '2020-01-01T00:00:00.000000000Z', '2020-01-01T00:00:00.000000000Z',
			'2020-01-01T00:00:00.000000000Z', '2020-01-01T00:00:00.000000000Z', ?, ?)`, row.evidence, row.problems); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := openAt(t, path)
	defer s.Close()
	works, n, err := s.FindReviewQueue(ctx, fanarchive.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, w := range works {
		ids = append(ids, w.ID)
	}
	if n != 3 || !slices.Equal(ids, []int64{5, 2, 3}) {
		t.Errorf("queue after migration = %v (%d), want [5 2 3] (3)", ids, n)
	}
	for id := int64(1); id <= 5; id++ {
		conf, _ := reviewColumns(t, s, id)
		if want := map[int64]float64{1: 1, 2: 0.6, 3: 1, 4: 0.9, 5: 0}[id]; conf != want {
			t.Errorf("work %d: review_confidence %v, want %v", id, conf, want)
		}
	}
	if rv := storedReviewValues(t, s, 5); rv.fields != " fandoms " || rv.problems != "no fandom found" || !rv.needs {
		t.Errorf("work 5: %+v", rv)
	}
	// An insert that does not write the review columns has them computed.
	res, err := s.db.Exec(`INSERT INTO works (kind, rating, published, updated, created_at, updated_at, evidence, problems)
		VALUES ('other', 'Teen', '2020-01-01T00:00:00.000000000Z', '2020-01-01T00:00:00.000000000Z',
		'2020-01-01T00:00:00.000000000Z', '2020-01-01T00:00:00.000000000Z',
		'{"kind":{"confidence":0.7,"via":"c"},"title":{"confidence":0.2,"via":"g"}}', '["a","b"]')`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	if rv := storedReviewValues(t, s, id); rv != (reviewValues{confidence: 0.2, needs: true, fields: " kind title ", problems: "a\nb"}) {
		t.Errorf("raw insert: %+v", rv)
	}
}

// TestReviewQueuePlan checks that the queue is read off its index in
// order, so that it stays fast however large the archive.
func TestReviewQueuePlan(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	for _, f := range []fanarchive.ReviewFilter{{}, {Kind: fanarchive.KindOther}, {Field: "title", Problem: "x"}} {
		where, args := reviewWhere(f)
		text := queryPlan(t, s, `SELECT w.id FROM `+s.reviewFrom()+` WHERE `+where+
			` ORDER BY w.review_confidence, w.id LIMIT 20`, args...)
		if !strings.Contains(text, "works_review") || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("filter %+v: plan %q does not read works_review in order", f, text)
		}
	}
}
