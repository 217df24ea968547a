package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"fanarchive"
	"fanarchive/internal/demo"
	"fanarchive/internal/importer"
	"fanarchive/internal/ops"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web"
)

// serve runs the web site until ctx is cancelled (SIGINT/SIGTERM), then
// shuts down gracefully.
func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.flagSet("serve", "", "Serve the archive on the web. The database is created in the data directory on first start.")
	data := m.dataFlag(fs)
	addr := fs.String("addr", m.env("FANARCHIVE_ADDR", "localhost:8080"), "`address` to listen on, host:port (env FANARCHIVE_ADDR)")
	withDemo := fs.Bool("demo", false, "load the built-in demo stories through the importer (once; already present stories are skipped)")
	secure := fs.Bool("secure-cookies", m.boolEnv("FANARCHIVE_SECURE_COOKIES"), "mark cookies Secure; set when served over HTTPS (env FANARCHIVE_SECURE_COOKIES)")
	baseURL := fs.String("base-url", m.env("FANARCHIVE_BASE_URL", ""), "the site's public `URL`, which links in mail start with, e.g. https://archive.example.org\n"+
		"(env FANARCHIVE_BASE_URL; default http://ADDR)")
	trustedProxy := fs.Bool("trusted-proxy", m.boolEnv("FANARCHIVE_TRUSTED_PROXY"), "behind a reverse proxy: rate limits count the client address the proxy adds\n"+
		"last to X-Forwarded-For (env FANARCHIVE_TRUSTED_PROXY)")
	metricsAddr := fs.String("metrics-addr", m.env("FANARCHIVE_METRICS_ADDR", ""), "serve Prometheus metrics on /metrics at this `address`, host:port, apart from the site\n"+
		"(env FANARCHIVE_METRICS_ADDR; default none: keep it off the public network)")
	mailSet := m.mailFlags(fs)
	listSet := m.listFlags(fs)
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("serve takes no arguments, got %q", fs.Args())}
	}
	// Every request is logged: buffered, and written every 100 ms (or at
	// once for warnings and errors).
	logOut := newLogWriter(m.Stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger := m.loggerTo(logOut)
	from, err := mailSet.sender()
	if err != nil {
		return err
	}
	if *baseURL != "" {
		if u, err := url.Parse(*baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--base-url %q is not an http:// or https:// URL of a site", *baseURL)}
		}
	}

	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()

	// Outbound mail is delivered from the outbox while serve runs
	// (docs/mail.md); the sender stops when serve does.
	stopMail, err := m.startMail(ctx, mailSet, *data, store, logger)
	if err != nil {
		return err
	}
	defer stopMail()

	demoSMTP := false // the SMTP address is the demo's default, not asked for
	if *withDemo {
		if err := loadDemo(ctx, store, logger); err != nil {
			return err
		}
		if err := loadDemoList(ctx, store, logger); err != nil {
			return err
		}
		if *listSet.smtpAddr == "" {
			*listSet.smtpAddr = demoSMTPAddr
			demoSMTP = true
		}
	}

	// Search: the full-text index of a database from before it existed is
	// built first, and the impact lists of common words if missing or out
	// of scale, then the in-memory index is loaded (docs/search.md).
	if _, err := store.EnsureSearchText(ctx); err != nil {
		return err
	}
	if _, err := store.EnsureTextImpacts(ctx, sqlite.ImpactMinWorks); err != nil {
		// Whatever lists there were are still right, only slower to use
		// or missing: serve all the same.
		logger.Warn("impact lists not built", "err", err)
	}
	engine, err := search.New(ctx, store, logger)
	if err != nil {
		return err
	}
	// What other processes write to a shared PostgreSQL database is
	// applied to the index as they commit, so that the next search here
	// does not wait for it (on SQLite, OnChange never calls).
	store.OnChange(sqlite.ChangeSearch, func() {
		if err := engine.CatchUp(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("search: catching up with other processes' changes", "err", err)
		}
	})
	keepMemoryLow(m.Getenv)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if *baseURL == "" {
		*baseURL = "http://" + ln.Addr().String()
	}
	purgeCtx, stopPurge := context.WithCancel(ctx)
	purged := make(chan struct{})
	go func() { defer close(purged); purgeExpired(purgeCtx, store, time.Now, logger) }()
	defer func() { stopPurge(); <-purged }()
	var metrics *ops.Metrics
	if *metricsAddr != "" {
		metrics = ops.NewMetrics(ops.Sources{Mail: store, Applied: engine.Applied,
			Seq: func(ctx context.Context) (int64, error) {
				seq, _, err := store.SearchSeq(ctx)
				return seq, err
			}}, logger)
		stop, err := serveMetrics(ctx, *metricsAddr, metrics, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	// The lists: digests, and mail in by SMTP when asked (docs/lists.md).
	listEngine := newListEngine(store, "", *baseURL, from, logger)
	site := web.New(store, logger, web.Options{SecureCookies: *secure, Search: engine, BaseURL: *baseURL,
		MailFrom: from, TrustedProxy: *trustedProxy, Metrics: metrics, Lists: listEngine,
		// Anonymous readers' pages are kept while the change log stands
		// still, trusted for 50 ms at a time (docs/web.md).
		ContentVersion: func(ctx context.Context) (int64, error) {
			seq, _, err := store.SearchSeq(ctx)
			return seq, err
		},
		PageCacheStaleness: 50 * time.Millisecond})
	// Replies to comment notifications come in by the lists' SMTP server
	// too (comment+TOKEN@, docs/comments.md).
	listEngine.CommentReply = site.CommentService().ReplyByMail
	stopLists, err := m.startLists(ctx, listEngine, *listSet.smtpAddr, demoSMTP, *listSet.domain, *data, logger)
	if err != nil {
		return err
	}
	defer stopLists()
	// Feedback a settled claim released is mailed at once by the claim's
	// page; this pass mails what a crash in between left (docs/feedback.md).
	delivered := make(chan struct{})
	defer func() { stopPurge(); <-delivered }()
	go func() {
		defer close(delivered)
		for t := time.NewTicker(time.Hour); ; {
			site.DeliverReleasedFeedback(purgeCtx)
			select {
			case <-purgeCtx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}()
	// Subscribers hear of new works and chapters, and digests go out, from
	// this loop (docs/comments.md).
	notified := make(chan struct{})
	defer func() { stopPurge(); <-notified }()
	go func() {
		defer close(notified)
		site.RunNotifications(purgeCtx, 30*time.Second)
	}()
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // raw originals can be large
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("fanarchive is serving", "url", "http://"+ln.Addr().String(), "base_url", *baseURL, "data", *data)
	logOut.Flush() // what start-up said is out before the first request
	if m.Listening != nil {
		m.Listening(ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// serveMetrics serves /metrics on addr until stop is called.
func serveMetrics(ctx context.Context, addr string, metrics *ops.Metrics, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("metrics server", "err", err)
		}
	}()
	logger.Info("metrics are served", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutCtx)
		<-done
	}, nil
}

// purgeExpired deletes expired sessions, tokens, rate-limit windows and
// accounts never confirmed, and the works deleted more than
// fanarchive.WorkTrashDays ago, at start and then every hour, until ctx
// ends.
func purgeExpired(ctx context.Context, store fanarchive.Store, now func() time.Time, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		purgeOnce(ctx, store, now(), logger)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeOnce is one round of purgeExpired, at now.
func purgeOnce(ctx context.Context, store fanarchive.Store, now time.Time, logger *slog.Logger) {
	if n, err := store.PurgeAccounts(ctx); err != nil && ctx.Err() == nil {
		logger.Warn("purge accounts", "err", err)
	} else if n > 0 {
		logger.Debug("purged expired account rows", "rows", n)
	}
	if n, err := store.PurgeFeedback(ctx, now.Add(-fanarchive.FeedbackKeep)); err != nil && ctx.Err() == nil {
		logger.Warn("purge old feedback", "err", err)
	} else if n > 0 {
		logger.Info("purged old feedback", "messages", n)
	}
	if n, err := store.PurgeKudosGuestKeys(ctx, now.Add(-fanarchive.KudosGuestWindow)); err != nil && ctx.Err() == nil {
		logger.Warn("purge kudos guest keys", "err", err)
	} else if n > 0 {
		logger.Debug("forgot guests' kudos keys", "kudos", n)
	}
	if n, err := store.PurgeWorks(ctx, now.AddDate(0, 0, -fanarchive.WorkTrashDays)); err != nil && ctx.Err() == nil {
		logger.Warn("purge deleted works", "err", err)
	} else if n > 0 {
		logger.Info("purged works deleted long ago", "works", n, "days", fanarchive.WorkTrashDays)
	}
}

// keepMemoryLow trades a little CPU for memory once the search index is
// loaded, which is most of what serve keeps: unless GOGC is set, the
// garbage collector lets the heap grow half its live size between cycles
// instead of all of it (at a million works that keeps the process under
// 512 MB; docs/benchmarks.md), and the garbage of loading is returned to
// the system now rather than later.
func keepMemoryLow(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	debug.FreeOSMemory()
}

// loadDemo imports the built-in demo stories through the real importer.
// Stories already stored (by their bytes) are left as they are, so this is
// safe on every start.
func loadDemo(ctx context.Context, store fanarchive.Store, logger *slog.Logger) error {
	fsys, names := demo.Stories()
	im := &importer.Importer{Works: store, Runs: store, Logger: logger}
	rep, err := im.Run(ctx, importer.Source{FS: fsys, Names: names, Display: func(n string) string { return "demo/" + n }}, "serve --demo", nil)
	if err != nil {
		return fmt.Errorf("load demo stories: %w", err)
	}
	if rep.Failed > 0 {
		return fmt.Errorf("load demo stories: %d of %d failed to import", rep.Failed, len(names))
	}
	logger.Info("demo stories", "created", rep.Created, "already_present", rep.Present)
	return nil
}

// demoList is the list `serve --demo` runs, open to posts from anyone so a
// newcomer's story becomes a work at once (README).
func demoList() *fanarchive.List {
	return &fanarchive.List{
		Name: "demo", Address: "demo@lists.localhost", Title: "The Demo List",
		Description:  "A demonstration list: post a story to demo@lists.localhost and it becomes a work in the archive.",
		Policy:       fanarchive.ListOpen,
		ArchiveWorks: true,
		Announce:     fanarchive.AnnounceSummary,
	}
}

// loadDemoList creates the demo list once.
func loadDemoList(ctx context.Context, store fanarchive.Store, logger *slog.Logger) error {
	l := demoList()
	err := store.CreateList(ctx, l)
	switch fanarchive.ErrorCode(err) {
	case "":
		logger.Info("demo list created", "address", l.Address)
	case fanarchive.ECONFLICT:
	default:
		return fmt.Errorf("create the demo list: %w", err)
	}
	return nil
}
