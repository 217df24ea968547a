// Package storetest is the behaviour every fanarchive.Store must have, written
// once as a test suite. Each storage implementation runs it against a fresh,
// real database of its own kind:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) fanarchive.Store { return openTestStore(t) })
//	}
//
// The suite only uses the fanarchive.Store interface, so what it checks is the
// contract callers rely on, not how one database happens to behave.
//
// RunSearch (search) and RunReview (the review queue and its edits) take a
// SearchOpener and belong to the suite too.
package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// Run runs the whole suite. open must return a new, empty store each time it
// is called; Run closes it when the subtest ends. Subtests run in parallel,
// each on its own store.
func Run(t *testing.T, open func(t *testing.T) fanarchive.Store) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store)
	}{
		{"Ping", testPing},
		{"CreateWork/RoundTrip", testCreateRoundTrip},
		{"CreateWork/Defaults", testCreateDefaults},
		{"CreateWork/Invalid", testCreateInvalid},
		{"CreateWork/ChapterSources", testChapterSources},
		{"CreateWork/DuplicateSource", testDuplicateSource},
		{"CreateWork/SharedAuthorsAndTags", testSharedAuthorsAndTags},
		{"CreateWork/RepeatedAuthorsAndTags", testRepeatedAuthorsAndTags},
		{"ImportWorks", testImportWorks},
		{"FindChapter", testFindChapter},
		{"ChapterPages", testChapterPages},
		{"ChapterPages/Import", testChapterPagesImport},
		{"ChapterPages/MergeSplitDelete", testChapterPagesRewrite},
		{"DeleteWork", testDeleteWork},
		{"DeleteWork/Duplicates", testDeleteListsDuplicates},
		{"Sources/RawRoundTrip", testRawRoundTrip},
		{"Sources/FindBySHA256", testFindSourceBySHA256},
		{"Sources/NotFound", testSourceNotFound},
		{"ImportRuns", testImportRuns},
		{"FindAuthorByName", testFindAuthorByName},
		{"FindTag", testFindTag},
		{"FindWorks/Order", testFindWorksOrder},
		{"FindWorks/Filters", testFindWorksFilters},
		{"FindWorks/Invalid", testFindWorksInvalid},
		{"FindWorks/Pagination", testFindWorksPagination},
		{"FindWorks/Limits", testFindWorksLimits},
		{"FindWorks/Contents", testFindWorksContents},
		{"ConcurrentReadersDuringWrites", testConcurrentReaders},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s)
		})
	}
}

func testPing(t *testing.T, s fanarchive.Store) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// wantCode fails the test unless err carries the application error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := fanarchive.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// day is a fixed, distinct point in time for ordering tests.
func day(n int) time.Time {
	return time.Date(1998, time.March, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n)
}

// newWork returns a valid two-chapter work whose single source is unique to
// name, so works made with different names never conflict.
func newWork(name string) *fanarchive.Work {
	raw := []byte("From: " + name + "@example.net\r\nSubject: " + name + "\r\n\r\nThe girl is dead.\r\n")
	return &fanarchive.Work{
		Kind:     fanarchive.KindFiction,
		Title:    name,
		Authors:  []fanarchive.Author{{Name: "Author of " + name}},
		Rating:   fanarchive.RatingGeneral,
		Language: "en",
		Words:    7,
		Complete: true,
		Begins:   "The girl is dead.",
		Tags: []fanarchive.Tag{
			{Kind: fanarchive.TagFandom, Name: "The X-Files"},
		},
		Chapters: []*fanarchive.Chapter{
			{Number: 1, Title: "One", Body: "<p>The girl is dead.</p>\n", Words: 4},
			{Number: 2, Title: "Two", Body: "<p>Or is she?</p>\n", Words: 3},
		},
		Sources: []*fanarchive.Source{fanarchive.NewSource(name+".txt", raw)},
	}
}

// create stores w or fails the test.
func create(t *testing.T, s fanarchive.Store, w *fanarchive.Work) *fanarchive.Work {
	t.Helper()
	if err := s.CreateWork(context.Background(), w); err != nil {
		t.Fatalf("CreateWork(%q): %v", w.Title, err)
	}
	if w.ID == 0 {
		t.Fatalf("CreateWork(%q) did not set the ID", w.Title)
	}
	return w
}

// titles returns the titles of works, for comparing listings.
func titles(works []*fanarchive.Work) string {
	names := make([]string, len(works))
	for i, w := range works {
		names[i] = w.Title
	}
	return strings.Join(names, ",")
}

// ptr returns a pointer to v, for optional filter fields.
func ptr[T any](v T) *T { return &v }

// describe names a work for failure messages.
func describe(w *fanarchive.Work) string { return fmt.Sprintf("work %d %q", w.ID, w.Title) }
