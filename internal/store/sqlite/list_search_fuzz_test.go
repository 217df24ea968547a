package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fanarchive"
)

// FuzzListSearch checks that whatever a reader types into a list archive's
// search box is either searched or refused with EINVALID, never an FTS5
// syntax error, and that every message found is of the list, posted.
func FuzzListSearch(f *testing.F) {
	for _, q := range []string{"lanterns", `"crossover" *`, "NEAR(a b)", "a OR b NOT c", "title: x", "^x", "café ünïcode",
		"\x00", `""`, "((", "-x", "日本語のテキスト", "x\u0301"} {
		f.Add(q)
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	l := &fanarchive.List{Name: "level3", Address: "level3@example.org"}
	if err := s.CreateList(ctx, l); err != nil {
		f.Fatal(err)
	}
	for i, text := range []string{"Lanterns in the rain, café talk.", "A crossover NEAR the title: or not.", "日本語のテキスト"} {
		m := &fanarchive.ListMessage{ListID: l.ID, Key: string(rune('a' + i)), Subject: "Post", Text: text,
			State: fanarchive.ListMessagePosted, Date: time.Now()}
		if err := s.ReceiveListMessage(ctx, m, nil, nil); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		msgs, _, err := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID, Query: q})
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("FindListMessages(%q): %v", q, err)
			}
			return
		}
		for _, m := range msgs {
			if m.ListID != l.ID || m.State != fanarchive.ListMessagePosted {
				t.Errorf("FindListMessages(%q) found %+v", q, m)
			}
		}
	})
}
