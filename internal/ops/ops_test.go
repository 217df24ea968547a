package ops_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/ops"
)

type mailCounts struct {
	n   fanarchive.MailCounts
	err error
}

func (m mailCounts) CountMail(context.Context) (fanarchive.MailCounts, error) { return m.n, m.err }

func scrape(t *testing.T, m *ops.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// TestMetrics: requests are counted by route and status, and the figures
// read at scrape time are there.
func TestMetrics(t *testing.T) {
	m := ops.NewMetrics(ops.Sources{
		Mail:    mailCounts{n: fanarchive.MailCounts{Queued: 3, Sent: 40, Failed: 1}},
		Seq:     func(context.Context) (int64, error) { return 120, nil },
		Applied: func() int64 { return 100 },
	}, nil)
	m.ObserveRequest("GET /works/{id}", 200, 3*time.Millisecond)
	m.ObserveRequest("GET /works/{id}", 200, 4*time.Millisecond)
	m.ObserveRequest("GET /works/{id}", 404, time.Millisecond)
	out := scrape(t, m)
	for _, want := range []string{
		`fanarchive_http_requests_total{code="200",route="GET /works/{id}"} 2`,
		`fanarchive_http_requests_total{code="404",route="GET /works/{id}"} 1`,
		`fanarchive_http_request_duration_seconds_count{route="GET /works/{id}"} 3`,
		`fanarchive_mail_outbox_messages{state="queued"} 3`,
		`fanarchive_mail_outbox_messages{state="failed"} 1`,
		`fanarchive_search_index_lag_changes 20`,
		`fanarchive_change_log_seq 120`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A nil Metrics counts nothing and does not panic.
	var none *ops.Metrics
	none.ObserveRequest("GET /", 200, time.Millisecond)
}

// TestMetricsStoreDown: a failing read is an error of the scrape, not a
// panic or a zero.
func TestMetricsStoreDown(t *testing.T) {
	m := ops.NewMetrics(ops.Sources{Mail: mailCounts{err: errors.New("database is locked")}}, nil)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "database is locked") {
		t.Errorf("scrape with the store down: %d\n%s", rec.Code, rec.Body)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	var down error
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ops.Healthz)
	mux.Handle("GET /readyz", ops.Readyz(func(context.Context) error { return down }))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		path string
		down error
		code int
		body string
	}{
		{"/healthz", nil, 200, "ok"},
		{"/readyz", nil, 200, "ready"},
		{"/readyz", errors.New("disk I/O error"), 503, "not ready: disk I/O error"},
		{"/healthz", errors.New("disk I/O error"), 200, "ok"},
	}
	for _, tt := range tests {
		down = tt.down
		if code, body := get(tt.path); code != tt.code || strings.TrimSpace(body) != tt.body {
			t.Errorf("%s with %v: %d %q, want %d %q", tt.path, tt.down, code, body, tt.code, tt.body)
		}
	}
}
