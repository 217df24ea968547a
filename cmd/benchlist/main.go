// Command benchlist measures a list post's fan-out (issue 9): a list with
// -members members (100,000 by default) in a fresh SQLite archive, the
// list engine behind the archive's own SMTP server (internal/mailin), the
// outbox's sender delivering over SMTP to a sink on a loopback port that
// counts and discards. One post is sent to the list by SMTP; benchlist
// times how long until the post is accepted (stored, its fan-out queued),
// and until the sink has every member's copy and the outbox says each was
// sent, sampling the heap and the process's resident memory meanwhile. It
// prints one JSON line (see docs/benchmarks.md):
//
//	go run ./cmd/benchlist [-members 100000] [-size 20000]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"fanarchive"
	"fanarchive/internal/lists"
	"fanarchive/internal/mail"
	"fanarchive/internal/mailin"
	"fanarchive/internal/procstat"
	"fanarchive/internal/store/sqlite"
)

// Result is the JSON line benchlist prints. Times in seconds, memory in MB.
type Result struct {
	Members       int     `json:"members"`
	PostBytes     int     `json:"post_bytes"`
	CPUs          int     `json:"cpus"`
	AddMembers    float64 `json:"add_members_seconds"`
	Accepted      float64 `json:"accepted_seconds"` // SMTP 250 for the post: stored and its fan-out queued
	Delivered     float64 `json:"delivered_seconds"`
	Recorded      float64 `json:"recorded_seconds"` // every copy marked sent in the outbox
	MessagesPerS  float64 `json:"messages_per_second"`
	HeapStartMB   float64 `json:"heap_start_mb"`
	HeapPeakMB    float64 `json:"heap_peak_mb"`
	HeapEndMB     float64 `json:"heap_end_mb"`
	RSSPeakMB     float64 `json:"rss_peak_mb"`
	SinkSessions  int64   `json:"sink_sessions"`
	SinkDelivered int64   `json:"sink_messages"`
}

func main() {
	members := flag.Int("members", 100_000, "members who get each post")
	size := flag.Int("size", 20_000, "bytes of the post's text (a story part)")
	keep := flag.Bool("keep", false, "keep the data directory")
	flag.Parse()
	if err := run(*members, *size, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchlist:", err)
		os.Exit(1)
	}
}

func run(n, size int, keep bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "benchlist-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := sqlite.Open(ctx, filepath.Join(dir, "fanarchive.db"), logger)
	if err != nil {
		return err
	}
	defer store.Close()

	l := &fanarchive.List{Name: "bench", Address: "bench@lists.example.org", Title: "Bench", Policy: fanarchive.ListOpen, MaxSize: 10 << 20}
	if err := store.CreateList(ctx, l); err != nil {
		return err
	}
	res := Result{Members: n, PostBytes: size, CPUs: runtime.NumCPU()}
	start := time.Now()
	roster := make([]*fanarchive.ListMember, 0, 10_000)
	for i := 0; i < n; i++ {
		roster = append(roster, &fanarchive.ListMember{Address: fmt.Sprintf("member%06d@example.net", i), Mode: fanarchive.DeliverEach})
		if len(roster) == cap(roster) || i == n-1 {
			if _, err := store.AddListMembers(ctx, l.ID, roster); err != nil {
				return err
			}
			roster = roster[:0]
		}
	}
	res.AddMembers = time.Since(start).Seconds()

	// The sink: counts and discards.
	var got, sessions atomic.Int64
	sinkLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sink := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		sessions.Add(1)
		return &discard{got: &got}, nil
	}))
	sink.Domain = "sink.test"
	sink.ErrorLog = log.New(io.Discard, "", 0)
	go sink.Serve(sinkLn)
	defer sink.Close()

	// The sender, as serve runs it.
	tr, err := mail.ParseSMTPURL("smtp://" + sinkLn.Addr().String())
	if err != nil {
		return err
	}
	sender := &mail.Sender{Outbox: store, Transport: tr, Logger: logger}
	store.OnMailQueued(sender.Notify)
	senderDone := make(chan struct{})
	go func() { defer close(senderDone); sender.Run(ctx) }()

	// The list's SMTP server, with the engine behind it.
	engine := &lists.Engine{Store: store, SiteName: "Bench", BaseURL: "http://archive.example.org",
		From: mail.Address{Address: "archive@lists.example.org"}, Logger: logger,
		DMARC: func(context.Context, string) (string, error) { return "none", nil }}
	srv, err := mailin.NewServer(mailin.Config{Domain: "lists.example.org", Backend: engine, Spool: filepath.Join(dir, "spool"),
		Logger: logger, DeliverTimeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	inLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srvDone := make(chan struct{})
	go func() { defer close(srvDone); srv.Serve(ctx, inLn) }()

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	res.HeapStartMB = float64(ms.HeapInuse) / (1 << 20)
	var heapPeak uint64
	var rssPeak float64
	sample := func() {
		runtime.ReadMemStats(&ms)
		heapPeak = max(heapPeak, ms.HeapInuse)
		if rss, _ := procstat.Memory(os.Getpid()); rss > 0 {
			rssPeak = max(rssPeak, rss)
		}
	}

	text := strings.Repeat("The lamps along the quay went out one by one, and she counted them.\n", size/68+1)[:size]
	msg := "From: Wren <wren@example.com>\r\nTo: bench@lists.example.org\r\nSubject: The Lamplighter's Count (1/3)\r\n" +
		"Message-ID: <bench-1@example.com>\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n\r\n" +
		strings.ReplaceAll(text, "\n", "\r\n")
	start = time.Now()
	posted := make(chan error, 1)
	go func() {
		posted <- smtp.SendMail(inLn.Addr().String(), nil, "wren@example.com", []string{"bench@lists.example.org"}, []byte(msg))
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case err := <-posted:
			if err != nil {
				return fmt.Errorf("post: %w", err)
			}
			res.Accepted = time.Since(start).Seconds()
			done = true
		case <-tick.C:
			sample()
		}
	}
	for got.Load() < int64(n) {
		<-tick.C
		sample()
		if time.Since(start) > 10*time.Minute {
			return fmt.Errorf("only %d of %d copies arrived in 10 minutes", got.Load(), n)
		}
	}
	res.Delivered = time.Since(start).Seconds()
	for {
		c, err := store.CountMail(ctx)
		if err != nil {
			return err
		}
		if c.Sent >= n {
			break
		}
		<-tick.C
		sample()
	}
	res.Recorded = time.Since(start).Seconds()
	res.MessagesPerS = float64(n) / res.Delivered
	runtime.GC()
	runtime.ReadMemStats(&ms)
	res.HeapEndMB = float64(ms.HeapInuse) / (1 << 20)
	res.HeapPeakMB = float64(heapPeak) / (1 << 20)
	res.RSSPeakMB = rssPeak
	res.SinkSessions = sessions.Load()
	res.SinkDelivered = got.Load()
	cancel()
	<-senderDone
	<-srvDone
	return json.NewEncoder(os.Stdout).Encode(res)
}

// discard is a sink session that counts each message and keeps nothing.
type discard struct{ got *atomic.Int64 }

func (d *discard) Mail(string, *gosmtp.MailOptions) error { return nil }
func (d *discard) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (d *discard) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	d.got.Add(1)
	return nil
}
func (d *discard) Reset()        {}
func (d *discard) Logout() error { return nil }
