package storetest

import (
	"context"
	"testing"

	"fanarchive"
)

// testImportWorks checks ImportWorks: a batch is stored whole, batch
// duplicates point at their original, and the same batch again creates
// nothing and finds every work; a bad work stores nothing.
func testImportWorks(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	batch := func() []*fanarchive.Work {
		a, b, c := newWork("Original"), newWork("Repost"), newWork("Other")
		b.DuplicateOf = -1
		return []*fanarchive.Work{a, b, c}
	}
	first := batch()
	first[2].FeedbackContact = "other@example.net"
	created, err := s.ImportWorks(ctx, first)
	must(t, err)
	if len(created) != 3 || !created[0] || !created[1] || !created[2] {
		t.Fatalf("created = %v, want all", created)
	}
	if first[1].DuplicateOf != first[0].ID || first[0].ID == 0 {
		t.Errorf("duplicate points at %d, want %d", first[1].DuplicateOf, first[0].ID)
	}
	got, err := s.FindWorkByID(ctx, first[1].ID)
	must(t, err)
	if got.DuplicateOf != first[0].ID {
		t.Errorf("stored duplicate_of = %d, want %d", got.DuplicateOf, first[0].ID)
	}
	// A work's own feedback contact is kept (privately) with the work.
	if got, err := s.FindWorkByID(ctx, first[2].ID); err != nil || got.FeedbackContact != "other@example.net" {
		t.Errorf("feedback contact = %q, %v", got.FeedbackContact, err)
	}

	again := batch()
	created, err = s.ImportWorks(ctx, again)
	must(t, err)
	for i := range again {
		if created[i] || again[i].ID != first[i].ID {
			t.Errorf("work %d again: created %v, ID %d; want found %d", i, created[i], again[i].ID, first[i].ID)
		}
	}

	// One bad work: nothing of the batch is stored.
	good, bad := newWork("Good"), newWork("Bad")
	bad.Chapters = nil
	if _, err := s.ImportWorks(ctx, []*fanarchive.Work{good, bad}); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("bad batch: err = %v, want EINVALID", err)
	}
	if _, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{IncludeDuplicates: true}); err != nil || n != 3 {
		t.Errorf("after a bad batch: %d works, %v; want 3", n, err)
	}

	// A reference forward in the batch is refused.
	x, y := newWork("X"), newWork("Y")
	x.DuplicateOf = -2
	if _, err := s.ImportWorks(ctx, []*fanarchive.Work{x, y}); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("forward reference: err = %v, want EINVALID", err)
	}
}
