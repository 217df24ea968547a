package ingest

import (
	"testing"
	"time"

	"fanarchive"
)

// TestDatePublished: a work is dated by its header note, else by a
// copyright year, else marked undated; a date it has is kept. The texts
// are written for the test.
func TestDatePublished(t *testing.T) {
	header := time.Date(1994, 5, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		work fanarchive.Work
		want string // Published as 2006-01-02, "" for none
		from fanarchive.DateSource
	}{
		{"a Date note", fanarchive.Work{Notes: []fanarchive.Note{{Label: "Date:", Text: "12 Mar 1995"}}}, "1995-03-12", fanarchive.DateText},
		{"a copyright year in the text", fanarchive.Work{Chapters: []*fanarchive.Chapter{{Text: "Tides (c) 1996 Pat Quill\n\nThe tide came in."}}}, "1996-01-01", fanarchive.DateYear},
		{"the earliest of two notices", fanarchive.Work{Notes: []fanarchive.Note{{Label: "Disclaimer:", Text: "Copyright 1997 by Pat Quill"}},
			Chapters: []*fanarchive.Chapter{{Text: "The tide came in.\n\n© 1995 Pat Quill"}}}, "1995-01-01", fanarchive.DateYear},
		{"a note that is not a date", fanarchive.Work{Notes: []fanarchive.Note{{Label: "Date:", Text: "whenever"}}}, "", fanarchive.DateUnknown},
		{"a number that is no year", fanarchive.Work{Chapters: []*fanarchive.Chapter{{Text: "Copyright 12 boats and 1850 sails."}}}, "", fanarchive.DateUnknown},
		{"nothing", fanarchive.Work{Chapters: []*fanarchive.Chapter{{Text: "The tide came in."}}}, "", fanarchive.DateUnknown},
		{"the header's date is kept", fanarchive.Work{Published: header, PublishedFrom: fanarchive.DateHeader,
			Notes: []fanarchive.Note{{Label: "Date:", Text: "12 Mar 1995"}}}, "1994-05-02", fanarchive.DateHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.work
			datePublished(&w)
			got := ""
			if !w.Published.IsZero() {
				got = w.Published.Format("2006-01-02")
			}
			if got != tt.want || w.PublishedFrom != tt.from {
				t.Errorf("Published %q from %q, want %q from %q", got, w.PublishedFrom, tt.want, tt.from)
			}
		})
	}
}
