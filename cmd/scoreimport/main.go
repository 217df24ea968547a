// Command scoreimport measures the importer against a collection that
// comes with its own index: it plans an import of the folder (a dry run,
// nothing is stored) and compares the works with the index's titles and
// authors. The index is a `.descs` file of lines "FILE DESCRIPTION", where a
// description reads like "Fan Fiction: Title, by Author (1993)" or
// "REVIEW: …".
//
//	go run ./cmd/scoreimport [-v] [-json] [DIR]
//
// DIR defaults to ../shared/corpus/usenet-startrek. See docs/import-accuracy.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/importer"
)

func main() {
	verbose := flag.Bool("v", false, "list every miss")
	asJSON := flag.Bool("json", false, "print the scores as one JSON object")
	fitOut := flag.String("fit", "", "fit the importer's title model on DIR... (each with a .descs index), cross-validate it, and write it to `file` (internal/ingest/title_model.json); - only reports")
	folds := flag.Int("folds", 5, "with -fit: cross-validation folds")
	penalties := flag.String("l2", "0.001,0.01,0.03,0.1,0.3,1,10", "with -fit: the ridge penalties to cross-validate, comma-separated; the best is shipped")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: scoreimport [-v] [-json] [DIR]\n       scoreimport -fit FILE [-folds N] [-l2 LIST] DIR...\n\nScores a dry-run import of DIR against DIR/.descs, or fits the title model on labelled folders.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	dir := filepath.Join("..", "shared", "corpus", "usenet-startrek")
	if *fitOut != "" {
		dirs := flag.Args()
		if len(dirs) == 0 {
			dirs = []string{dir}
		}
		out := *fitOut
		if out == "-" {
			out = ""
		}
		var l2s []float64
		for _, f := range strings.Split(*penalties, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || v <= 0 {
				fmt.Fprintf(os.Stderr, "scoreimport: -l2: %q is not a positive number\n", f)
				os.Exit(2)
			}
			l2s = append(l2s, v)
		}
		if err := runFit(os.Stdout, dirs, out, max(*folds, 2), l2s); err != nil {
			fmt.Fprintln(os.Stderr, "scoreimport:", err)
			os.Exit(1)
		}
		return
	}
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	if err := run(context.Background(), os.Stdout, dir, *verbose, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "scoreimport:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, dir string, verbose, asJSON bool) error {
	index, err := readIndex(filepath.Join(dir, ".descs"))
	if err != nil {
		return err
	}
	src, err := importer.Collect([]string{dir})
	if err != nil {
		return err
	}
	var results []importer.Result
	start := time.Now()
	im := &importer.Importer{DryRun: true}
	if _, err := im.Run(ctx, src, "scoreimport", func(r importer.Result) { results = append(results, r) }); err != nil {
		return err
	}
	s := score(index, results, dir)
	s.Seconds = time.Since(start).Seconds()
	if asJSON {
		return json.NewEncoder(out).Encode(s)
	}
	s.print(out, verbose)
	return nil
}

// Scores is what scoreimport measures.
type Scores struct {
	Files          int     `json:"files"`
	Fiction        int     `json:"fiction_files"`
	NonFiction     int     `json:"nonfiction_files"`
	Unlabelled     int     `json:"unlabelled_files"`
	TitleAuthorOK  int     `json:"title_author_exact"`
	LenientOK      int     `json:"title_author_lenient"`
	TitleOK        int     `json:"title_exact"`
	AuthorOK       int     `json:"author_exact"`
	FictionListed  int     `json:"fiction_listed"`
	NonFictionOut  int     `json:"nonfiction_kept_out"`
	MultiPart      int     `json:"multipart_files"`
	MultiPartOneW  int     `json:"multipart_reassembled"`
	Failed         int     `json:"failed_files"`
	Works          int     `json:"works"`
	Seconds        float64 `json:"seconds"`
	TitleAuthorPct float64 `json:"title_author_pct"`
	NonFictionPct  float64 `json:"nonfiction_kept_out_pct"`
	MultiPartPct   float64 `json:"multipart_reassembled_pct"`

	misses []string
}

// score compares the importer's works with the index.
func score(index map[string]entry, results []importer.Result, dir string) Scores {
	byFile := map[string][]*fanarchive.Work{}
	duplicate := map[*fanarchive.Work]bool{}
	var s Scores
	for _, r := range results {
		if r.Status == importer.StatusFailed {
			s.Failed++
			s.misses = append(s.misses, fmt.Sprintf("failed      %s: %s", strings.Join(r.Files, ","), fanarchive.ErrorMessage(r.Err)))
			continue
		}
		s.Works++
		duplicate[r.Work] = r.DuplicateOf != nil
		for _, f := range r.Files {
			rel, _ := filepath.Rel(dir, f)
			byFile[rel] = append(byFile[rel], r.Work)
		}
	}
	names := make([]string, 0, len(index))
	for name := range index {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		e := index[name]
		s.Files++
		works := byFile[name]
		switch e.label {
		case labelNonFiction:
			s.NonFiction++
			listed := listedFiction(works, duplicate)
			if len(listed) == 0 {
				s.NonFictionOut++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("listed      %-14s %q (index: %s)", name, listed[0].Title, e.desc))
			}
		case labelFiction:
			s.Fiction++
			listed := listedFiction(works, duplicate)
			if len(listed) > 0 {
				s.FictionListed++
			}
			if e.multiPart {
				s.MultiPart++
				if len(listed) == 1 && len(listed[0].Chapters) > 1 {
					s.MultiPartOneW++
				} else {
					s.misses = append(s.misses, fmt.Sprintf("parts       %-14s %d listed works from %d posts", name, len(listed), e.posts))
				}
			}
			w := best(listed, works, e)
			if len(listed) == 0 && w != nil && duplicate[w] {
				// A duplicate's original holds the same story: judge that.
				for _, r := range results {
					if r.Work == w && r.DuplicateOf != nil {
						w = r.DuplicateOf
					}
				}
			}
			titleOK := w != nil && norm(w.Title) == norm(e.title)
			authorOK := w != nil && authorMatch(w.AuthorNames(), e.author)
			if titleOK {
				s.TitleOK++
			}
			if authorOK {
				s.AuthorOK++
			}
			if w != nil && lenientTitle(w.Title, e.title) && lenientAuthor(w.AuthorNames(), e.author) {
				s.LenientOK++
			}
			if titleOK && authorOK {
				s.TitleAuthorOK++
				continue
			}
			got := "no work"
			if w != nil {
				got = fmt.Sprintf("%q by %q (%s)", w.Title, strings.Join(w.AuthorNames(), " & "), w.Kind)
			}
			mark := "title/author"
			if w != nil && lenientTitle(w.Title, e.title) && lenientAuthor(w.AuthorNames(), e.author) {
				mark = "lenient-ok "
			}
			s.misses = append(s.misses, fmt.Sprintf("%s %-14s got %s, want %q by %q", mark, name, got, e.title, e.author))
		default:
			s.Unlabelled++
		}
	}
	s.TitleAuthorPct = pct(s.TitleAuthorOK, s.Fiction)
	s.NonFictionPct = pct(s.NonFictionOut, s.NonFiction)
	s.MultiPartPct = pct(s.MultiPartOneW, s.MultiPart)
	return s
}

// listedFiction returns the works a reader would see: fiction that is not a
// duplicate.
func listedFiction(works []*fanarchive.Work, duplicate map[*fanarchive.Work]bool) []*fanarchive.Work {
	var out []*fanarchive.Work
	for _, w := range works {
		if w.Kind == fanarchive.KindFiction && !duplicate[w] {
			out = append(out, w)
		}
	}
	return out
}

// best picks the work to compare with the index entry: the listed work
// whose title matches, else the first listed, else the first at all.
func best(listed, all []*fanarchive.Work, e entry) *fanarchive.Work {
	for _, w := range listed {
		if norm(w.Title) == norm(e.title) {
			return w
		}
	}
	if len(listed) > 0 {
		return listed[0]
	}
	if len(all) > 0 {
		return all[0]
	}
	return nil
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(int(1000*float64(n)/float64(d)+0.5)) / 10
}

func (s Scores) print(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "| measure | result | target |\n| --- | --- | --- |\n")
	fmt.Fprintf(w, "| fiction files with exact title and author | %d / %d = %.1f %% | ≥ 90 %% |\n", s.TitleAuthorOK, s.Fiction, s.TitleAuthorPct)
	fmt.Fprintf(w, "| … exact title | %d / %d | |\n", s.TitleOK, s.Fiction)
	fmt.Fprintf(w, "| … title and author allowing the index's additions (diagnostic, see docs/import-accuracy.md) | %d / %d = %.1f %% | |\n", s.LenientOK, s.Fiction, pct(s.LenientOK, s.Fiction))
	fmt.Fprintf(w, "| … exact author | %d / %d | |\n", s.AuthorOK, s.Fiction)
	fmt.Fprintf(w, "| fiction files listed as works | %d / %d | |\n", s.FictionListed, s.Fiction)
	fmt.Fprintf(w, "| non-fiction files kept out of the works list | %d / %d = %.1f %% | ≥ 95 %% |\n", s.NonFictionOut, s.NonFiction, s.NonFictionPct)
	fmt.Fprintf(w, "| multi-part fiction files reassembled into one work | %d / %d = %.1f %% | all |\n", s.MultiPartOneW, s.MultiPart, s.MultiPartPct)
	fmt.Fprintf(w, "| files not labelled by the index (not scored) | %d | |\n", s.Unlabelled)
	fmt.Fprintf(w, "| files that failed to import | %d | |\n", s.Failed)
	fmt.Fprintf(w, "| works planned | %d (%d files, %.1f s) | |\n", s.Works, s.Files, s.Seconds)
	if verbose {
		fmt.Fprintln(w)
		for _, m := range s.misses {
			fmt.Fprintln(w, m)
		}
	}
}
