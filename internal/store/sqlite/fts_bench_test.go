package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"fanarchive/internal/ingest"
)

// BenchmarkIndexCorpusText measures the full-text index alone on the
// development corpus: the text rows of every work the corpus parses into,
// written in transactions of 64 works as an import writes them, into a
// fresh archive. With `go run ./cmd/benchimport` it says how much of an
// import's store stage is the index (docs/benchmarks.md). MB/s counts the
// indexed text.
//
//	go test ./internal/store/sqlite -run '^$' -bench IndexCorpusText -benchtime 5x
func BenchmarkIndexCorpusText(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "corpus", "usenet-startrek")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Skipf("the development corpus is not here (%v); it lives outside the repository", err)
	}
	var texts []pendingText
	size := 0
	for _, e := range entries {
		if e.IsDir() || e.Name()[0] == '.' {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		pieces, err := ingest.ParseFile(e.Name(), raw, ingest.Options{})
		if err != nil {
			continue // as the import reports it
		}
		for _, p := range pieces {
			t := newWorkText(p.Work)
			texts = append(texts, pendingText{id: int64(len(texts) + 1), t: t})
			size += len(t.title) + len(t.authors) + len(t.summary) + len(t.body)
		}
	}
	ctx := context.Background()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "archive.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for start := 0; start < len(texts); start += 64 {
			batch := texts[start:min(start+64, len(texts))]
			err := s.write(ctx, func(tx *sql.Tx) error { return s.indexTexts(ctx, tx, batch) })
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
