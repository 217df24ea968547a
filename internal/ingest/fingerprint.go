package ingest

import (
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

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

// fingerprint returns the sampled shingle hashes of a work's text. Words
// are hashed as they are read (FNV-1a over lower-cased letters and digits)
// and a shingle's hash combines its words' hashes, so nothing is allocated
// per word.
func fingerprint(w *fanarchive.Work) map[uint64]bool {
	fp := map[uint64]bool{}
	var ring [shingleWords]uint64
	n := 0
	for _, c := range w.Chapters {
		text := c.Text
		if text == "" {
			text = prose.PlainText(c.Body)
		}
		forEachWordHash(text, func(h uint64) {
			ring[n%shingleWords] = h
			n++
			if n < shingleWords {
				return
			}
			var s uint64 = 14695981039346656037
			for i := n - shingleWords; i < n; i++ {
				s = (s ^ ring[i%shingleWords]) * 1099511628211
			}
			if s%shingleSample == 0 {
				fp[s] = true
			}
		})
	}
	return fp
}

// forEachWordHash calls fn with the FNV-1a hash of each lower-cased run of
// letters and digits in text.
func forEachWordHash(text string, fn func(uint64)) {
	const offset, prime = 14695981039346656037, 1099511628211
	h, in := uint64(offset), false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				if in {
					fn(h)
					h, in = offset, false
				}
				continue
			}
			h = (h ^ uint64(c)) * prime
			in = true
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			for _, b := range []byte(string(unicode.ToLower(r))) {
				h = (h ^ uint64(b)) * prime
			}
			in = true
		} else if in {
			fn(h)
			h, in = offset, false
		}
	}
	if in {
		fn(h)
	}
}

// workFingerprint is the union of the fingerprints of a work's pieces
// (shingles across the seam of two parts are not sampled, which does not
// matter at this sampling rate), or the work's own when its pieces have
// none.
func workFingerprint(a *Assembled) map[uint64]bool {
	if len(a.Pieces) == 1 && a.Pieces[0].fp != nil {
		return a.Pieces[0].fp
	}
	fp := map[uint64]bool{}
	for _, p := range a.Pieces {
		if p.fp == nil {
			return fingerprint(a.Work)
		}
		for h := range p.fp {
			fp[h] = true
		}
	}
	return fp
}

// sameText reports whether two fingerprints are of the same text: most of
// the smaller sample is in the larger one.
func sameText(a, b map[uint64]bool) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < dupMinSample {
		return false
	}
	n := 0
	for h := range a {
		if b[h] {
			n++
		}
	}
	return float64(n) >= dupContainment*float64(len(a))
}

// markDuplicates finds works whose text another work holds and marks them
// as its duplicates. Of two copies the canonical one is the complete one,
// then the one with more words, then more chapters, then the earlier.
//
// Each sampled shingle remembers the first work it was seen in (its owner),
// and a work is compared only with the owners of its shingles, so the cost
// is linear in the text even when one story was posted hundreds of times.
func markDuplicates(works []*Assembled) {
	fps := make([]map[uint64]bool, len(works))
	owner := map[uint64]int{}
	root := func(i int) int {
		for works[i].DuplicateOf >= 0 {
			i = works[i].DuplicateOf
		}
		return i
	}
	type match struct {
		with  int
		share float64
	}
	matched := map[int]match{} // duplicate → what it matched, for its problem
	for i, a := range works {
		fps[i] = workFingerprint(a)
		if len(fps[i]) >= dupMinSample {
			shared := map[int]int{}
			for h := range fps[i] {
				if j, ok := owner[h]; ok {
					shared[root(j)]++
				}
			}
			best, bestN := -1, 0
			for j, n := range shared {
				small := min(len(fps[i]), len(fps[j]))
				if j != i && small >= dupMinSample && float64(n) >= dupContainment*float64(small) &&
					a.Work.Kind == works[j].Work.Kind && (best < 0 || n > bestN || (n == bestN && j < best)) {
					best, bestN = j, n
				}
			}
			if best >= 0 {
				share := float64(bestN) / float64(min(len(fps[i]), len(fps[best])))
				if better(works[i], works[best], i, best) {
					works[best].DuplicateOf = i
					matched[best] = match{i, share}
				} else {
					works[i].DuplicateOf = best
					matched[i] = match{best, share}
				}
			}
		}
		for h := range fps[i] {
			if _, ok := owner[h]; !ok {
				owner[h] = i
			}
		}
	}
	// Chains point at their root; each duplicate says what it repeats.
	for i := range works {
		if works[i].DuplicateOf < 0 {
			continue
		}
		canon := root(i)
		works[i].DuplicateOf = canon
		inheritFields(works[canon].Work, works[i].Work)
		works[i].Work.Problems = append(works[i].Work.Problems,
			fmt.Sprintf("%s: %.0f%% of its text is in %q", ProblemDuplicateWork, 100*matched[i].share, works[canon].Work.DisplayTitle()))
	}
}

// inheritFields gives the canonical copy what only its duplicate says: a
// repost often carries the title or byline the first posting lacked.
func inheritFields(canon, dup *fanarchive.Work) {
	take := func(field string, missing bool) bool {
		return missing || dup.Evidence[field].Confidence > canon.Evidence[field].Confidence
	}
	if dup.Title != "" && take(fanarchive.FieldTitle, canon.Title == "") {
		canon.Title = dup.Title
		canon.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: dup.Evidence[fanarchive.FieldTitle].Confidence,
			Via: "duplicate:" + dup.Evidence[fanarchive.FieldTitle].Via, Detail: dup.Title}
		canon.Problems = slices.DeleteFunc(canon.Problems, func(p string) bool { return p == ProblemNoTitle })
	}
	if len(dup.Authors) > 0 && take(fanarchive.FieldAuthors, len(canon.Authors) == 0) {
		canon.Authors = dup.Authors
		canon.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: dup.Evidence[fanarchive.FieldAuthors].Confidence,
			Via: "duplicate:" + dup.Evidence[fanarchive.FieldAuthors].Via, Detail: dup.Evidence[fanarchive.FieldAuthors].Detail}
		canon.Problems = slices.DeleteFunc(canon.Problems, func(p string) bool { return p == ProblemNoAuthor })
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
