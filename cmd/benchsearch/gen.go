package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"fanarchive"
)

// The synthetic archive. Everything is derived from the seed, so the
// serving phase (a separate process) can rebuild the vocabulary and the tag
// lists to make its queries without reading them back.

// stopWords are the 100 most frequent words of the generated text, as in
// English prose.
var stopWords = strings.Fields(`the of and to a in is it you that he was for on are with as his they be at one
have this from or had by not word but what some we can out other were all there when up use your how said an
each she which do their time if will way about many then them write would like so these her long make thing see
him two has look more day could go come did number sound no most people my over know water than call first who
may down side been now find`)

// vocabSize is the number of distinct words of the generated text.
const vocabSize = 20000

// syllables make the invented words of the vocabulary and the names.
var syllables = strings.Fields("ka lo mi ra ten vel sor dan bri ala mor eth ish quin tal ver sul bel nor cas dre fen gil hal ion jor kel lun mar nev")

// invent makes the i-th invented word: distinct for every i.
func invent(i int) string {
	var b strings.Builder
	for {
		b.WriteString(syllables[i%len(syllables)])
		i /= len(syllables)
		if i == 0 {
			return b.String()
		}
		i--
	}
}

// vocabulary returns the words in rank order: the stop words, then
// invented ones.
func vocabulary() []string {
	v := append([]string{}, stopWords...)
	for i := 0; len(v) < vocabSize; i++ {
		v = append(v, invent(i+len(syllables)*len(syllables))) // three syllables and up
	}
	return v
}

// Tag counts by kind: about 50,000 in all.
var tagShape = []struct {
	kind fanarchive.TagKind
	n    int
}{
	{fanarchive.TagFandom, 2000},
	{fanarchive.TagCharacter, 14000},
	{fanarchive.TagRelationship, 12000},
	{fanarchive.TagFreeform, 21988},
	{fanarchive.TagWarning, 6},
	{fanarchive.TagCategory, 6},
}

// tagNames returns the names of the tags of each kind, most popular first.
func tagNames() map[fanarchive.TagKind][]string {
	out := map[fanarchive.TagKind][]string{}
	name := func(i int) string {
		w := invent(i + 500)
		return strings.ToUpper(w[:1]) + w[1:]
	}
	for _, s := range tagShape {
		names := make([]string, s.n)
		for i := range names {
			switch s.kind {
			case fanarchive.TagFandom:
				names[i] = "Fandom " + name(i)
			case fanarchive.TagCharacter:
				names[i] = name(i) + " " + name(i*7+3)
			case fanarchive.TagRelationship:
				sep := "/"
				if i%5 == 4 {
					sep = " & "
				}
				names[i] = name(i*3+1) + " " + name(i*11+2) + sep + name(i*5+3) + " " + name(i*13+7)
			case fanarchive.TagFreeform:
				names[i] = "Trope " + name(i) + " " + name(i/3)
			case fanarchive.TagWarning:
				names[i] = "Warning " + name(i)
			case fanarchive.TagCategory:
				names[i] = "Category " + name(i)
			}
		}
		out[s.kind] = names
	}
	return out
}

// generator makes works.
type generator struct {
	rng     *rand.Rand
	vocab   []string
	tags    map[fanarchive.TagKind][]string
	words   *rand.Zipf // rank in vocab
	zipf    map[fanarchive.TagKind]*rand.Zipf
	authors int
	start   time.Time
}

func newGenerator(seed uint64) *generator {
	rng := rand.New(rand.NewPCG(seed, 0xfa))
	g := &generator{
		rng: rng, vocab: vocabulary(), tags: tagNames(),
		words:   rand.NewZipf(rng, 1.07, 2, vocabSize-1),
		zipf:    map[fanarchive.TagKind]*rand.Zipf{},
		authors: 200000,
		start:   time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, s := range tagShape {
		g.zipf[s.kind] = rand.NewZipf(rng, 1.1, 4, uint64(s.n-1))
	}
	return g
}

// text returns n words of Zipf-distributed text.
func (g *generator) text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.vocab[g.words.Uint64()])
	}
	return b.String()
}

// tag draws a tag of a kind by popularity.
func (g *generator) tag(kind fanarchive.TagKind) fanarchive.Tag {
	return fanarchive.Tag{Kind: kind, Name: g.tags[kind][g.zipf[kind].Uint64()]}
}

// work makes the i-th work: 5–40 tags (one or two fandoms, one warning,
// one category, the rest relationships, characters and freeform tags),
// log-normal word counts (median about 3,000), a few hundred words of text.
func (g *generator) work(i int) *fanarchive.Work {
	r := g.rng
	w := &fanarchive.Work{
		Kind:     fanarchive.KindFiction,
		Title:    strings.Join(strings.Fields(g.text(2+r.IntN(3))), " "),
		Authors:  []fanarchive.Author{{Name: "Writer " + invent(r.IntN(g.authors))}},
		Summary:  g.text(20 + r.IntN(30)),
		Rating:   []fanarchive.Rating{fanarchive.RatingGeneral, fanarchive.RatingTeen, fanarchive.RatingTeen, fanarchive.RatingMature, fanarchive.RatingExplicit, fanarchive.RatingNotRated}[r.IntN(6)],
		Language: []string{"en", "en", "en", "en", "en", "en", "en", "en", "es", "fr"}[r.IntN(10)],
		Words:    int(math.Min(math.Exp(8+1.3*r.NormFloat64()), 2e6)) + 1,
		Complete: r.IntN(10) < 7,
	}
	w.Published = g.start.Add(time.Duration(r.Int64N(int64(30 * 365 * 24 * time.Hour))))
	w.Updated = w.Published.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
	n := 5 + r.IntN(36)
	w.Tags = append(w.Tags, g.tag(fanarchive.TagFandom), g.tag(fanarchive.TagWarning), g.tag(fanarchive.TagCategory))
	if r.IntN(4) == 0 {
		w.Tags = append(w.Tags, g.tag(fanarchive.TagFandom))
	}
	for len(w.Tags) < n {
		switch k := r.IntN(10); {
		case k < 3:
			w.Tags = append(w.Tags, g.tag(fanarchive.TagCharacter))
		case k < 5:
			w.Tags = append(w.Tags, g.tag(fanarchive.TagRelationship))
		default:
			w.Tags = append(w.Tags, g.tag(fanarchive.TagFreeform))
		}
	}
	var body strings.Builder
	words := 0
	for p := 0; p < 2+r.IntN(5); p++ {
		n := 40 + r.IntN(60)
		fmt.Fprintf(&body, "<p>%s.</p>\n", g.text(n))
		words += n
	}
	w.Chapters = []*fanarchive.Chapter{{Number: 1, Body: body.String(), Words: words}}
	w.Begins = strings.Join(strings.Fields(g.text(12)), " ")
	_ = i
	return w
}
