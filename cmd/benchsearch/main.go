// Command benchsearch measures search at scale: it generates N synthetic
// works of realistic shape, stores them through the real write path
// (sqlite.Store.CreateWork, which also writes the full-text index and the
// change log) in a fresh data directory, then, in a second process that
// only serves (like `fanarchive serve`), builds the search engine and runs a
// fixed mix of queries through search.Engine.Search, the code the /search
// page calls. It prints one JSON line; see docs/benchmarks.md.
//
//	go run ./cmd/benchsearch -works 1000000
//
// With -rebuild it measures instead how long imports wait while the impact
// lists of an existing archive are rebuilt.
//
// With -db postgres://… the archive is stored in and served from that
// PostgreSQL database instead of the SQLite file in -dir (pg.go).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/procstat"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
)

func main() {
	works := flag.Int("works", 10000, "number of works to generate")
	dir := flag.String("dir", "", "data directory (default: a new temporary one, removed at the end)")
	seed := flag.Uint64("seed", 1, "seed of the generated archive and of the query mix")
	queries := flag.Int("queries", 200, "queries per class")
	serveOnly := flag.Bool("serve", false, "only measure the queries on an archive already built in -dir")
	keep := flag.Bool("keep", false, "keep the data directory")
	batch := flag.Int("batch", 200, "works per transaction while building: 1 is CreateWork per work, as an import does; more uses CreateWorks")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to `file`: of the queries with -serve, else of the build")
	only := flag.String("only", "", "with -serve: run only these query classes, comma-separated (for profiling, or to compare two)")
	rebuildOnly := flag.Bool("rebuild", false, "only rebuild the impact lists of the archive in -dir while another handle stores works, and measure those writes (adds works: use a copy)")
	db := flag.String("db", "", "a postgres:// `URL`: build the archive in (or with -serve, serve it from) this PostgreSQL database instead of the SQLite file in -dir; it is kept")
	flag.Parse()
	if *db != "" && !sqlite.IsPostgresDSN(*db) {
		fmt.Fprintf(os.Stderr, "benchsearch: -db %q is not a postgres:// URL (the SQLite archive is the one in -dir)\n", *db)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()

	if *rebuildOnly {
		if *db != "" {
			fmt.Fprintln(os.Stderr, "benchsearch: -rebuild measures SQLite's impact lists, which PostgreSQL has not: not with -db")
			os.Exit(2)
		}
		out, err := rebuild(ctx, *dir, *works, *seed, logger)
		check(err)
		check(json.NewEncoder(os.Stdout).Encode(out))
		return
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	if *serveOnly {
		if *only != "" {
			classes = strings.Split(*only, ",")
		}
		out, err := serve(ctx, *dir, *db, *works, *seed, *queries, logger)
		check(err)
		check(json.NewEncoder(os.Stdout).Encode(out))
		return
	}
	if *db != "" {
		has, err := pgHasWorks(ctx, *db)
		check(err)
		if has {
			fmt.Fprintf(os.Stderr, "benchsearch: %s already holds an archive; use -serve to measure it, or a new database\n", *db)
			os.Exit(2)
		}
	} else if *dir == "" {
		d, err := os.MkdirTemp("", "benchsearch-")
		check(err)
		*dir = d
		if !*keep {
			defer os.RemoveAll(d)
		}
	} else if _, err := os.Stat(filepath.Join(*dir, dbName)); err == nil {
		fmt.Fprintf(os.Stderr, "benchsearch: %s already holds an archive; use -serve to measure it, or a new -dir\n", *dir)
		os.Exit(2)
	}

	start := time.Now()
	check(build(ctx, *dir, *db, *works, *batch, *seed, logger))
	buildSeconds := time.Since(start).Seconds()

	// Serve in a fresh process, so its memory is what a serve process
	// holds, not what building left behind.
	exe, err := os.Executable()
	check(err)
	cmd := exec.Command(exe, "-serve", "-dir", *dir, "-works", strconv.Itoa(*works),
		"-seed", strconv.FormatUint(*seed, 10), "-queries", strconv.Itoa(*queries))
	if *db != "" {
		cmd.Args = append(cmd.Args, "-db", *db)
	}
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	check(cmd.Run())
	var out result
	check(json.Unmarshal(stdout.Bytes(), &out))
	out.BuildSeconds = round(buildSeconds, 1)
	check(json.NewEncoder(os.Stdout).Encode(out))
}

// dbName is the database file inside the data directory, as serve names it.
const dbName = "fanarchive.db"

// build generates the works and stores them batchSize to a transaction
// (CreateWork, or CreateWorks, which runs the same code for each work),
// generating the next works on another core meanwhile.
func build(ctx context.Context, dir, db string, n, batchSize int, seed uint64, logger *slog.Logger) error {
	store, err := openStore(ctx, dir, db, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	g := newGenerator(seed)
	ch := make(chan *fanarchive.Work, 512)
	go func() {
		for i := range n {
			ch <- g.work(i)
		}
		close(ch)
	}()
	start := time.Now()
	i := 0
	batch := make([]*fanarchive.Work, 0, batchSize)
	flush := func() error {
		var err error
		if batchSize == 1 {
			err = store.CreateWork(ctx, batch[0])
		} else {
			err = store.CreateWorks(ctx, batch)
		}
		if err != nil {
			return fmt.Errorf("works %d-%d: %w", i-len(batch), i, err)
		}
		batch = batch[:0]
		return nil
	}
	for w := range ch {
		batch = append(batch, w)
		i++
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
		if i%50000 == 0 {
			fmt.Fprintf(os.Stderr, "benchsearch: stored %d works in %s\n", i, time.Since(start).Round(time.Second))
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	if db != "" {
		// PostgreSQL's statistics, as autovacuum would gather them soon
		// after a bulk load; then its impact lists, below.
		start := time.Now()
		if err := pgAnalyze(ctx, db); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "benchsearch: vacuumed and analyzed the database in %s\n", time.Since(start).Round(time.Second))
	}
	// As `fanarchive reindex` or serve's first start would: the impact
	// lists of common words, from the full-text index.
	listStart := time.Now()
	if err := store.BuildTextImpacts(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchsearch: built the impact lists in %s\n", time.Since(listStart).Round(time.Second))
	return nil
}

// result is the JSON line.
type result struct {
	Works        int     `json:"works"`
	DB           string  `json:"db"` // "sqlite" or "postgres"
	BuildSeconds float64 `json:"build_seconds"`
	LoadSeconds  float64 `json:"load_seconds"` // serve start: the engine read from the database
	// ImpactSeconds is the time serve took at start to build the impact
	// lists of an archive that had none (or out of scale), as
	// EnsureTextImpacts does; 0 when they were there.
	ImpactSeconds float64             `json:"impact_build_seconds,omitempty"`
	Classes       map[string]*latency `json:"classes"`
	RSSMB         float64             `json:"rss_mb"`      // VmRSS of the serving process after the queries
	RSSPeakMB     float64             `json:"rss_peak_mb"` // VmHWM: its peak, engine load included
	HeapMB        float64             `json:"heap_mb"`     // live Go heap after loading: mostly the engine's index
	DBBytes       int64               `json:"db_bytes"`
	CPUs          int                 `json:"cpus"`
	// LoadAvg is the machine's 1-minute load average before and after the
	// queries: other processes on a 2-core machine inflate the times.
	LoadAvg [2]string `json:"loadavg"`
	Go      string    `json:"go"`
}

type latency struct {
	N      int     `json:"n"`
	P50    float64 `json:"p50_ms"`
	P95    float64 `json:"p95_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
	AvgHit float64 `json:"avg_total"` // mean number of matching works
	// Text queries' cost grows with the number of works their words match
	// (every match is scored): how many matched more than 50,000, and the
	// p95 of the others.
	Over50k  int     `json:"over_50k_hits,omitempty"`
	P95Small float64 `json:"p95_ms_50k_or_fewer_hits,omitempty"`
}

// serve opens the archive as serve does, builds the engine and runs the
// query mix.
func serve(ctx context.Context, dir, db string, n int, seed uint64, perClass int, logger *slog.Logger) (*result, error) {
	store, err := openStore(ctx, dir, db, logger)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	// As serve does before it loads the engine: the impact lists, if
	// missing (an archive built by an older benchsearch) or out of date.
	start := time.Now()
	if _, err := store.EnsureTextImpacts(ctx, sqlite.ImpactMinWorks); err != nil {
		return nil, err
	}
	impactSeconds := time.Since(start).Seconds()
	start = time.Now()
	engine, err := search.New(ctx, store, logger)
	if err != nil {
		return nil, err
	}
	// As serve does once its index is loaded (internal/cli/serve.go,
	// keepMemoryLow): a GC target of half the live heap unless GOGC is set,
	// and the loading garbage returned to the system.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	debug.FreeOSMemory()
	// Every query is measured cold: the cache of recent text matches would
	// answer the mix's repeated words.
	engine.SetTextCacheBytes(0)
	out := &result{Works: n, DB: dbKind(db), LoadSeconds: round(time.Since(start).Seconds(), 1), CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if impactSeconds >= 1 {
		out.ImpactSeconds = round(impactSeconds, 1)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out.HeapMB = round(float64(ms.HeapAlloc)/(1<<20), 1)
	runtime.GC()
	out.LoadAvg[0] = loadAvg()
	tagID := func(ctx context.Context, kind fanarchive.TagKind, name string) (int64, error) {
		t, err := store.FindTag(ctx, kind, name)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		return t.ID, nil
	}
	if out.Classes, err = runMix(ctx, engine, tagID, seed, perClass); err != nil {
		return nil, err
	}
	out.LoadAvg[1] = loadAvg()
	rss, peak := procstat.Memory(0)
	out.RSSMB, out.RSSPeakMB = round(rss, 1), round(peak, 1)
	if db != "" {
		if out.DBBytes, err = pgSize(ctx, db); err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(filepath.Join(dir, dbName+suffix)); err == nil {
			out.DBBytes += fi.Size()
		}
	}
	return out, nil
}

// loadAvg returns the 1-minute load average.
func loadAvg() string {
	return strings.Split(procstat.LoadAvg(), " ")[0]
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsearch:", err)
		os.Exit(1)
	}
}
