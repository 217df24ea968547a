// Command benchimport measures a bulk import against its floor: it stores
// the same files as plain blobs in a fresh SQLite database (the least any
// import that keeps the originals must do), then imports them with the real
// importer into a fresh archive, and prints one JSON line with both rates.
//
//	go run ./cmd/benchimport [-runs N] [DIR]
//
// DIR defaults to ../shared/corpus/usenet-startrek. See docs/benchmarks.md.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	_ "modernc.org/sqlite"

	"fanarchive/internal/importer"
	"fanarchive/internal/store/sqlite"
)

// Result is the JSON line benchimport prints. Times are medians of the runs.
type Result struct {
	Files          int     `json:"files"`
	Bytes          int64   `json:"bytes"`
	Runs           int     `json:"runs"`
	FloorSeconds   float64 `json:"floor_seconds"`
	FloorMBps      float64 `json:"floor_mb_per_s"`
	ImportSeconds  float64 `json:"import_seconds"`
	ImportMBps     float64 `json:"import_mb_per_s"`
	Ratio          float64 `json:"import_to_floor"`
	Works          int     `json:"works"`
	GOMAXPROCS     int     `json:"gomaxprocs"`
	DatabaseBytes  int64   `json:"archive_db_bytes"`
	FloorDataBytes int64   `json:"floor_db_bytes"`
	// The import's stages, medians in seconds: reading and parsing the files
	// (on every CPU), assembling parts and duplicates, storing (one writer).
	ParseSeconds    float64 `json:"parse_seconds"`
	AssembleSeconds float64 `json:"assemble_seconds"`
	StoreSeconds    float64 `json:"store_seconds"`
}

func main() {
	runs := flag.Int("runs", 3, "how many times to measure each; the median is reported")
	flag.Parse()
	dir := filepath.Join("..", "shared", "corpus", "usenet-startrek")
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	res, err := run(context.Background(), dir, *runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchimport:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func run(ctx context.Context, dir string, runs int) (*Result, error) {
	src, err := importer.Collect([]string{dir})
	if err != nil {
		return nil, err
	}
	res := &Result{Files: len(src.Names), Runs: runs, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	for _, n := range src.Names {
		info, err := fs.Stat(src.FS, n)
		if err != nil {
			return nil, err
		}
		res.Bytes += info.Size()
	}
	var floor, imp, parse, assemble, store []float64
	for r := 0; r < runs; r++ {
		tmp, err := os.MkdirTemp("", "benchimport")
		if err != nil {
			return nil, err
		}
		secs, size, err := floorRun(ctx, src, filepath.Join(tmp, "blobs.db"))
		if err != nil {
			return nil, err
		}
		floor, res.FloorDataBytes = append(floor, secs), size
		secs, works, size, st, err := importRun(ctx, src, filepath.Join(tmp, "archive.db"))
		if err != nil {
			return nil, err
		}
		imp, res.Works, res.DatabaseBytes = append(imp, secs), works, size
		parse = append(parse, st.parse)
		assemble = append(assemble, st.assemble)
		store = append(store, st.store)
		os.RemoveAll(tmp)
	}
	res.FloorSeconds, res.ImportSeconds = median(floor), median(imp)
	res.ParseSeconds, res.AssembleSeconds, res.StoreSeconds = median(parse), median(assemble), median(store)
	mb := float64(res.Bytes) / (1 << 20)
	res.FloorMBps, res.ImportMBps = mb/res.FloorSeconds, mb/res.ImportSeconds
	res.Ratio = res.ImportMBps / res.FloorMBps
	return res, nil
}

// floorRun reads every file and inserts it as a blob, one transaction per
// file, with the pragmas the archive uses (WAL, synchronous=NORMAL).
func floorRun(ctx context.Context, src importer.Source, path string) (float64, int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, raw BLOB NOT NULL)`); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	for _, n := range src.Names {
		raw, err := fs.ReadFile(src.FS, n)
		if err != nil {
			return 0, 0, err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (name, raw) VALUES (?, ?)`, n, raw); err != nil {
			tx.Rollback()
			return 0, 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
	}
	secs := time.Since(start).Seconds()
	return secs, fileSize(path), nil
}

// stageTimes are one import's stages, in seconds.
type stageTimes struct{ parse, assemble, store float64 }

// importRun imports the files with the real importer into a fresh archive,
// timing its stages from its progress reports: the last "read" report ends
// parsing, the first "store" report (0 done) ends assembly.
func importRun(ctx context.Context, src importer.Source, path string) (float64, int, int64, stageTimes, error) {
	store, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		return 0, 0, 0, stageTimes{}, err
	}
	defer store.Close()
	var parsed, assembled time.Time
	im := &importer.Importer{Works: store, Runs: store, Progress: func(stage string, done, total int) {
		switch {
		case stage == "read" && done == total:
			parsed = time.Now()
		case stage == "store" && assembled.IsZero():
			assembled = time.Now()
		}
	}}
	start := time.Now()
	rep, err := im.Run(ctx, src, "benchimport", nil)
	if err != nil {
		return 0, 0, 0, stageTimes{}, err
	}
	end := time.Now()
	t := stageTimes{parse: parsed.Sub(start).Seconds(), assemble: assembled.Sub(parsed).Seconds(), store: end.Sub(assembled).Seconds()}
	return end.Sub(start).Seconds(), rep.Created, fileSize(path), t, nil
}

func fileSize(path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if info, err := os.Stat(p); err == nil {
			n += info.Size()
		}
	}
	return n
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}
