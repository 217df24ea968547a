package cli

import (
	"net"
	"strings"
	"testing"
)

// TestServeMetrics: serve --metrics-addr shows the site's requests, the
// mail queue and the index lag on its own listener, and not on the site.
func TestServeMetrics(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	base := serveForTest(t, "--data", t.TempDir(), "--demo", "--metrics-addr", metricsAddr)
	if code, _, _ := get(t, base+"/works/1"); code != 200 {
		t.Fatalf("work page: %d", code)
	}
	if code, body, _ := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("/readyz: %d %q", code, body)
	}
	if code, _, _ := get(t, base+"/metrics"); code != 404 {
		t.Errorf("/metrics on the public site: %d, want 404", code)
	}
	code, body, _ := get(t, "http://"+metricsAddr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`fanarchive_http_requests_total{code="200",route="GET /works/{id}"} 1`,
		`fanarchive_mail_outbox_messages{state="queued"}`, "fanarchive_search_index_lag_changes", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
