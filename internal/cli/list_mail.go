package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fanarchive"
	"fanarchive/internal/lists"
	"fanarchive/internal/mailin"
)

// listMailValued are the flags of list post, import and digest that take
// a value, for interleaved.
var listMailValued = map[string]bool{"data": true, "to": true, "from": true, "mail-from": true, "base-url": true}

// listEngineFlags registers the flags a list command's engine needs
// (--mail-from, --base-url, as serve's) and returns what makes the engine
// once they are parsed.
func (m *Main) listEngineFlags(fs *flag.FlagSet) func(fanarchive.Store, *slog.Logger) (*lists.Engine, error) {
	ms := &mailSettings{from: fs.String("mail-from", m.env("FANARCHIVE_MAIL_FROM", "fanarchive@localhost"), "`address` the archive's mail comes from, as for serve (env FANARCHIVE_MAIL_FROM)")}
	baseURL := fs.String("base-url", m.env("FANARCHIVE_BASE_URL", "http://localhost:8080"), "the site's public `URL`, which links in mail start with, as for serve (env FANARCHIVE_BASE_URL)")
	return func(store fanarchive.Store, logger *slog.Logger) (*lists.Engine, error) {
		from, err := ms.sender()
		if err != nil {
			return nil, err
		}
		return newListEngine(store, "", *baseURL, from, logger), nil
	}
}

// listPost injects a message into the archive's inbound mail, as a mail
// server's pipe transport does (`| fanarchive list post level3`): read
// from FILE or standard input, kept in the spool until the list has it,
// and handled exactly as mail received by SMTP.
func (m *Main) listPost(ctx context.Context, args []string) error {
	fs := m.flagSet("list post", "NAME [FILE]", "Hand a message (FILE, or standard input) to the list NAME as if it came by SMTP: for an MTA's pipe\n"+
		"transport, or to post a file by hand. The message is kept in DATA/spool until the list has it.")
	data := m.dataFlag(fs)
	newEngine := m.listEngineFlags(fs)
	to := fs.String("to", "", "the envelope `recipient` (default the list's address; e.g. NAME-request@DOMAIN for a command)")
	from := fs.String("from", "", "the envelope `sender` (default the message's From)")
	flags, pos := interleaved(args, listMailValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return &ExitError{Code: ExitUsage, Err: errors.New("list post takes a list's name and at most one file")}
	}
	var in io.Reader = m.Stdin
	if len(pos) == 2 && pos[1] != "-" {
		f, err := os.Open(pos[1])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	logger := m.logger()
	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	l, err := store.FindList(ctx, pos[0])
	if err != nil {
		return err
	}
	rcpt := l.Address
	if *to != "" {
		rcpt = *to
	}
	engine, err := newEngine(store, logger)
	if err != nil {
		return err
	}
	if _, err := engine.CheckRecipient(ctx, rcpt); err != nil {
		return fmt.Errorf("%s: %w", rcpt, err)
	}
	sp, err := mailin.OpenSpool(filepath.Join(*data, spoolDir), mailin.SpoolOptions{Logger: logger})
	if err != nil {
		return err
	}
	key, out, err := mailin.Inject(ctx, sp, engine, mailin.Envelope{From: *from, To: []string{rcpt}, RemoteAddr: "fanarchive list post", ReceivedAt: time.Now().UTC()}, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Message %s for %s: %s.\n", key, rcpt, out)
	if out == mailin.Failed {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("the list refused the message; it is kept in %s", filepath.Join(*data, spoolDir, "failed")), Silent: false}
	}
	return nil
}

// listImport fills a list's message archive from an old list's mbox.
func (m *Main) listImport(ctx context.Context, args []string) error {
	fs := m.flagSet("list import", "NAME MBOX...", "Fill the list NAME's message archive from an old list's mail (mbox files, or digests):\n"+
		"every message is kept, threaded and searchable, and the stories among them become works. Nothing is mailed.\n"+
		"Importing a file again adds nothing.")
	data := m.dataFlag(fs)
	newEngine := m.listEngineFlags(fs)
	flags, pos := interleaved(args, listMailValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) < 2 {
		return &ExitError{Code: ExitUsage, Err: errors.New("list import takes a list's name and one or more mbox files")}
	}
	logger := m.logger()
	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	l, err := store.FindList(ctx, pos[0])
	if err != nil {
		return err
	}
	engine, err := newEngine(store, logger)
	if err != nil {
		return err
	}
	for _, path := range pos[1:] {
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rep, err := engine.Import(ctx, l, raw)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(m.Stdout, "%s: %d messages, %d new, %d there already, %d filed as works' chapters.\n", path, rep.Messages, rep.Stored, rep.Known, rep.Works)
	}
	return nil
}

// listDigest queues a list's digest now, with the posts since its last.
func (m *Main) listDigest(ctx context.Context, args []string) error {
	fs := m.flagSet("list digest", "NAME", "Queue the list NAME's digest now, with the posts since its last one, rather than at its hour.\n"+
		"A running serve sends it; or run `fanarchive mail send`.")
	data := m.dataFlag(fs)
	newEngine := m.listEngineFlags(fs)
	flags, pos := interleaved(args, listMailValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 {
		return &ExitError{Code: ExitUsage, Err: errors.New("list digest takes a list's name")}
	}
	logger := m.logger()
	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	l, err := store.FindList(ctx, pos[0])
	if err != nil {
		return err
	}
	engine, err := newEngine(store, logger)
	if err != nil {
		return err
	}
	n, err := engine.QueueDigestNow(ctx, l)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(m.Stdout, "%s has no posts since its last digest, or no digest members.\n", l.Title)
		return nil
	}
	fmt.Fprintf(m.Stdout, "Queued %s's digest to %d members.\n", l.Title, n)
	return nil
}
