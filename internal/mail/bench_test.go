package mail

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkFanOut queues b.N mails of one list post (one shared body, a
// header field and a return path per recipient) in one transaction, then
// delivers them with a Sender (its default four workers) over SMTP to a go-smtp server
// on a loopback port, as a list post to b.N members would go. ns/op is per
// mail, queueing and delivery together; the metrics split the two, and give
// the heap once the mail is queued and the largest seen while sending
// (flat: a sender holds a batch per worker, however many are queued).
// For the figure:
//
//	go test ./internal/mail -run '^$' -bench FanOut -benchtime 100000x
func BenchmarkFanOut(b *testing.B) {
	outbox := openOutbox(b)
	s := startSink(b, &sink{discard: true})
	tr, err := ParseSMTPURL("smtp://" + s.addr)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	queueFanOut(b, outbox, b.N)
	queued := time.Since(start)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse

	sender := &Sender{Outbox: outbox, Transport: tr, Poll: 10 * time.Millisecond}
	stop := runSender(b, sender)
	var peak uint64
	for s.count() < b.N {
		time.Sleep(20 * time.Millisecond)
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	for mailCounts(b, outbox).Sent < b.N {
		time.Sleep(20 * time.Millisecond)
	}
	total := time.Since(start)
	b.StopTimer()
	stop()
	b.ReportMetric(queued.Seconds()*1e6/float64(b.N), "queue-µs/mail")
	b.ReportMetric((total-queued).Seconds()*1e6/float64(b.N), "send-µs/mail")
	b.ReportMetric(float64(b.N)/total.Seconds(), "mails/s")
	b.ReportMetric(float64(base)/(1<<20), "heap-queued-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-sending-MB")
	b.ReportMetric(float64(s.conns.Load()), "connections")
}
