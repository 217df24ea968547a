package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"fanarchive"
	"fanarchive/internal/mail"
	"fanarchive/internal/store/sqlite"
)

// maildirName is the maildir inside the data directory that takes the
// archive's mail when no smarthost is set.
const maildirName = "mail"

// mailSettings are the flags that say how mail leaves the archive.
type mailSettings struct {
	smtpURL, from *string
}

// mailFlags registers --smtp-url and --mail-from.
func (m *Main) mailFlags(fs *flag.FlagSet) *mailSettings {
	return &mailSettings{
		smtpURL: fs.String("smtp-url", m.env("FANARCHIVE_SMTP_URL", ""), "smarthost to send mail through, `URL` smtp://user:password@host:port (STARTTLS)\n"+
			"or smtps://… (TLS); unset, mail is written to the maildir DATA/mail (env FANARCHIVE_SMTP_URL)"),
		from: fs.String("mail-from", m.env("FANARCHIVE_MAIL_FROM", "fanarchive@localhost"), "`address` the archive's mail comes from, e.g. 'Archive <archive@example.org>'\n"+
			"(env FANARCHIVE_MAIL_FROM)"),
	}
}

// sender returns the parsed --mail-from address.
func (ms *mailSettings) sender() (*netmail.Address, error) {
	a, err := netmail.ParseAddress(*ms.from)
	if err == nil {
		err = fanarchive.ValidateMailPath(a.Address)
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--mail-from %q is not an address: %v", *ms.from, err)}
	}
	return a, nil
}

// transport returns the smarthost, or the data directory's maildir.
func (ms *mailSettings) transport(dataDir string, from *netmail.Address) (mail.Transport, error) {
	if *ms.smtpURL == "" {
		return &mail.Maildir{Dir: filepath.Join(dataDir, maildirName)}, nil
	}
	t, err := mail.ParseSMTPURL(*ms.smtpURL)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--smtp-url: %s", fanarchive.ErrorMessage(err))}
	}
	t.LocalName = heloName(from)
	return t, nil
}

// heloName is the name to greet the smarthost with: the sender's domain
// when it is a real one (relays look askance at a container's host name),
// else this host's name.
func heloName(from *netmail.Address) string {
	if from != nil {
		if _, domain, ok := strings.Cut(from.Address, "@"); ok && strings.Contains(domain, ".") {
			return domain
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// startMail starts the sender that delivers the outbox while serve runs,
// and says where mail goes. wait stops it and waits for it.
func (m *Main) startMail(ctx context.Context, ms *mailSettings, dataDir string, store *sqlite.Store, logger *slog.Logger) (wait func(), err error) {
	from, err := ms.sender()
	if err != nil {
		return nil, err
	}
	tr, err := ms.transport(dataDir, from)
	if err != nil {
		return nil, err
	}
	if md, ok := tr.(*mail.Maildir); ok {
		logger.Info("mail is written to the maildir " + md.Dir + "; set --smtp-url to send it")
	} else {
		logger.Info("mail is sent through the smarthost", "smtp", tr.String(), "from", from.String())
		if strings.HasSuffix(from.Address, "@localhost") {
			logger.Warn("--mail-from is at localhost: smarthosts often refuse such mail", "from", from.Address)
		}
	}
	sender := &mail.Sender{Outbox: store, Transport: tr, Logger: logger}
	store.OnMailQueued(sender.Notify)
	// Mail another process queues in a shared PostgreSQL database, or
	// gives back, is looked for at once too (on SQLite, OnChange never
	// calls; after stop, Notify does nothing).
	store.OnChange(sqlite.ChangeMail, sender.Notify)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sender.Run(ctx)
	}()
	return func() { cancel(); <-done; store.OnMailQueued(nil) }, nil
}

// mailCommand tests and inspects the archive's outbound mail.
func (m *Main) mailCommand(ctx context.Context, args []string) error {
	usage := func() {
		fmt.Fprintf(m.Stdout, "Usage: fanarchive mail <subcommand> [flags] [arguments]\n\nSubcommands:\n"+
			"  test ADDRESS   queue a test message to ADDRESS\n"+
			"  queue          count the outbox's mail and list what is queued or failed\n"+
			"  send           deliver the mail that is due now, then exit\n\n"+
			"A running `fanarchive serve` delivers queued mail by itself.\n")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return &ExitError{Code: ExitUsage, Err: errors.New("mail needs a subcommand"), Silent: true}
		}
		return nil
	}
	switch args[0] {
	case "test":
		return m.mailTest(ctx, args[1:])
	case "queue":
		return m.mailQueue(ctx, args[1:])
	case "send":
		return m.mailSend(ctx, args[1:])
	}
	usage()
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown mail subcommand %q", args[0])}
}

func (m *Main) mailTest(ctx context.Context, args []string) error {
	fs := m.flagSet("mail test", "ADDRESS", "Queue a test message to ADDRESS, from --mail-from. A running `fanarchive serve` sends it\n"+
		"(through --smtp-url, or into the maildir DATA/mail), or `fanarchive mail send` does.")
	data := m.dataFlag(fs)
	ms := m.mailFlags(fs)
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("mail test needs one ADDRESS")}
	}
	from, err := ms.sender()
	if err != nil {
		return err
	}
	to, err := netmail.ParseAddress(fs.Arg(0))
	if err == nil {
		err = fanarchive.ValidateMailPath(to.Address)
	}
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%q is not an address: %v", fs.Arg(0), err)}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	raw, err := mail.Build(&mail.Message{From: *from, To: []mail.Address{*to}, Subject: "fanarchive test message",
		Date: now, Extra: []mail.Field{{Name: "Auto-Submitted", Value: "auto-generated"}},
		Text: "This is a test message from the fanarchive archive in " + *data + ",\n" +
			"queued by `fanarchive mail test` on " + now.Format(time.RFC1123Z) + ".\n\n" +
			"If you can read it, the archive's mail reaches you.\n"})
	if err != nil {
		return err
	}
	om := &fanarchive.OutboundMail{Kind: "test", From: from.Address, To: to.Address, Body: &fanarchive.MailBody{Raw: raw}}
	if err := store.QueueMail(ctx, []*fanarchive.OutboundMail{om}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Queued a test message to %s (mail %d). A running `fanarchive serve` sends it, or `fanarchive mail send`.\n",
		to.Address, om.ID)
	return nil
}

func (m *Main) mailQueue(ctx context.Context, args []string) error {
	fs := m.flagSet("mail queue", "", "Count the outbox's mail by state, and list the mail still queued and the mail given up.")
	data := m.dataFlag(fs)
	limit := fs.Int("limit", 50, "list at most `N` mails of each state")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("mail queue takes no arguments, got %q", fs.Args())}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := store.CountMail(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d queued, %d failed, %d sent (sent and failed mail is kept for 7 days).\n", c.Queued, c.Failed, c.Sent)
	for _, state := range []fanarchive.MailState{fanarchive.MailQueued, fanarchive.MailFailed} {
		mails, total, err := store.FindMail(ctx, fanarchive.MailFilter{State: state, Limit: *limit})
		if err != nil {
			return err
		}
		if total == 0 {
			continue
		}
		fmt.Fprintf(m.Stdout, "\n%s (%d):\n", strings.ToUpper(string(state[:1]))+string(state[1:]), total)
		w := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tTO\tATTEMPTS\tWHEN\tLAST ERROR")
		for _, om := range mails {
			when := om.NextAttemptAt
			if state == fanarchive.MailFailed {
				when = om.FailedAt
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", om.ID, om.Kind, om.To, om.Attempts,
				when.Local().Format("2006-01-02 15:04:05"), mail.SingleLine(om.LastError))
		}
		w.Flush()
		if total > len(mails) {
			fmt.Fprintf(m.Stdout, "… and %d more.\n", total-len(mails))
		}
	}
	return nil
}

func (m *Main) mailSend(ctx context.Context, args []string) error {
	fs := m.flagSet("mail send", "", "Deliver the mail that is due now through --smtp-url (or into the maildir DATA/mail),\n"+
		"and exit. Mail that fails is retried later, as `serve` would.")
	data := m.dataFlag(fs)
	ms := m.mailFlags(fs)
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("mail send takes no arguments, got %q", fs.Args())}
	}
	from, err := ms.sender()
	if err != nil {
		return err
	}
	tr, err := ms.transport(*data, from)
	if err != nil {
		return err
	}
	logger := m.logger()
	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	sent, failed, err := (&mail.Sender{Outbox: store, Transport: tr, Logger: logger}).DeliverDue(ctx)
	fmt.Fprintf(m.Stdout, "Sent %d, failed %d (through %s).\n", sent, failed, tr)
	if err != nil {
		return fmt.Errorf("mail send: %w", err)
	}
	return nil
}
