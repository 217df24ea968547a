package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fanarchive/internal/web"
)

// TestCancelledRequestsAreNotErrors checks that a request whose client went
// away while the page was being made is logged as cancelled (status 499),
// not as a server error: under load, disconnecting clients otherwise fill
// the log with false 500s. A panic is still an error whoever asked.
func TestCancelledRequestsAreNotErrors(t *testing.T) {
	f := newFixture(t, web.Options{})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := web.New(f.store, logger, web.Options{})

	for _, path := range []string{
		workPath(f.quiet), workPath(f.multi) + "/chapters/2", "/", "/authors/Maple%20Stone",
		"/tags/fandom/Harbor%20Lights", workPath(f.quiet) + "/source",
	} {
		t.Run(path, func(t *testing.T) {
			logs.Reset()
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client is gone before the database is asked
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			out := logs.String()
			if strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
				t.Errorf("a cancelled request was logged as an error:\n%s", out)
			}
			if !strings.Contains(out, `msg="request cancelled"`) || !strings.Contains(out, "status=499") {
				t.Errorf("the cancelled request is not logged as cancelled with status 499:\n%s", out)
			}
			if rec.Body.Len() > 0 {
				t.Errorf("a page was rendered for a client that is gone (%d bytes)", rec.Body.Len())
			}
		})
	}

	// The same request with its client still there is answered as usual.
	logs.Reset()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, workPath(f.quiet), nil))
	if rec.Code != http.StatusOK || !strings.Contains(logs.String(), "status=200") {
		t.Errorf("status %d, log:\n%s", rec.Code, logs.String())
	}
}
