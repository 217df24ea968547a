// Package pgtest gives tests a real, empty PostgreSQL database.
//
// The server is the one FANARCHIVE_TEST_POSTGRES names (a postgres:// URL
// of a user that may create databases; .ci/run starts one), or else a
// throw-away server this package starts itself with the initdb and pg_ctl
// it finds on the PATH or under /usr/lib/postgresql, in a temporary
// directory, on a free loopback port, stopped when the tests end. Tests
// skip, saying why, only when neither is there and FANARCHIVE_REQUIRE_POSTGRES
// is unset; with it set they fail.
//
// A package using it has
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// so that a server it started is stopped.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// server is the one server of this test binary.
var server struct {
	once  sync.Once
	admin string // URL of a user that may create databases
	err   error
	stop  func()
}

// Main runs the tests and then stops a server this package started.
func Main(m *testing.M) int {
	code := m.Run()
	if server.stop != nil {
		server.stop()
	}
	return code
}

// NewDatabase creates an empty database for t, dropped when t ends, and
// returns its URL. It skips t (or fails it, with FANARCHIVE_REQUIRE_POSTGRES
// set) when there is no PostgreSQL to use.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server.once.Do(func() { server.admin, server.stop, server.err = start() })
	if server.err != nil {
		if os.Getenv("FANARCHIVE_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL is required (FANARCHIVE_REQUIRE_POSTGRES) but: %v", server.err)
		}
		t.Skipf("skipping PostgreSQL test: %v (set FANARCHIVE_TEST_POSTGRES, or install PostgreSQL's server binaries)", server.err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "fa_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", server.admin)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", server.admin)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, _ := url.Parse(server.admin)
	u.Path = "/" + name
	return u.String()
}

// start returns the admin URL of the server to use, and how to stop it if
// this package started it.
func start() (string, func(), error) {
	if dsn := os.Getenv("FANARCHIVE_TEST_POSTGRES"); dsn != "" {
		return dsn, nil, ping(dsn)
	}
	bin, err := findBin()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "fanarchive-pgtest-")
	if err != nil {
		return "", nil, err
	}
	cred, err := serverUser(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := ping(dsn); err != nil {
		stop()
		return "", nil, err
	}
	return dsn, stop, nil
}

// findBin returns the directory holding initdb and pg_ctl.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found")
}

// serverUser returns the credential to run the server with: the current
// user, or when that is root (which PostgreSQL refuses) the postgres or
// nobody user, given dir.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and there is no postgres or nobody user to run PostgreSQL as")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ping checks that dsn answers, for a few seconds.
func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		err = db.PingContext(ctx)
		if err == nil || ctx.Err() != nil {
			if err != nil && strings.Contains(dsn, "@") {
				return fmt.Errorf("PostgreSQL at %s: %w", redact(dsn), err)
			}
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
