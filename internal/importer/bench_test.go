package importer

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"fanarchive/internal/store/sqlite"
)

// BenchmarkImportSeed50MB imports the seed story repeated to at least 50 MB
// (each copy made distinct by a trailing line, so none is "already
// present") into a fresh SQLite archive: reading, parsing and storing, as
// `fanarchive import` does. MB/s counts the original files' bytes.
// Reproduce:
//
//	go test ./internal/importer -run '^$' -bench ImportSeed50MB -benchtime 1x -count 3
func BenchmarkImportSeed50MB(b *testing.B) {
	path := filepath.Join("..", "..", "..", "shared", "corpus", "seed", "000_7cc8db2ae1f8ac7d.txt")
	seed, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("seed story not found at %s (it lives outside the repository): %v", path, err)
	}
	const target = 50 << 20
	fsys := fstest.MapFS{}
	var names []string
	var total int64
	for i := 0; total < target; i++ {
		name := fmt.Sprintf("copy-%05d.txt", i)
		data := append(append([]byte{}, seed...), fmt.Sprintf("\n\ncopy %d\n", i)...)
		fsys[name] = &fstest.MapFile{Data: data}
		names = append(names, name)
		total += int64(len(data))
	}
	b.SetBytes(total)
	for b.Loop() {
		b.StopTimer()
		store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		im := &Importer{Works: store, Runs: store}
		b.StartTimer()
		rep, err := im.Run(context.Background(), Source{FS: fsys, Names: names}, "bench", nil)
		if err != nil || rep.Created != len(names) {
			b.Fatalf("import: %+v, %v", rep, err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(names)), "files/op")
}

// corpusSource collects the development corpus, skipping the benchmark when
// it is absent.
func corpusSource(b *testing.B) (Source, int64) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "usenet-startrek")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("corpus not found at %s (it lives outside the repository): %v", dir, err)
	}
	src, err := Collect([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, n := range src.Names {
		info, err := fs.Stat(src.FS, n)
		if err != nil {
			b.Fatal(err)
		}
		total += info.Size()
	}
	return src, total
}

// BenchmarkPlanCorpus measures reading, parsing and assembling the whole
// development corpus without storing it (a dry run). Reproduce:
//
//	go test ./internal/importer -run '^$' -bench PlanCorpus -benchtime 3x
func BenchmarkPlanCorpus(b *testing.B) {
	src, total := corpusSource(b)
	b.SetBytes(total)
	for b.Loop() {
		if _, err := (&Importer{DryRun: true}).Run(context.Background(), src, "bench", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportCorpus imports the development corpus into a fresh
// archive, as `fanarchive import` does. Reproduce (or use cmd/benchimport,
// which also measures the blob floor):
//
//	go test ./internal/importer -run '^$' -bench ImportCorpus -benchtime 3x
func BenchmarkImportCorpus(b *testing.B) {
	src, total := corpusSource(b)
	b.SetBytes(total)
	for b.Loop() {
		b.StopTimer()
		store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := (&Importer{Works: store, Runs: store}).Run(context.Background(), src, "bench", nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
}
