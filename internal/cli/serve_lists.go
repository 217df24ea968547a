package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"

	"fanarchive"
	"fanarchive/internal/feedback"
	"fanarchive/internal/lists"
	"fanarchive/internal/mail"
	"fanarchive/internal/mailin"
	"fanarchive/internal/records"
)

// demoSMTPAddr is where `serve --demo` takes mail when --smtp-addr is not
// given, so a newcomer can post to the demo list.
const demoSMTPAddr = "localhost:2525"

// spoolDir is the inbound spool under the data directory (docs/mail-in.md).
const spoolDir = "spool"

// listSettings are serve's flags for the lists.
type listSettings struct {
	smtpAddr *string
	domain   *string
}

func (m *Main) listFlags(fs *flag.FlagSet) *listSettings {
	return &listSettings{
		smtpAddr: fs.String("smtp-addr", m.env("FANARCHIVE_SMTP_ADDR", ""), "take mail for the lists on this `address`, host:port, with a built-in SMTP server\n"+
			"(env FANARCHIVE_SMTP_ADDR; default none; --demo uses "+demoSMTPAddr+")"),
		domain: fs.String("smtp-hostname", m.env("FANARCHIVE_SMTP_HOSTNAME", ""), "the `name` the SMTP server greets with (env FANARCHIVE_SMTP_HOSTNAME; default the --mail-from domain)"),
	}
}

// newListEngine returns the engine that runs the store's lists, filing
// stories through the records room.
func newListEngine(store fanarchive.Store, siteName, baseURL string, from *mail.Address, logger *slog.Logger) *lists.Engine {
	room := &records.Room{Store: store, Logger: logger}
	return &lists.Engine{
		Store:    store,
		SiteName: siteName,
		BaseURL:  baseURL,
		From:     *from,
		Relay:    &feedback.Relay{Store: store, SiteName: siteName, BaseURL: baseURL, From: *from},
		FileStory: func(ctx context.Context, l *fanarchive.List, msg *fanarchive.ListMessage, raw []byte) (int64, int, error) {
			filed, err := room.File(ctx, records.Post{ListID: l.ID, ListName: l.Name, ListTitle: l.Title, Fandoms: l.Fandoms,
				Raw: raw, UserID: msg.UserID, ReceivedAt: msg.ReceivedAt})
			if err != nil || filed.WorkID == 0 {
				return 0, 0, err
			}
			return filed.WorkID, filed.Chapter, nil
		},
		Logger: logger,
	}
}

// startLists runs what the lists need while serve runs: the daily digests,
// and, when addr is set, the SMTP server that takes the lists' mail (with
// what a crash left in the spool delivered first). When addr is only the
// demo's default and is taken, a free port is used instead, so the demo
// starts on any machine. It returns how to stop them.
func (m *Main) startLists(ctx context.Context, engine *lists.Engine, addr string, demoDefault bool, hostname, dataDir string, logger *slog.Logger) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var waits []chan struct{}
	run := func(f func()) {
		done := make(chan struct{})
		waits = append(waits, done)
		go func() { defer close(done); f() }()
	}
	stop = func() {
		cancel()
		for _, w := range waits {
			<-w
		}
	}
	run(func() { engine.RunDigests(ctx) })
	if addr == "" {
		return stop, nil
	}
	if hostname == "" {
		hostname = engine.From.Address[strings.LastIndexByte(engine.From.Address, '@')+1:]
	}
	srv, err := mailin.NewServer(mailin.Config{Domain: hostname, Backend: engine, Spool: filepath.Join(dataDir, spoolDir), Logger: logger})
	if err != nil {
		stop()
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && demoDefault {
		logger.Warn("the demo's SMTP port is taken; taking mail on a free port instead", "wanted", addr, "err", err)
		ln, err = net.Listen("tcp", "localhost:0")
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("listen for mail on %s: %w", addr, err)
	}
	logger.Info("the lists take mail by SMTP", "addr", ln.Addr().String())
	if m.SMTPListening != nil {
		m.SMTPListening(ln.Addr().String())
	}
	run(func() {
		if err := srv.Serve(ctx, ln); err != nil && ctx.Err() == nil {
			logger.Error("smtp server", "err", err)
		}
	})
	return stop, nil
}
