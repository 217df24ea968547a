package mailin

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"fanarchive"
)

// crashChildEnv makes the test binary a server process:
// "SPOOL|STATE|MODE", MODE "before" or "after" (see fileBackend).
const crashChildEnv = "FANARCHIVE_TEST_MAILIN_SERVER"

func TestMain(m *testing.M) {
	if v := os.Getenv(crashChildEnv); v != "" {
		os.Exit(runCrashServer(v))
	}
	os.Exit(m.Run())
}

// fileBackend keeps its state in files, so that it outlives a process as a
// database would: STATE/started/KEY when a Deliver begins, STATE/done/KEY
// when the message is stored (once per key: a second Deliver of a stored
// key is done). hang makes Deliver wait forever, "before" or "after"
// storing, for the test to kill the process there.
type fileBackend struct {
	state string
	hang  string

	mu    sync.Mutex
	calls []string
}

func (b *fileBackend) CheckRecipient(ctx context.Context, rcpt string) (int64, error) {
	if rcpt == "l3@lists.test" {
		return 0, nil
	}
	return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "no such list")
}

func (b *fileBackend) Deliver(ctx context.Context, env Envelope, raw []byte, key string) error {
	b.mu.Lock()
	b.calls = append(b.calls, key)
	b.mu.Unlock()
	if err := os.WriteFile(filepath.Join(b.state, "started", key), nil, 0o600); err != nil {
		return err
	}
	if b.hang == "before" {
		select {}
	}
	f, err := os.OpenFile(filepath.Join(b.state, "done", key), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // stored already: done
	} else if err != nil {
		return err
	}
	f.Write(raw)
	f.Sync()
	f.Close()
	if b.hang == "after" {
		select {}
	}
	return nil
}

func newFileBackend(t testing.TB, state, hang string) *fileBackend {
	for _, sub := range []string{"started", "done"} {
		if err := os.MkdirAll(filepath.Join(state, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return &fileBackend{state: state, hang: hang}
}

// runCrashServer serves on a loopback port, written to STATE/addr, until
// it is killed.
func runCrashServer(v string) int {
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "bad", crashChildEnv)
		return 2
	}
	be := &fileBackend{state: parts[1], hang: parts[2]}
	srv, err := NewServer(Config{Backend: be, Spool: parts[0], Domain: "lists.test", RetryMin: time.Hour})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tmp := filepath.Join(parts[1], "addr.tmp")
	os.WriteFile(tmp, []byte(ln.Addr().String()), 0o600)
	os.Rename(tmp, filepath.Join(parts[1], "addr"))
	if err := srv.Serve(context.Background(), ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestCrashRecovery kills a server process with SIGKILL once a message is
// in its spool and the backend has it in hand — before the backend stored
// it, or after it stored it but before the server could clear the spool —
// then recovers the spool in another process, and checks that the backend
// ends with the message exactly once, under the key it first saw.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped with -short")
	}
	for _, mode := range []string{"before", "after"} {
		t.Run("killed "+mode+" the backend stored it", func(t *testing.T) {
			root := t.TempDir()
			spool, state := filepath.Join(root, "spool"), filepath.Join(root, "state")
			newFileBackend(t, state, "")

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+spool+"|"+state+"|"+mode)
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() { cmd.Wait(); close(exited) }()
			t.Cleanup(func() { cmd.Process.Kill(); <-exited })

			var addr []byte
			waitFor(t, time.Minute, "the child to listen", func() bool {
				addr, _ = os.ReadFile(filepath.Join(state, "addr"))
				return len(addr) > 0
			})
			replied := make(chan error, 1)
			go func() {
				c, err := smtp.Dial(string(addr))
				if err == nil {
					defer c.Close()
					err = send(c, "poster@example.net", []string{"l3@lists.test"}, strings.NewReader(post))
				}
				replied <- err
			}()
			var key string
			waitFor(t, time.Minute, "the backend to start", func() bool {
				if names := files(t, filepath.Join(state, "started")); len(names) == 1 {
					key = names[0]
				}
				return key != ""
			})
			if mode == "after" {
				waitFor(t, time.Minute, "the backend to store", func() bool {
					return len(files(t, filepath.Join(state, "done"))) == 1
				})
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-exited
			if err := <-replied; err == nil {
				t.Fatal("the client had its 250 before the backend finished")
			}
			if names := files(t, filepath.Join(spool, "new")); len(names) != 1 || names[0] != key {
				t.Fatalf("spool/new after the crash: %v, want [%s]", names, key)
			}

			be := newFileBackend(t, state, "")
			sp, err := OpenSpool(spool, SpoolOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ { // a second Recover finds nothing
				if err := sp.Recover(context.Background(), be); err != nil {
					t.Fatal(err)
				}
			}
			if len(be.calls) != 1 || be.calls[0] != key {
				t.Errorf("Deliver calls after the crash: %v, want [%s]", be.calls, key)
			}
			done := files(t, filepath.Join(state, "done"))
			if len(done) != 1 || done[0] != key {
				t.Fatalf("stored %v, want exactly [%s]", done, key)
			}
			raw, _ := os.ReadFile(filepath.Join(state, "done", key))
			if body(t, raw) != post {
				t.Errorf("stored %q", raw)
			}
			for _, sub := range []string{"new", "tmp", "failed"} {
				if n := files(t, filepath.Join(spool, sub)); len(n) != 0 {
					t.Errorf("spool/%s holds %v after the recovery", sub, n)
				}
			}
		})
	}
}
