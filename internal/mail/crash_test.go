package mail

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fanarchive/internal/store/sqlite"
)

// crashSenderEnv makes the test binary a sender process: "DB|SMTP-ADDR".
const crashSenderEnv = "FANARCHIVE_TEST_MAIL_SENDER"

// crashLease is the child sender's lease, short so the test need not wait
// long for the claims of the killed process to run out.
const crashLease = 2 * time.Second

// crashWorkers is how many workers the child sender runs.
const crashWorkers = 2

func TestMain(m *testing.M) {
	if v := os.Getenv(crashSenderEnv); v != "" {
		os.Exit(runCrashSender(v))
	}
	os.Exit(m.Run())
}

// runCrashSender delivers the outbox at db to the relay at addr until it is
// killed.
func runCrashSender(v string) int {
	db, addr, _ := strings.Cut(v, "|")
	store, err := sqlite.Open(context.Background(), db, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tr, err := ParseSMTPURL("smtp://" + addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s := &Sender{Outbox: store, Transport: tr, Workers: crashWorkers, Batch: 10, Lease: crashLease, Poll: 100 * time.Millisecond}
	s.Run(context.Background())
	return 0
}

// TestSenderCrash kills a sending process with SIGKILL in the middle of a
// fan-out, starts another sender on the same database, and checks that
// every mail arrives, and that the only ones to arrive twice are those the
// relay had accepted when the process died, before it could record them:
// at most two per worker.
func TestSenderCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped with -short")
	}
	db := filepath.Join(t.TempDir(), "archive.db")
	outbox := openOutboxAt(t, db)
	s := startSink(t, &sink{data: func(received) error {
		time.Sleep(2 * time.Millisecond) // a relay that takes its time
		return nil
	}})
	const n = 400
	queueFanOut(t, outbox, n)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashSenderEnv+"="+db+"|"+s.addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	waitFor(t, time.Minute, "the child to send some mail", func() bool { return s.count() >= n/4 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	// A message whose data the relay was reading when the sender died is
	// still accepted (the relay learns of the death only when it replies).
	time.Sleep(200 * time.Millisecond)
	atKill := s.count()
	if atKill >= n {
		t.Fatalf("the child sent all %d before it was killed", n)
	}
	c := mailCounts(t, outbox)
	unrecorded := atKill - c.Sent
	t.Logf("killed with %d accepted by the relay, %d recorded as sent", atKill, c.Sent)
	if unrecorded < 0 || unrecorded > 2*crashWorkers {
		t.Errorf("%d mails accepted but not recorded: more than two per worker", unrecorded)
	}

	// A new sender: the dead one's claims are due again when their lease
	// runs out.
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	stop := runSender(t, &Sender{Outbox: outbox, Transport: tr, Poll: 100 * time.Millisecond})
	waitFor(t, crashLease+time.Minute, "every mail to be sent", func() bool { return mailCounts(t, outbox).Sent == n })
	stop()
	seen := byRecipient(s.messages())
	twice := 0
	for _, k := range seen {
		if k > 1 {
			twice += k - 1
		}
	}
	if len(seen) != n {
		t.Errorf("%d of %d recipients got their mail", len(seen), n)
	}
	if twice != unrecorded {
		t.Errorf("%d mails sent twice, want the %d accepted but unrecorded at the crash", twice, unrecorded)
	}
	t.Logf("after the restart: all %d delivered, %d twice", n, twice)
}
