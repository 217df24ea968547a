//go:build unix

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"fanarchive"
)

// BenchmarkListFanout100k measures posting one message to a list of
// 100,000 members that get each post: the message stored and indexed and
// 100,000 outbox rows queued (one shared body, a per-member header), in
// one transaction. The target, < 60 s for the whole fan-out
// including SMTP delivery, leaves this step most of its budget:
//
//	go test ./internal/store/sqlite -run '^$' -bench ListFanout100k -benchtime 3x
func BenchmarkListFanout100k(b *testing.B) {
	const members = 100_000
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l := &fanarchive.List{Name: "level3", Address: "level3@lists.example.org"}
	if err := s.CreateList(ctx, l); err != nil {
		b.Fatal(err)
	}
	now := formatTime(time.Now())
	err = s.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO list_members (list_id, address, email_key, mode, state, created_at, updated_at)
			VALUES (?, ?, ?, 'each', 'active', ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range members {
			addr := fmt.Sprintf("member%06d@example.net", i)
			if _, err := st.ExecContext(ctx, l.ID, addr, addr, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	raw := []byte("From: Kim <kim@example.net>\r\nSubject: [level3] The Road Home (1/3)\r\n\r\n" + syntheticStory(1, 20<<10))
	var peak uint64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body := &fanarchive.MailBody{Raw: raw}
		queued := 0
		fanout := func(m *fanarchive.ListMessage, chunk []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
			mails := make([]*fanarchive.OutboundMail, len(chunk))
			for j, mb := range chunk {
				mails[j] = &fanarchive.OutboundMail{Kind: fanarchive.MailKindListPost,
					From: fmt.Sprintf("level3-bounces+%d@lists.example.org", mb.ID), To: mb.Address, Body: body,
					Header: []byte(fmt.Sprintf("List-Unsubscribe: <https://archive.example.org/lists/unsubscribe/%d-token>\r\n", mb.ID))}
			}
			queued += len(mails)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			return mails, nil
		}
		m := &fanarchive.ListMessage{ListID: l.ID, Key: fmt.Sprintf("bench-%d", i), MessageID: fmt.Sprintf("<bench-%d@example.net>", i),
			Subject: "The Road Home (1/3)", FromAddress: "kim@example.net", Text: "A story.", State: fanarchive.ListMessagePosted, Raw: raw}
		if err := s.ReceiveListMessage(ctx, m, fanout, nil); err != nil {
			b.Fatal(err)
		}
		if queued != members {
			b.Fatalf("queued %d mails, want %d", queued, members)
		}
	}
	// On a shared machine wall time depends on the neighbours; the
	// process's CPU time per post says what the fan-out itself costs.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "mails/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
