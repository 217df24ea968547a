package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
)

func testRawRoundTrip(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	big := make([]byte, 3<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	tests := []struct {
		name string
		raw  []byte
	}{
		{"empty", []byte{}},
		{"crlf", []byte("Title: X\r\nAuthor: Y\r\n\r\nText.\r\n")},
		{"lone cr", []byte("Mac\rline\rendings\r")},
		{"nul bytes", []byte("a\x00b\x00\x00c")},
		{"only nul", []byte{0}},
		{"invalid utf-8", []byte("caf\xe9 \xff\xfe \xc3\x28 na\xefve")},
		{"utf-16 bom", []byte{0xff, 0xfe, 'h', 0, 'i', 0}},
		{"trailing spaces", []byte("keep these   \n\n\n")},
		{"random 3 MiB", big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWork("Raw " + tt.name)
			w.Sources = []*fanarchive.Source{fanarchive.NewSource(tt.name+".txt", bytes.Clone(tt.raw))}
			create(t, s, w)
			got, err := s.FindSourceByID(ctx, w.Sources[0].ID)
			must(t, err)
			if got.Raw == nil || !bytes.Equal(got.Raw, tt.raw) {
				t.Fatalf("raw bytes changed: got %d bytes (nil %v), want %d", len(got.Raw), got.Raw == nil, len(tt.raw))
			}
			if got.Size != int64(len(tt.raw)) || got.SHA256 != fanarchive.SumSHA256(tt.raw) {
				t.Errorf("size %d sha %s, want %d %s", got.Size, got.SHA256, len(tt.raw), fanarchive.SumSHA256(tt.raw))
			}
			if err := got.Validate(); err != nil {
				t.Errorf("stored source does not validate: %v", err)
			}
			// FindWorkByID lists the source without its bytes.
			work, err := s.FindWorkByID(ctx, w.ID)
			must(t, err)
			if len(work.Sources) != 1 || work.Sources[0].Raw != nil {
				t.Errorf("FindWorkByID sources = %+v, want one without raw bytes", work.Sources)
			}
		})
	}
}

func testFindSourceBySHA256(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := newWork("By sum")
	w.Sources[0].Encoding, w.Sources[0].List, w.Sources[0].FeedbackContact = "iso-8859-1", "ATXC", "me@example.org"
	create(t, s, w)
	want := *w.Sources[0]
	got, err := s.FindSourceBySHA256(ctx, want.SHA256)
	must(t, err)
	if got.Raw != nil {
		t.Errorf("FindSourceBySHA256 returned %d raw bytes, want none", len(got.Raw))
	}
	if got.ID != want.ID || got.WorkID != w.ID || got.Name != want.Name || got.Size != want.Size ||
		got.Part != 1 || got.Encoding != want.Encoding || got.List != want.List ||
		got.FeedbackContact != want.FeedbackContact || !got.ImportedAt.Equal(want.ImportedAt) {
		t.Errorf("FindSourceBySHA256 = %+v, want %+v", got, want)
	}
	_, err = s.FindSourceBySHA256(ctx, fanarchive.SumSHA256([]byte("never stored")))
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.FindSourceBySHA256(ctx, "")
	wantCode(t, err, fanarchive.ENOTFOUND)
}

func testSourceNotFound(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	for _, id := range []int64{0, 1, -1, 1 << 40} {
		_, err := s.FindSourceByID(ctx, id)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
}

func testImportRuns(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)
	run := &fanarchive.ImportRun{Args: "fanarchive import --fandom 'The X-Files' ./gossamer"}
	must(t, s.CreateImportRun(ctx, run))
	if run.ID == 0 || run.StartedAt.Before(before) || !run.FinishedAt.IsZero() {
		t.Fatalf("CreateImportRun set %+v; want an ID and StartedAt now", run)
	}
	other := &fanarchive.ImportRun{Args: "second"}
	must(t, s.CreateImportRun(ctx, other))
	if other.ID == run.ID {
		t.Errorf("two runs share ID %d", run.ID)
	}

	w := newWork("Imported")
	w.Sources[0].ImportRunID = run.ID
	create(t, s, w)
	src, err := s.FindSourceBySHA256(ctx, w.Sources[0].SHA256)
	must(t, err)
	if src.ImportRunID != run.ID {
		t.Errorf("source ImportRunID = %d, want %d", src.ImportRunID, run.ID)
	}

	run.Created, run.Present, run.Failed = 1, 2, 3
	must(t, s.FinishImportRun(ctx, run))
	if run.FinishedAt.Before(run.StartedAt) {
		t.Errorf("FinishedAt %v before StartedAt %v", run.FinishedAt, run.StartedAt)
	}
	wantCode(t, s.FinishImportRun(ctx, &fanarchive.ImportRun{ID: run.ID + 100}), fanarchive.ENOTFOUND)
	wantCode(t, s.CreateImportRun(ctx, nil), fanarchive.EINVALID)
}

func testFindAuthorByName(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := newWork("Bylines")
	w.Authors = []fanarchive.Author{{Name: "Te'o O'Brien"}, {Name: "名前"}}
	create(t, s, w)
	for _, want := range w.Authors {
		got, err := s.FindAuthorByName(ctx, want.Name)
		must(t, err)
		if *got != want {
			t.Errorf("FindAuthorByName(%q) = %+v, want %+v", want.Name, *got, want)
		}
	}
	for _, name := range []string{"te'o o'brien", "Te'o O'Brien ", "", "Nobody"} {
		_, err := s.FindAuthorByName(ctx, name)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
}

func testFindTag(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := newWork("Tagged")
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: "Major Character Death", Inferred: true})
	create(t, s, w)
	got, err := s.FindTag(ctx, fanarchive.TagWarning, "Major Character Death")
	must(t, err)
	want := fanarchive.Tag{ID: w.Tags[1].ID, Kind: fanarchive.TagWarning, Name: "Major Character Death"}
	if *got != want {
		t.Errorf("FindTag = %+v, want %+v", *got, want)
	}
	for _, tt := range []fanarchive.Tag{
		{Kind: fanarchive.TagFreeform, Name: "Major Character Death"},
		{Kind: fanarchive.TagWarning, Name: "major character death"},
		{Kind: "nonsense", Name: "The X-Files"},
	} {
		_, err := s.FindTag(ctx, tt.Kind, tt.Name)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
}

// testConcurrentReaders checks that readers keep working, and see whole
// works, while works are being written.
func testConcurrentReaders(t *testing.T, s fanarchive.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := create(t, s, newWork("Seed"))

	const writes = 40
	var reads atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{Limit: 100})
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				if n != len(works) {
					errs <- fmt.Errorf("FindWorks: total %d but %d works", n, len(works))
					return
				}
				for _, w := range works {
					if len(w.Chapters) != 2 || len(w.Authors) != 1 {
						errs <- fmt.Errorf("%s seen half-written: %d chapters, %d authors", describe(w), len(w.Chapters), len(w.Authors))
						return
					}
				}
				if _, err := s.FindWorkByID(ctx, first.ID); err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		})
	}
	for i := range writes {
		w := newWork("Concurrent " + string(rune('A'+i%26)) + string(rune('a'+i/26)))
		if err := s.CreateWork(ctx, w); err != nil {
			cancel()
			wg.Wait()
			t.Fatalf("CreateWork during reads: %v", err)
		}
	}
	// Let the readers see the final state at least once.
	for deadline := time.Now().Add(5 * time.Second); reads.Load() < 8 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Error("no read completed")
	}
	if _, n, err := s.FindWorks(context.Background(), fanarchive.WorkFilter{}); err != nil || n != writes+1 {
		t.Errorf("after concurrent writes: %d works, %v; want %d", n, err, writes+1)
	}
}
