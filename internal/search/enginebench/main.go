// Command enginebench measures, on the same synthetic text, the two embedded
// full-text engines fanarchive could use: SQLite FTS5 (modernc.org/sqlite,
// the engine the archive uses) and Bleve (github.com/blevesearch/bleve/v2,
// scorch index). For each it builds an index of N documents (title, author,
// summary and a few hundred Zipf-distributed words, as cmd/benchsearch
// generates them) and runs the text query class of cmd/benchsearch: one or
// two words from the vocabulary ranks 100–3,000, answered with the exact
// number of matches and the 20 best by BM25.
//
//	cd internal/search/enginebench && go run . -docs 100000
//
// Results are in docs/benchmarks.md.
package main

import (
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	_ "modernc.org/sqlite"
)

type doc struct {
	Title, Author, Summary, Body string
}

func main() {
	n := flag.Int("docs", 100000, "documents")
	queries := flag.Int("queries", 200, "queries")
	engines := flag.String("engines", "fts5,bleve", "engines to measure")
	flag.Parse()
	dir, err := os.MkdirTemp("", "enginebench-")
	check(err)
	defer os.RemoveAll(dir)

	rng := rand.New(rand.NewPCG(1, 0xfa))
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = "w" + strconv.Itoa(i)
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	text := func(k int) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[zipf.Uint64()])
		}
		return b.String()
	}
	gen := func(i int) doc {
		return doc{Title: text(2 + rng.IntN(3)), Author: "writer" + strconv.Itoa(rng.IntN(200000)),
			Summary: text(20 + rng.IntN(30)), Body: text(80 + rng.IntN(520))}
	}
	qrng := rand.New(rand.NewPCG(1, 0x9e))
	var mix [][]string
	for range *queries {
		q := []string{vocab[100+qrng.IntN(2900)]}
		if qrng.IntN(2) == 0 {
			q = append(q, vocab[100+qrng.IntN(2900)])
		}
		mix = append(mix, q)
	}

	out := map[string]any{"docs": *n}
	for _, e := range strings.Split(*engines, ",") {
		switch e {
		case "fts5":
			out["fts5"] = benchFTS5(filepath.Join(dir, "fts.db"), *n, gen, mix)
		case "bleve":
			out["bleve"] = benchBleve(filepath.Join(dir, "bleve"), *n, gen, mix)
		}
		rng = rand.New(rand.NewPCG(1, 0xfa)) // same documents for the next engine
		zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	}
	check(json.NewEncoder(os.Stdout).Encode(out))
}

type result struct {
	BuildSeconds float64 `json:"build_seconds"`
	Bytes        int64   `json:"bytes"`
	P50          float64 `json:"p50_ms"`
	P95          float64 `json:"p95_ms"`
	P99          float64 `json:"p99_ms"`
	AvgHits      float64 `json:"avg_hits"`
	RSSMB        float64 `json:"rss_mb"`
}

func benchFTS5(path string, n int, gen func(int) doc, mix [][]string) *result {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	check(err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE VIRTUAL TABLE work_text USING fts5(title, authors, summary, body,
		content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')`)
	check(err)
	start := time.Now()
	tx, err := db.Begin()
	check(err)
	for i := range n {
		d := gen(i)
		_, err := tx.Exec(`INSERT INTO work_text (rowid, title, authors, summary, body) VALUES (?, ?, ?, ?, ?)`,
			i+1, d.Title, d.Author, d.Summary, d.Body)
		check(err)
		if i%1000 == 999 {
			check(tx.Commit())
			tx, err = db.Begin()
			check(err)
		}
	}
	check(tx.Commit())
	r := &result{BuildSeconds: time.Since(start).Seconds()}
	times, hits := run(mix, func(words []string) int {
		expr := `"` + strings.Join(words, `" AND "`) + `"`
		var total int
		check(db.QueryRow(`SELECT count(*) FROM work_text WHERE work_text MATCH ?`, expr).Scan(&total))
		rows, err := db.Query(`SELECT rowid FROM work_text WHERE work_text MATCH ? ORDER BY bm25(work_text, 10.0, 5.0, 2.0, 1.0) LIMIT 20`, expr)
		check(err)
		for rows.Next() {
		}
		check(rows.Err())
		rows.Close()
		return total
	})
	r.fill(times, hits)
	for _, s := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + s); err == nil {
			r.Bytes += fi.Size()
		}
	}
	return r
}

func benchBleve(path string, n int, gen func(int) doc, mix [][]string) *result {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	idx, err := bleve.New(path, m)
	check(err)
	start := time.Now()
	b := idx.NewBatch()
	for i := range n {
		check(b.Index(strconv.Itoa(i+1), gen(i)))
		if b.Size() == 1000 {
			check(idx.Batch(b))
			b = idx.NewBatch()
		}
	}
	check(idx.Batch(b))
	r := &result{BuildSeconds: time.Since(start).Seconds()}
	times, hits := run(mix, func(words []string) int {
		var qs []query.Query
		for _, w := range words {
			qs = append(qs, bleve.NewMatchQuery(w))
		}
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), 20, 0, false)
		res, err := idx.Search(req)
		check(err)
		return int(res.Total)
	})
	r.fill(times, hits)
	check(idx.Close())
	filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			r.Bytes += fi.Size()
		}
		return nil
	})
	return r
}

// run times each query of the mix, after a warm-up pass.
func run(mix [][]string, q func([]string) int) ([]float64, float64) {
	for _, words := range mix[:min(20, len(mix))] {
		q(words)
	}
	var times []float64
	total := 0
	for _, words := range mix {
		start := time.Now()
		total += q(words)
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	return times, float64(total) / float64(len(mix))
}

func (r *result) fill(times []float64, hits float64) {
	slices.Sort(times)
	pct := func(p float64) float64 {
		v := times[min(len(times)-1, int(math.Ceil(p*float64(len(times))))-1)]
		return math.Round(v*10) / 10
	}
	r.P50, r.P95, r.P99, r.AvgHits = pct(0.5), pct(0.95), pct(0.99), math.Round(hits)
	r.BuildSeconds = math.Round(r.BuildSeconds*10) / 10
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				r.RSSMB = math.Round(kb / 1024)
			}
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginebench:", err)
		os.Exit(1)
	}
}
