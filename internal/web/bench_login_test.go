package web_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"fanarchive/internal/auth"
)

// BenchmarkLogIn logs in over HTTP with the default argon2id parameters
// (m=19 MiB, t=2, p=1): rate limits, the account's look-up, verifying the
// password, the new session and its cookie. It reports the median and p95
// of one log-in, and the share of it one argon2id hash takes, measured
// alongside (docs/benchmarks.md).
func BenchmarkLogIn(b *testing.B) {
	opts := accountOptions()
	opts.Hasher = auth.NewHasher(auth.DefaultParams, 0)
	f := newFixture(b, opts)
	u := f.makeUserWith(opts.Hasher, "Bench Mark")
	form := form("login", u.Name, "password", passwordOf(u.Name))
	var took, hash []time.Duration
	for b.Loop() {
		start := time.Now()
		resp := f.anon().post("/login", form)
		took = append(took, time.Since(start))
		if resp.status != http.StatusSeeOther {
			b.Fatalf("log in: %d", resp.status)
		}
		// One hash alone, between log-ins, so that both see the same
		// load on a shared machine; not counted in ns/op.
		b.StopTimer()
		start = time.Now()
		opts.Hasher.Verify(context.Background(), "password", u.PasswordHash)
		hash = append(hash, time.Since(start))
		b.StartTimer()
	}
	slices.Sort(took)
	slices.Sort(hash)
	p := func(d []time.Duration, q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) / 1e6 }
	b.ReportMetric(p(took, 0.5), "p50-ms")
	b.ReportMetric(p(took, 0.95), "p95-ms")
	b.ReportMetric(p(hash, 0.5), "argon2id-p50-ms")
	b.ReportMetric(100*p(hash, 0.5)/p(took, 0.5), "argon2id-%")
}
