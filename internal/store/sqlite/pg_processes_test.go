package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/pgtest"
)

// TestPostgresMailTakenOnce: the senders of two serve processes (two
// stores on one PostgreSQL database, two claimers each) share the mail
// queue, and every mail is taken exactly once.
func TestPostgresMailTakenOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	var stores []*Store
	for range 2 {
		s, err := OpenPostgres(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	const n = 300
	body := &fanarchive.MailBody{Raw: []byte("From: list@example.org\r\nSubject: hello\r\n\r\nHello.\r\n")}
	mails := make([]*fanarchive.OutboundMail, n)
	for i := range mails {
		mails[i] = &fanarchive.OutboundMail{Kind: "test", From: "bounces@example.org", To: fmt.Sprintf("r%d@example.net", i), Body: body}
	}
	if err := stores[0].QueueMail(ctx, mails); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	taken := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range stores {
		for range 2 {
			wg.Go(func() {
				for {
					got, err := s.ClaimMail(ctx, 7, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						taken[m.ID]++
					}
					mu.Unlock()
					if err := s.MarkMailSent(ctx, got); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	if len(taken) != n {
		t.Errorf("%d mails taken, want %d", len(taken), n)
	}
	for id, k := range taken {
		if k != 1 {
			t.Errorf("mail %d taken %d times", id, k)
		}
	}
	counts, err := stores[1].CountMail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts != (fanarchive.MailCounts{Sent: n}) {
		t.Errorf("counts = %+v, want %d sent", counts, n)
	}
}
