// Package ops serves what operators and their tools ask of a running
// archive: liveness (/healthz), readiness (/readyz) and Prometheus metrics
// (/metrics) — requests by route and status, their latencies, the mail
// queue, how far the search index is behind the change log, and the Go
// runtime's and the process's own figures. Each Metrics has its own
// registry: nothing is global, so tests and several servers in one
// process do not share counts.
package ops

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fanarchive"
)

// scrapeTimeout bounds the store reads one scrape makes.
const scrapeTimeout = 2 * time.Second

// Sources are where the metrics that are read at scrape time come from.
// Nil fields leave their metrics out.
type Sources struct {
	// Mail counts the outbox by state.
	Mail interface {
		CountMail(ctx context.Context) (fanarchive.MailCounts, error)
	}
	// Seq returns the change log's last sequence number (the store's
	// SearchSeq), and Applied the last one the search index applied.
	Seq     func(ctx context.Context) (int64, error)
	Applied func() int64
}

// Metrics counts a process's requests and reads its other figures when
// scraped.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	logger   *slog.Logger
}

// NewMetrics returns metrics reading src, logging failed reads to logger.
func NewMetrics(src Sources, logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fanarchive_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fanarchive_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route pattern.",
			// From a cached page (well under a millisecond) to a slow search.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		logger: logger,
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&scraped{src: src, logger: logger})
	return m
}

// ObserveRequest counts one answered request. route is the pattern that
// matched it (a bounded set), never the path.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(took.Seconds())
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn)})
}

var (
	mailDesc = prometheus.NewDesc("fanarchive_mail_outbox_messages",
		"Mail in the outbox, by state: queued (waiting or being sent), sent, failed (given up).", []string{"state"}, nil)
	lagDesc = prometheus.NewDesc("fanarchive_search_index_lag_changes",
		"Changes committed to the change log that this process's search index has not applied yet.", nil, nil)
	seqDesc = prometheus.NewDesc("fanarchive_change_log_seq",
		"The change log's last sequence number.", nil, nil)
)

// scraped collects the figures read from the store at each scrape.
type scraped struct {
	src    Sources
	logger *slog.Logger
}

func (c *scraped) Describe(ch chan<- *prometheus.Desc) {
	ch <- mailDesc
	ch <- lagDesc
	ch <- seqDesc
}

func (c *scraped) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if c.src.Mail != nil {
		if n, err := c.src.Mail.CountMail(ctx); err != nil {
			c.logger.Warn("metrics: count mail", "err", err)
			ch <- prometheus.NewInvalidMetric(mailDesc, fmt.Errorf("count mail: %w", err))
		} else {
			for state, v := range map[string]int{"queued": n.Queued, "sent": n.Sent, "failed": n.Failed} {
				ch <- prometheus.MustNewConstMetric(mailDesc, prometheus.GaugeValue, float64(v), state)
			}
		}
	}
	if c.src.Seq != nil {
		seq, err := c.src.Seq(ctx)
		if err != nil {
			c.logger.Warn("metrics: change log", "err", err)
			ch <- prometheus.NewInvalidMetric(seqDesc, fmt.Errorf("change log: %w", err))
			return
		}
		ch <- prometheus.MustNewConstMetric(seqDesc, prometheus.GaugeValue, float64(seq))
		if c.src.Applied != nil {
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(max(0, seq-c.src.Applied())))
		}
	}
}

// Healthz answers that the process is alive and serving HTTP: always 200.
func Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// Readyz answers 200 when check passes within scrapeTimeout (the store
// answers; the archive can serve pages) and 503 with the reason when not,
// so a load balancer sends readers elsewhere.
func Readyz(check func(ctx context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout)
		defer cancel()
		if err := check(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready:", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
}
