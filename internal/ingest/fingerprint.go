package ingest

import (
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"

	"fanarchive"
	"fanarchive/internal/prose"
)

// Duplicate detection. Each work's text is reduced to a sample of hashed
// word 6-grams (those whose hash is 0 mod 8, so the sample of a part is a
// subset of the sample of a text that contains it); two works are the same
// text when most of the smaller one's sample is in the larger one's.
const (
	shingleWords   = 6
	shingleSample  = 8    // keep one hash in this many
	dupContainment = 0.8  // share of the smaller sample found in the larger
	dupMinSample   = 8    // fewer sampled shingles than this: too short to judge
	confDuplicate  = 0.85 // how sure a duplicate mark is
)

// fingerprint returns the sampled shingle hashes of a work's text.
func fingerprint(w *fanarchive.Work) map[uint64]bool {
	var words []string
	for _, c := range w.Chapters {
		for _, f := range strings.FieldsFunc(prose.PlainText(c.Body), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			words = append(words, strings.ToLower(f))
		}
	}
	fp := map[uint64]bool{}
	h := fnv.New64a()
	for i := 0; i+shingleWords <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+shingleWords] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		if v := h.Sum64(); v%shingleSample == 0 {
			fp[v] = true
		}
	}
	return fp
}

// markDuplicates finds works whose text another work holds and marks them
// as its duplicates. Of two copies the canonical one is the complete one,
// then the one with more words, then more chapters, then the earlier.
func markDuplicates(works []*Assembled) {
	fps := make([]map[uint64]bool, len(works))
	postings := map[uint64][]int{}
	for i, a := range works {
		fps[i] = fingerprint(a.Work)
		for h := range fps[i] {
			postings[h] = append(postings[h], i)
		}
	}
	for i, a := range works {
		if len(fps[i]) < dupMinSample {
			continue
		}
		shared := map[int]int{}
		for h := range fps[i] {
			for _, j := range postings[h] {
				if j != i {
					shared[j]++
				}
			}
		}
		for j, n := range shared {
			small := min(len(fps[i]), len(fps[j]))
			if small < dupMinSample || float64(n) < dupContainment*float64(small) || a.Work.Kind != works[j].Work.Kind {
				continue
			}
			dup, canon := i, j
			if better(works[i], works[j], i, j) {
				dup, canon = j, i
			}
			if works[dup].DuplicateOf >= 0 {
				continue
			}
			// Follow the canonical one's own mark, so chains point at the root.
			for works[canon].DuplicateOf >= 0 {
				canon = works[canon].DuplicateOf
			}
			if canon == dup {
				continue
			}
			works[dup].DuplicateOf = canon
			works[dup].Work.Problems = append(works[dup].Work.Problems,
				fmt.Sprintf("%s: %.0f%% of its text is in %q", ProblemDuplicateWork, 100*float64(n)/float64(small), works[canon].Work.DisplayTitle()))
		}
	}
}

// better reports whether a should be the canonical copy rather than b.
func better(a, b *Assembled, ai, bi int) bool {
	switch {
	case a.Work.Complete != b.Work.Complete:
		return a.Work.Complete
	case a.Work.Words != b.Work.Words:
		return a.Work.Words > b.Work.Words
	case len(a.Work.Chapters) != len(b.Work.Chapters):
		return len(a.Work.Chapters) > len(b.Work.Chapters)
	}
	return ai < bi
}
