package ingest

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive"
)

// Assembled is a work put together from pieces, with the pieces it was
// made from in chapter order.
type Assembled struct {
	Work   *fanarchive.Work
	Pieces []*Piece
	// Dropped are pieces that repeated a part already used (a repost of
	// part 7 in the same file); their bytes stay in their sources.
	Dropped []*Piece
	// DuplicateOf is the index, in Assemble's result, of the work this one
	// repeats, or -1.
	DuplicateOf int
}

// Assemble puts pieces together into works: the parts of one story become
// one work with ordered chapters, whether they were posted in one file or
// several; repeated parts are used once; a work whose text another work
// also holds (a repost, or a whole story its parts also hold) is marked as
// that work's duplicate. Pieces must carry their File and Seq; the result
// is in the order of each work's first piece, and is the same for the same
// input.
func Assemble(pieces []*Piece) []*Assembled {
	groups := groupInFiles(pieces)
	groups = mergeNumberedFiles(groups)
	groups = mergeAcrossFiles(groups)
	var out []*Assembled
	for _, g := range groups {
		out = append(out, build(g))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pieces[0], out[j].Pieces[0]
		return a.File < b.File || (a.File == b.File && a.Seq < b.Seq)
	})
	markDuplicates(out)
	return out
}

// group is pieces believed to be one work.
type group struct {
	pieces []*Piece
	title  string // normalised title key
	author string // normalised first author, "" when unknown
}

func (g *group) hasParts() bool {
	for _, p := range g.pieces {
		if p.HasPart {
			return true
		}
	}
	return false
}

// groupInFiles groups the pieces of each file: a piece joins the story
// before it when their titles agree (one title's words contain the
// other's) and their authors do not disagree, or when it has no title of
// its own, or when its part number continues the story's. Replies go on
// their own.
func groupInFiles(pieces []*Piece) []*group {
	var groups []*group
	var last *group // the current story of the current file
	lastFile := -1
	for _, p := range pieces {
		if p.File != lastFile {
			last, lastFile = nil, p.File
		}
		title, author := titleKey(p.Work.Title), authorKey(p.Work)
		// Kind is not compared: one part of a story may read like a
		// document (a part that is all log entries); the work's kind is
		// its pieces' majority, weighed by words.
		// A post that calls itself a document ("T'Selar comments") is the
		// story's companion, not its next part, unless it is numbered.
		document := !p.HasPart && otherTitle.MatchString(p.Work.Title) && !otherTitle.MatchString(firstTitle(last))
		if last != nil && (!p.Reply || ownFollowUp(last, p, author)) && !document &&
			((title == "" || similarTitles(title, last.title)) || continues(last, p)) &&
			(author == "" || last.author == "" || sameAuthor(author, last.author) || title == last.title) {
			last.pieces = append(last.pieces, p)
			if last.author == "" {
				last.author = author
			}
			if last.title == "" {
				last.title = title // the first part had no subject
			}
			continue
		}
		g := &group{pieces: []*Piece{p}, title: title, author: author}
		groups = append(groups, g)
		// A reply does not break the story before it; but a story posted
		// as a reply ("Re: could someone repost The Return?") is the
		// file's story when there was none.
		if !p.Reply || (last == nil && p.Work.Kind == fanarchive.KindFiction) {
			last = g
		}
	}
	return groups
}

// firstTitle is the title of a group's first piece, "" for no group.
func firstTitle(g *group) string {
	if g == nil {
		return ""
	}
	return g.pieces[0].Work.Title
}

// ownFollowUp reports whether a reply is the author following up their own
// post with the next part: the same author as the story it follows, and
// the same subject (less "Re:"), or the same title and a part marker
// ("Re: FROM THE ARCHIVES: TheReturn.zip (part 02/02)" after the author's
// "The Return").
func ownFollowUp(g *group, p *Piece, author string) bool {
	first := g.pieces[0]
	if author == "" || !sameAuthor(author, g.author) {
		return false
	}
	return strings.EqualFold(replyPrefix.ReplaceAllString(p.Subject, ""), replyPrefix.ReplaceAllString(first.Subject, "")) ||
		(p.HasPart && g.title != "" && titleKey(p.Work.Title) == g.title)
}

// continues reports whether p is the next part of the story g holds
// although their titles differ: p is numbered n ≥ 2 and g ends with part
// n-1, or g is n-1 unnumbered texts (parts posted without a subject).
func continues(g *group, p *Piece) bool {
	last := g.pieces[len(g.pieces)-1]
	if !p.HasPart {
		// An unnumbered post by the same author right after a story whose
		// parts say there are more to come ("MORE TNG vs. the Doomsday
		// Machines" after "(1/3)" and "Part 2").
		of := 0
		for _, q := range g.pieces {
			of = max(of, q.Part.Of)
		}
		return last.HasPart && of > max(last.Part.N, last.Part.Last) && authorKey(p.Work) != "" && sameAuthor(authorKey(p.Work), g.author)
	}
	if p.Part.N < 2 {
		return false
	}
	if last.HasPart {
		return max(last.Part.N, last.Part.Last) == p.Part.N-1
	}
	// Parts posted without a subject, then "Part 4": the three before
	// were parts 1 to 3 — if they read as fiction (a digest's table of
	// contents before "Lamplight (2/2)" is not part 1).
	for _, q := range g.pieces {
		if q.HasPart || q.Work.Kind != fanarchive.KindFiction {
			return false
		}
	}
	return len(g.pieces) == p.Part.N-1
}

// mergeAcrossFiles joins groups from different files that are parts of one
// story: the same title and author, both with part markers, and no part in
// common.
func mergeAcrossFiles(groups []*group) []*group {
	byKey := map[string]*group{}
	var out []*group
	for _, g := range groups {
		if !g.hasParts() || g.title == "" {
			out = append(out, g)
			continue
		}
		key := g.title + "\x00" + writerKey(g.author)
		if prev, ok := byKey[key]; ok && !overlap(prev, g) {
			prev.pieces = append(prev.pieces, g.pieces...)
			continue
		}
		byKey[key] = g
		out = append(out, g)
	}
	return out
}

// overlap reports whether two groups hold a part with the same number.
func overlap(a, b *group) bool {
	seen := map[string]bool{}
	for _, p := range a.pieces {
		if p.HasPart {
			seen[partID(p.Part)] = true
		}
	}
	for _, p := range b.pieces {
		if p.HasPart && seen[partID(p.Part)] {
			return true
		}
	}
	return false
}

// mergeNumberedFiles joins the files of a story saved as numbered files
// without part markers inside ("tide1.txt", "tide2.txt", "tide3.txt", each
// headed "Title: Tide Table"): whole-file stories with the same title and
// author, none with a part marker, whose file names differ only in a
// number. The numbers become their parts. A story alone, or with a sibling
// whose name does not fit, keeps its file to itself (a "voyager2.txt" is
// no part 2 on its own).
func mergeNumberedFiles(groups []*group) []*group {
	byKey := map[string][]int{}
	for i, g := range groups {
		if len(g.pieces) == 1 && g.pieces[0].Whole && !g.pieces[0].HasPart && g.title != "" {
			key := g.title + "\x00" + writerKey(g.author)
			byKey[key] = append(byKey[key], i)
		}
	}
	merged := map[int]bool{}
	for _, idx := range byKey {
		if len(idx) < 2 {
			continue
		}
		stem, nums, ok := "", make([]int, len(idx)), true
		seen := map[int]bool{}
		for k, i := range idx {
			st, n, found := numberedName(groups[i].pieces[0].Work.Sources[0].Name)
			if !found || (k > 0 && st != stem) || seen[n] {
				ok = false
				break
			}
			stem, nums[k], seen[n] = st, n, true
		}
		if ok {
			// Parts count from one, with a file or so lost at most: years
			// ("review88", "review92") number a series, not parts.
			lo, hi := slices.Min(nums), slices.Max(nums)
			ok = lo == 1 && hi <= len(nums)+1
		}
		for a := 0; ok && a < len(idx); a++ {
			for b := a + 1; ok && b < len(idx); b++ {
				// Copies of one text are reposts, not parts.
				ok = !sameText(groups[idx[a]].pieces[0].fp, groups[idx[b]].pieces[0].fp)
			}
		}
		if !ok {
			continue
		}
		first := groups[idx[0]]
		for k, i := range idx {
			p := groups[i].pieces[0]
			p.Part, p.HasPart = PartMarker{N: nums[k], Text: p.Work.Sources[0].Name}, true
			if k > 0 {
				first.pieces = append(first.pieces, p)
				merged[i] = true
			}
		}
	}
	if len(merged) == 0 {
		return groups
	}
	out := groups[:0:0]
	for i, g := range groups {
		if !merged[i] {
			out = append(out, g)
		}
	}
	return out
}

// numberedName splits a file name into its stem and the number it ends
// in, before the extension: "stories/tide2.txt" → "stories/tide", 2;
// "tide-03" → "tide-", 3.
func numberedName(name string) (stem string, n int, ok bool) {
	base := strings.TrimSuffix(name, path.Ext(name))
	i := len(base)
	for i > 0 && base[i-1] >= '0' && base[i-1] <= '9' {
		i--
	}
	if i == len(base) || len(base)-i > 3 {
		return "", 0, false
	}
	n, err := strconv.Atoi(base[i:])
	if err != nil || n == 0 {
		return "", 0, false
	}
	return base[:i], n, true
}

func partID(m PartMarker) string { return fmt.Sprintf("%d%s/%d", m.N, m.Sub, m.Role) }

// titleKey normalises a title for grouping: lower case, letters and digits,
// single spaces, no leading article.
func titleKey(title string) string {
	s := normKey(title)
	for _, a := range []string{"the ", "a ", "an "} {
		s = strings.TrimPrefix(s, a)
	}
	return s
}

// normKey is a title or name lower-cased, letters and digits only, single
// spaces.
func normKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case r == '\'' || r == '’':
			return -1
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// sameAuthor reports whether two author keys name one person as the same
// writer's posts do (see writerKey).
func sameAuthor(a, b string) bool { return writerKey(a) == writerKey(b) }

// writerKey reduces an author key to what one writer's names share: a
// title such as "dr" dropped, the first initial and the surname ("w v
// smith" and "dr william v smith", a copyright line and a From header,
// are both "w smith"). A one-word name stays as it is.
func writerKey(key string) string {
	f := strings.Fields(key)
	if len(f) > 0 {
		switch f[0] {
		case "dr", "mr", "mrs", "ms", "miss", "prof":
			f = f[1:]
		}
	}
	if len(f) < 2 {
		return key
	}
	r, _ := utf8.DecodeRuneInString(f[0])
	return string(r) + " " + f[len(f)-1]
}

// authorKey is a work's first author as a key: normKey, since a name's
// initial "A" is no article for titleKey to drop.
func authorKey(w *fanarchive.Work) string {
	if len(w.Authors) == 0 {
		return ""
	}
	return normKey(w.Authors[0].Name)
}

// similarTitles reports whether two title keys name the same story: equal,
// or one's words all appear in the other, which has at most two more
// ("delphi" and "real delphi"; not "q" and "q and the grail").
func similarTitles(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	if len(wb)-len(wa) > 2 {
		return false
	}
	set := map[string]bool{}
	for _, w := range wb {
		set[w] = true
	}
	for _, w := range wa {
		if !set[w] {
			return false
		}
	}
	return true
}
