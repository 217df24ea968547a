package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
)

// syntheticStory returns the text of a plain-text story of about size bytes
// in paragraphs of made-up words, the same for every call with the same
// seed.
func syntheticStory(seed uint64, size int) string {
	words := strings.Fields("the girl is dead said Mulder and Scully looked at him across the " +
		"autopsy table it's not the first time we've seen this pattern in Oregon she replied " +
		"quietly rain against the window of the motel room somewhere a phone was ringing")
	r := rand.New(rand.NewPCG(seed, 11))
	var b strings.Builder
	for b.Len() < size {
		n := 40 + r.IntN(80)
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(".\r\n\r\n")
	}
	return b.String()
}

// BenchmarkCreateWork measures importing works whose source is a ~54 KB
// plain-text file, each with distinct bytes so none conflicts. Bytes per op
// are the source's; the chapter body stores about as much again. 1000
// iterations import about 54 MB of sources:
//
//	go test ./internal/store/sqlite -run '^$' -bench CreateWork -benchtime 1000x
func BenchmarkCreateWork(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()

	text := syntheticStory(1, 54<<10)
	var blocks []prose.Block
	for _, p := range strings.Split(strings.TrimSpace(text), "\r\n\r\n") {
		blocks = append(blocks, prose.Block{Kind: prose.Paragraph, Text: p})
	}
	body := prose.HTML(blocks)
	words := prose.CountWords(text)
	begins := prose.FirstWords(prose.PlainText(body), 40)

	header := func(i int) string { return fmt.Sprintf("Title: Story %020d\r\n\r\n", i) }
	b.SetBytes(int64(len(header(0)) + len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		raw := []byte(header(i) + text)
		w := &fanarchive.Work{
			Kind:     fanarchive.KindFiction,
			Title:    fmt.Sprintf("Story %d", i),
			Authors:  []fanarchive.Author{{Name: fmt.Sprintf("Author %d", i%50)}},
			Rating:   fanarchive.RatingTeen,
			Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "The X-Files"}},
			Words:    words,
			Begins:   begins,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: body, Words: words}},
			Sources:  []*fanarchive.Source{fanarchive.NewSource(fmt.Sprintf("story%d.txt", i), raw)},
		}
		if err := s.CreateWork(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListingCount compares the two ways of counting a listing in the
// same query as its page, on 300,000 works (one in 50 a duplicate): the
// scalar COUNT(*) subquery FindWorks uses, and COUNT(*) OVER ().
func BenchmarkListingCount(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const works = 300000
	err = s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO works (kind, rating, published, updated, duplicate_of,
			created_at, updated_at) VALUES ('fiction', 'Teen', ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range works {
			t := formatTime(time.Unix(int64(i*7919%1000003)*1000, 0))
			var dup int64
			if i%50 == 49 {
				dup = 1 // the first work
			}
			if _, err := stmt.ExecContext(ctx, t, t, nullID(dup), t, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	where, args, err := workWhere(fanarchive.WorkFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, query string }{
		{"subquery", pageQuery(where)},
		{"window", `SELECT w.id, COUNT(*) OVER () FROM works w WHERE ` + where + `
			ORDER BY w.updated DESC, w.id DESC LIMIT ? OFFSET ?`},
	} {
		b.Run(q.name, func(b *testing.B) {
			all := append([]any{}, args...)
			if q.name == "subquery" {
				all = append(all, args...)
			}
			all = append(all, 20, 0)
			for range b.N {
				err := s.read(ctx, func(tx *sql.Tx) error {
					rows, err := tx.QueryContext(ctx, q.query, all...)
					if err != nil {
						return err
					}
					defer rows.Close()
					n := 0
					for rows.Next() {
						var id, total int64
						if err := rows.Scan(&id, &total); err != nil {
							return err
						}
						if total != works-works/50 {
							return fmt.Errorf("total %d", total)
						}
						n++
					}
					if n != 20 {
						return fmt.Errorf("page of %d", n)
					}
					return rows.Err()
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
