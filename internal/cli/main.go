// Package cli is the fanarchive command line: one file per command, each a
// function of a Main that carries the process's standard streams and
// environment, so tests can run the whole program in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Main runs the fanarchive program. The zero value is not usable; use New
// in main() or fill every field in tests.
type Main struct {
	// Stdin is read by commands that take a password (user add
	// --password-stdin).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Listening, if set, is called with the address the server accepts
	// connections on, once it does; tests serve on ":0" and learn the port.
	Listening func(addr string)
	// SMTPListening, if set, is called with the address serve's SMTP
	// server (--smtp-addr) takes mail on, once it does.
	SMTPListening func(addr string)

	// db is the command's --db flag (dataFlag), read by openStore.
	db *string
}

// New returns a Main on the process's streams and environment.
func New() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// ExitError carries the exit status a failed command asks for. Its message
// has already been printed when Silent is true.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Exit codes.
const (
	ExitFailure = 1 // the command failed, or some files of an import did
	ExitUsage   = 2 // bad flags or arguments
)

// command is one subcommand.
type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"serve", "run the archive's web site", (*Main).serve},
		{"import", "import legacy story files into the archive", (*Main).importFiles},
		{"source", "write a work's original file, byte for byte", (*Main).source},
		{"reindex", "rebuild the search index from the works", (*Main).reindex},
		{"tags", "wrangle tags: synonym, rename, merge, suggest", (*Main).tagsCommand},
		{"review", "review what the importer was unsure of, and fix it", (*Main).reviewCommand},
		{"mail", "test, list and send the archive's outbound mail", (*Main).mailCommand},
		{"user", "accounts: add (the first admin), role, disable, list", (*Main).userCommand},
		{"list", "mailing lists: create, set, show, ls, moderator, members", (*Main).listCommand},
		{"backup", "write a checked copy of the whole archive while it serves", (*Main).backup},
		{"restore", "put a backup in place of the archive's database", (*Main).restore},
		{"export", "write every work and original file to a portable folder", (*Main).exportArchive},
		{"migrate-db", "copy the whole archive to another database (SQLite → PostgreSQL)", (*Main).migrateDB},
	}
}

// Run runs the command named by args[0] with the remaining arguments.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return m.Run(ctx, []string{args[1], "--help"})
		}
		m.usage(m.Stdout)
		if len(args) == 0 {
			return &ExitError{Code: ExitUsage, Err: errors.New("no command given"), Silent: true}
		}
		return nil
	}
	for _, c := range m.commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	m.usage(m.Stderr)
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown command %q", args[0])}
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintf(w, "fanarchive: a self-hosted fan-fiction archive.\n\nUsage:\n  fanarchive <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range m.commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'fanarchive <command> --help' for a command's flags.\n")
	fmt.Fprintf(w, "\nEnvironment:\n"+
		"  FANARCHIVE_DATA       data directory (default ./fanarchive-data)\n"+
		"  FANARCHIVE_ADDR       address to serve on (default localhost:8080)\n"+
		"  FANARCHIVE_LOG        log level: debug, info, warn, error (default info)\n"+
		"  FANARCHIVE_SMTP_URL   smarthost for outbound mail (default: the maildir DATA/mail)\n"+
		"  FANARCHIVE_MAIL_FROM  address mail comes from (default fanarchive@localhost)\n"+
		"  FANARCHIVE_BASE_URL   the site's public URL, for links in mail (default http://ADDR)\n"+
		"  FANARCHIVE_TRUSTED_PROXY=1  behind a reverse proxy: rate limits read X-Forwarded-For\n")
}

// flagSet returns a FlagSet for a command that writes its help to stdout
// (asked for) or stderr (a mistake).
func (m *Main) flagSet(name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: fanarchive %s [flags] %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; --help prints usage to stdout and ends the command
// successfully.
func (m *Main) parse(fs *flag.FlagSet, args []string) (done bool, err error) {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(m.Stdout)
			fs.Usage()
			return true, nil
		}
		if a == "--" {
			break
		}
	}
	if err := fs.Parse(args); err != nil {
		return true, &ExitError{Code: ExitUsage, Err: err, Silent: true}
	}
	return false, nil
}

// env returns the environment variable or def when it is unset or empty.
func (m *Main) env(name, def string) string {
	if v := m.Getenv(name); v != "" {
		return v
	}
	return def
}

// dataFlag registers the --data and --db flags shared by every command.
func (m *Main) dataFlag(fs *flag.FlagSet) *string {
	m.db = fs.String("db", m.env("FANARCHIVE_DB", ""), "the archive `database`: a postgres:// URL, or sqlite:PATH; "+
		"default: the SQLite file in --data (env FANARCHIVE_DB)")
	return fs.String("data", m.env("FANARCHIVE_DATA", "fanarchive-data"), "data `directory` holding the archive database, "+
		"and the mail and files beside it (env FANARCHIVE_DATA)")
}

// logger returns a text logger on stderr at the level FANARCHIVE_LOG names.
func (m *Main) logger() *slog.Logger { return m.loggerTo(m.Stderr) }

// loggerTo is logger writing to w.
func (m *Main) loggerTo(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.env("FANARCHIVE_LOG", "info"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// boolEnv reads a boolean environment variable ("1", "true", "yes").
func (m *Main) boolEnv(name string) bool {
	switch strings.ToLower(m.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
