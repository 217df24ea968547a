package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"fanarchive/internal/store/sqlite"
)

// rebuildResult is the JSON line of -rebuild.
type rebuildResult struct {
	Works         int     `json:"works"`
	ImpactSeconds float64 `json:"impact_build_seconds"`
	// Writes is how many works the writer stored while the lists were
	// rebuilt, one CreateWork each, as `fanarchive import` stores a file's
	// works; the latencies are of those calls.
	Writes     int     `json:"writes"`
	WriteP50MS float64 `json:"write_p50_ms"`
	WriteP99MS float64 `json:"write_p99_ms"`
	WriteMaxMS float64 `json:"write_max_ms"`
	LoadAvg    string  `json:"loadavg"`
}

// rebuild measures what a rebuild of the impact lists (as `fanarchive
// reindex -impacts` or serve's start runs it) costs writers: it rebuilds
// them on the archive in dir through one handle while another handle, as
// an import in another process would, stores generated works one at a
// time until the build ends. It adds those works to the archive: run it on
// a copy.
func rebuild(ctx context.Context, dir string, n int, seed uint64, logger *slog.Logger) (*rebuildResult, error) {
	path := filepath.Join(dir, dbName)
	builder, err := sqlite.Open(ctx, path, logger)
	if err != nil {
		return nil, err
	}
	defer builder.Close()
	writer, err := sqlite.Open(ctx, path, logger)
	if err != nil {
		return nil, err
	}
	defer writer.Close()

	var done atomic.Bool
	type report struct {
		lat []time.Duration
		err error
	}
	reports := make(chan report, 1)
	go func() {
		g := newGenerator(seed + 1)
		var r report
		for i := 0; !done.Load(); i++ {
			w := g.work(n + i)
			start := time.Now()
			if err := writer.CreateWork(ctx, w); err != nil {
				r.err = fmt.Errorf("write during the build: %w", err)
				break
			}
			r.lat = append(r.lat, time.Since(start))
			// A pause between files, as an importer parsing them has.
			time.Sleep(20 * time.Millisecond)
		}
		reports <- r
	}()
	start := time.Now()
	err = builder.BuildTextImpacts(ctx)
	seconds := time.Since(start).Seconds()
	done.Store(true)
	r := <-reports
	if err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	out := &rebuildResult{Works: n, ImpactSeconds: round(seconds, 1), Writes: len(r.lat), LoadAvg: loadAvg()}
	if len(r.lat) > 0 {
		slices.Sort(r.lat)
		ms := func(q float64) float64 {
			return round(float64(r.lat[int(q*float64(len(r.lat)-1))].Microseconds())/1000, 1)
		}
		out.WriteP50MS, out.WriteP99MS, out.WriteMaxMS = ms(0.5), ms(0.99), ms(1)
	}
	return out, nil
}
