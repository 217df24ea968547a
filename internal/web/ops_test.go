package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fanarchive/internal/ops"
	"fanarchive/internal/web"
)

// TestOpsEndpoints: /healthz and /readyz answer outside the site's caches,
// and with metrics every request is counted under its route's pattern,
// never its path.
func TestOpsEndpoints(t *testing.T) {
	metrics := ops.NewMetrics(ops.Sources{}, nil)
	f := newFixture(t, web.Options{Metrics: metrics})
	c := f.anon()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp := c.get(path)
		if resp.status != want || resp.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q", path, resp.status, resp.header.Get("Cache-Control"))
		}
	}
	c.get("/works/1")
	c.get("/works/2")
	c.get("/no/such/page")
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{`fanarchive_http_requests_total{code="200",route="GET /works/{id}"} 2`,
		`fanarchive_http_requests_total{code="404",route="/"} 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(out, "fanarchive_http_requests_total"))
		}
	}
	if strings.Contains(out, "/works/1") || strings.Contains(out, "healthz") {
		t.Error("a path or a health check is a label")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
