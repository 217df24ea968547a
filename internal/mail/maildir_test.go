package mail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMaildir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	ctx := context.Background()
	// Two Maildir values on one folder, as two processes would be, each
	// with two sessions sending at once.
	mds := []*Maildir{{Dir: dir}, {Dir: dir}}
	const each = 25
	var wg sync.WaitGroup
	want := map[string]bool{}
	var mu sync.Mutex
	for i, md := range mds {
		for j := range 2 {
			sess, err := md.Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				defer sess.Close()
				for k := range each {
					e := testEnvelope(fmt.Sprintf("r%d.%d.%d@example.net", i, j, k), k)
					if err := sess.Send(ctx, e); err != nil {
						t.Error(err)
						return
					}
					msg := fmt.Sprintf("Return-Path: <%s>\nDelivered-To: %s\n%s%s", e.From, e.To, unixLines(e.Header), unixLines(e.Body))
					mu.Lock()
					want[msg] = true
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for _, sub := range []string{"tmp", "cur"} {
		if entries, err := os.ReadDir(filepath.Join(dir, sub)); err != nil || len(entries) != 0 {
			t.Errorf("%s holds %d files (%v), want none", sub, len(entries), err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "new"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4*each {
		t.Fatalf("new holds %d files, want %d (names must be unique)", len(entries), 4*each)
	}
	for _, e := range entries {
		if strings.ContainsAny(e.Name(), ":/") || !strings.Contains(e.Name(), fmt.Sprintf("P%d", os.Getpid())) {
			t.Errorf("file name %q", e.Name())
		}
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600 (mail is private)", e.Name(), info.Mode().Perm())
		}
		b, err := os.ReadFile(filepath.Join(dir, "new", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !want[string(b)] {
			t.Errorf("%s is not a message sent, complete:\n%s", e.Name(), b)
		}
		if bytes.Contains(b, []byte("\r")) {
			t.Errorf("%s keeps CRLF line endings", e.Name())
		}
		delete(want, string(b))
	}
	if len(want) != 0 {
		t.Errorf("%d messages missing", len(want))
	}
}

func TestMaildirRefusesBadEnvelope(t *testing.T) {
	md := &Maildir{Dir: t.TempDir()}
	sess, err := md.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope("a@example.net\nX-Injected: 1", 0)
	if err := sess.Send(context.Background(), e); err == nil || !deliveryError(err).Permanent {
		t.Errorf("err = %v, want a permanent refusal", err)
	}
}
