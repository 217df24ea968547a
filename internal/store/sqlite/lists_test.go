package sqlite

import (
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

func TestLists(t *testing.T) {
	storetest.RunLists(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}

// TestListQueryPlans checks that the scans a big list makes often read
// their indexes: the fan-out's and digest's member pages, threading by
// Message-ID and by subject, and the archive by date.
func TestListQueryPlans(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	for _, tt := range []struct {
		query string
		args  []any
		index string
	}{
		{`SELECT ` + memberColumns + ` FROM list_members m WHERE m.list_id = ? AND m.state = 'active' AND m.mode = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
			[]any{1, "each", 0, 1000}, "list_members_delivery"},
		{`SELECT thread_id FROM list_messages WHERE list_id = ? AND message_id = ? AND state = 'posted' AND id != ? ORDER BY id LIMIT 1`,
			[]any{1, "<a@x>", 0}, "list_messages_message_id"},
		{`SELECT thread_id FROM list_messages WHERE list_id = ? AND subject_key = ? AND state = 'posted' AND date >= ? AND id != ? ORDER BY date DESC, id DESC LIMIT 1`,
			[]any{1, "x", "2026", 0}, "list_messages_subject"},
		{`SELECT ` + listMessageColumns + ` FROM list_messages g WHERE g.list_id = ? AND g.state = ? ORDER BY g.date, g.id LIMIT ? OFFSET ?`,
			[]any{1, "posted", 50, 0}, "list_messages_date"},
	} {
		if plan := queryPlan(t, s, tt.query, tt.args...); !strings.Contains(plan, tt.index) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s\ndoes not read %s alone:\n%s", tt.query, tt.index, plan)
		}
	}
}
