package listmail

import (
	"fmt"
	"testing"
	"time"

	"fanarchive"
)

func members(ids ...int64) []*fanarchive.ListMember {
	var out []*fanarchive.ListMember
	for _, id := range ids {
		out = append(out, &fanarchive.ListMember{ID: id, ListID: 7, Address: fmt.Sprintf("m%d@example.net", id), Mode: fanarchive.DeliverDigest, State: fanarchive.MemberActive})
	}
	return out
}

func TestFanout(t *testing.T) {
	c := testConfig()
	l := testList()
	f := c.Fanout(l, []byte("shared"), func(m *fanarchive.ListMessage, mb *fanarchive.ListMember) string {
		return fmt.Sprintf("list-post:%d:%d", m.ID, mb.ID)
	})
	a, err := f(&fanarchive.ListMessage{ID: 5}, members(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := f(&fanarchive.ListMessage{ID: 5}, members(3))
	if len(a) != 2 || a[0].Body != a[1].Body || a[0].Body != b[0].Body || a[1].Key != "list-post:5:2" || a[0].Kind != fanarchive.MailKindListPost {
		t.Errorf("mails %+v %+v", a, b)
	}
	for _, m := range append(a, b...) {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
	}
}

func TestDigestBuilder(t *testing.T) {
	c := testConfig()
	l := testList()
	built := 0
	build := c.DigestBuilder(func(l *fanarchive.List) (int, int) { built++; return 1, built }, nil)
	msgs := digestMessages()
	a, err := build(l, msgs, members(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := build(l, msgs, members(3, 4))
	retry, _ := build(l, msgs, members(1, 2))
	other, _ := build(l, msgs[:1], members(1))
	switch {
	case built != 2:
		t.Errorf("built %d digests, want 2", built)
	case a[0].Body != b[1].Body || a[0].Kind != fanarchive.MailKindListDigest:
		t.Error("chunks of one digest do not share a body")
	case retry[0].Body == a[0].Body || string(retry[0].Body.Raw) != string(a[0].Body.Raw):
		t.Error("a new call from the first members shares the old body")
	case other[0].Body == a[0].Body:
		t.Error("another digest shares the body")
	}
}

func TestDigestNumber(t *testing.T) {
	l := testList()
	l.CreatedAt = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		now        time.Time
		vol, issue int
	}{
		{time.Date(2025, 6, 1, 18, 0, 0, 0, time.UTC), 1, 1},
		{time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC), 1, 2},
		{time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC), 1, 365},
		{time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC), 2, 1},
		{time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), 2, 186},
	}
	for _, tt := range tests {
		if v, i := DigestNumber(l, tt.now); v != tt.vol || i != tt.issue {
			t.Errorf("DigestNumber at %v = %d, %d; want %d, %d", tt.now, v, i, tt.vol, tt.issue)
		}
	}
}
