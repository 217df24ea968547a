package mailin

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-smtp"
)

// BenchmarkAccept measures messages accepted over loopback SMTP, each
// stored, fsynced and delivered to an in-memory backend before its 250,
// from 4 connections at once:
// go test ./internal/mailin -run '^$' -bench Accept -benchtime 2000x
func BenchmarkAccept(b *testing.B) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(b, Config{Backend: be})
	msg := post + strings.Repeat("A line of a story, long enough to look like one.\r\n", 80) // about 4 KB
	b.SetBytes(int64(len(msg)))
	b.SetParallelism(2) // 2 × GOMAXPROCS connections
	var failed atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := smtp.Dial(ts.addr)
		if err != nil {
			failed.Add(1)
			return
		}
		defer c.Close()
		for pb.Next() {
			if err := send(c, "a@example.net", []string{"l3@lists.test"}, strings.NewReader(msg)); err != nil {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d sends failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
