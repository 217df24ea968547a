package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

func TestMail(t *testing.T) {
	storetest.RunMail(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}

// TestQueueMailInTransaction checks the hook other store methods queue
// mail with: the mail commits or rolls back with the rest of the
// transaction, and the sender is woken only after a commit.
func TestQueueMailInTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	var woken atomic.Int32
	s.OnMailQueued(func() { woken.Add(1) })
	newMail := func(to string) *fanarchive.OutboundMail {
		return &fanarchive.OutboundMail{Kind: "confirm-email", Key: "confirm:" + to, From: "archive@example.org", To: to,
			Body: &fanarchive.MailBody{Raw: []byte("Subject: Confirm\r\n\r\nHello.\r\n")}}
	}

	// The change that causes the mail fails: neither is stored.
	failed := newMail("a@example.net")
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.queueMail(ctx, tx, []*fanarchive.OutboundMail{failed}); err != nil {
			return err
		}
		return errors.New("the account could not be created")
	})
	if err == nil {
		t.Fatal("write succeeded")
	}
	if c, _ := s.CountMail(ctx); c.Queued != 0 || failed.ID != 0 || woken.Load() != 0 {
		t.Errorf("after a rollback: %+v queued, ID %d, woken %d times", c, failed.ID, woken.Load())
	}

	// It commits: the mail is queued, and only then has its ID and wakes
	// the sender.
	ok := newMail("a@example.net")
	var done func()
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if done, err = s.queueMail(ctx, tx, []*fanarchive.OutboundMail{ok}); err != nil {
			return err
		}
		if ok.ID != 0 || woken.Load() != 0 {
			t.Error("queueMail set the ID or woke the sender before the commit")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO authors (name) VALUES ('a@example.net')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	done()
	if c, _ := s.CountMail(ctx); c.Queued != 1 || ok.ID == 0 || woken.Load() != 1 {
		t.Errorf("after the commit: %+v queued, ID %d, woken %d times", c, ok.ID, woken.Load())
	}
}
