package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseSeed measures the text parser's throughput on the seed
// story (53 KB), the whole path: decoding, header, footer, shaping, HTML
// and word counts. Reproduce:
//
//	go test ./internal/ingest -run '^$' -bench ParseSeed -benchtime 1000x -count 3
func BenchmarkParseSeed(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(sharedCorpus(b, "seed"), "000_7cc8db2ae1f8ac7d.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseText("seed.txt", raw, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFixtures measures throughput over the repository's own
// fixtures (small files: per-file overhead dominates), so the benchmark runs
// where ../shared is absent.
func BenchmarkParseFixtures(b *testing.B) {
	files, _ := filepath.Glob("testdata/text/*.txt")
	var raws [][]byte
	var total int64
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
		total += int64(len(raw))
	}
	b.SetBytes(total)
	for b.Loop() {
		for _, raw := range raws {
			if _, err := ParseText("f.txt", raw, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
