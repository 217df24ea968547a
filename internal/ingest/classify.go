package ingest

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"fanarchive"
)

// Classification says whether a text is a story or another kind of
// document, and why: every feature that moved the score, with its weight.
type Classification struct {
	Kind  fanarchive.Kind
	Score float64 // probability-like, 0 (surely other) to 1 (surely fiction)
	// Features that contributed, strongest first: "dialogue 38% (+1.9)".
	Features []string
}

// Confidence is how far the score is from the threshold, 0.5 to 1.
func (c Classification) Confidence() float64 { return 0.5 + math.Abs(c.Score-0.5) }

// Evidence renders the classification for Work.Evidence.
func (c Classification) Evidence() fanarchive.Evidence {
	return fanarchive.Evidence{
		Confidence: math.Round(c.Confidence()*100) / 100,
		Via:        "classifier",
		Detail:     fmt.Sprintf("score %.2f: %s", c.Score, strings.Join(c.Features, ", ")),
	}
}

// classifierInput is what the classifier reads: the title-ish strings
// (subject, title, file name) and the story text.
type classifierInput struct {
	labels     []string // subject, title, newsgroups, file name
	newsgroups []string
	text       string
	reply      bool // a reply to another post ("Re: …")
	// linkShare is the share of a page's lines that link to other pages:
	// an index of stories, not a story.
	linkShare float64
}

var (
	// Words in a subject, title or file name that name a kind of document.
	otherTitle = regexp.MustCompile(`(?i)\b(?:review|reviews|rev|faq|f\.a\.q|frequently\s+asked|list|lists|listing|guide|episode\s+guide|timeline|chronology|encyclopa?edia|drinking\s+game|drinking|interview|info|information|technical|manual|index|quiz|trivia|bibliography|synopsis|announcement|announcing|convention|for\s+sale|wanted|filks?|song\s*book|lyrics|songs|newsletter|digest|schedule|rumou?rs?|questions|answers|glossary|dictionary|biographies|analysis|discussion|episodes|comments|afterword|errata|corrections|catalog(?:ue)?|checklist|quotes|quotations|top\s+(?:ten|10|twenty|20)|press\s+release)\b`)
	// Newsgroups whose posts are fiction, or are not.
	fictionGroup = regexp.MustCompile(`(?i)\b(?:creative|fiction|fanfic|stories|writing)\b`)
	otherGroup   = regexp.MustCompile(`(?i)\.(?:reviews?|info|answers|announce|tech|current|misc|marketplace|d)\b`)
)

// classify scores a text as fiction or other. The model is a hand-tuned
// logistic score over features an archivist can check: words in the title,
// subject or file name that name a kind of document, the newsgroup, and
// rates measured on the text (quotation marks, narrative verbs, third-person
// pronouns, opinion words, rating marks, list-shaped and question lines,
// script layout, filk and drinking-game phrases), each weighted by how much
// text there is to measure. The threshold is 0.5; the confidence (how far
// from it) puts doubtful texts in front of an archivist.
func classify(in classifierInput) Classification {
	type contrib struct {
		name   string
		weight float64
	}
	var cs []contrib
	add := func(name string, w float64) {
		if w != 0 {
			cs = append(cs, contrib{name, w})
		}
	}
	// Titles, subjects and file name extensions (".rev", ".faq") name their
	// kind more surely than the rest of a file name does.
	for i, l := range in.labels {
		w := -3.0
		if i == len(in.labels)-1 && len(in.labels) > 1 {
			l = path.Base(filepath.ToSlash(l)) // the file name
			if ext := path.Ext(l); ext != "" && otherTitle.MatchString(ext[1:]) {
				add(fmt.Sprintf("file name extension %q", ext), w)
				break
			}
			w = -2.0
		}
		if m := otherTitle.FindString(l); m != "" {
			add(fmt.Sprintf("%q in %q", strings.ToLower(m), truncateLabel(l)), w)
			break
		}
	}
	if in.reply {
		add("a reply (Re:)", -1.0)
	}
	if in.linkShare >= 0.3 {
		add(fmt.Sprintf("links to other pages on %.0f%% of lines (an index)", in.linkShare*100), -clamp((in.linkShare-0.2)*5, 0, 2.5))
	}
	for _, g := range in.newsgroups {
		if fictionGroup.MatchString(g) {
			add("fiction newsgroup "+g, 1.5)
			break
		}
		if otherGroup.MatchString(g) {
			add("non-fiction newsgroup "+g, -1.5)
			break
		}
	}

	st := measureText(in.text)
	words := st.words
	if words == 0 {
		return Classification{Kind: fanarchive.KindOther, Score: 0, Features: []string{"no text"}}
	}
	per1k := func(n int) float64 { return float64(n) * 1000 / float64(words) }
	// Rates measured on a few dozen words say little: text features count
	// in full from 400 words, and proportionally less below.
	reliability := math.Min(1, float64(words)/400)
	addText := func(name string, w float64) { add(name, w*reliability) }
	share := func(n int) float64 { return float64(n) / float64(max(st.nonBlank, 1)) }

	// Quotation marks are dialogue only beside narrative verbs; references
	// quote titles.
	// A script or screenplay has no narration: its speakers' names say it
	// is fiction, and the narration features would only say it is not.
	playScript := false
	if caps := share(st.capsNames); caps >= 0.08 && len(st.speakerNames) <= st.capsNames/3 {
		addText(fmt.Sprintf("screenplay: %.0f%% of lines are speakers' names in capitals", caps*100), clamp(caps*10, 0, 2.5))
		playScript = caps >= 0.15
	}
	script := share(st.speakers)
	records := st.fieldLines*2 > st.speakers // "Registry: NCC-11574", "Class: Apollo": a reference's entries
	if script >= 0.1 && len(st.speakerNames) <= st.speakers/3 && !records {
		addText(fmt.Sprintf("script: %.0f%% of lines are speakers' names", script*100), clamp(script*6, 0, 2.5))
		playScript = playScript || script >= 0.2
	} else if script >= 0.1 && records {
		addText(fmt.Sprintf("labelled lines %.0f%%, mostly short values (records)", script*100), -clamp((script-0.05)*8, 0, 2.5))
	} else if script >= 0.1 {
		addText(fmt.Sprintf("labelled lines %.0f%%", script*100), -clamp((script-0.1)*5, 0, 2))
	}
	quotes, said, speech := per1k(st.quotes), per1k(st.said), per1k(st.speech)
	if !playScript {
		// Quotation marks count as dialogue beside narrative verbs, or when
		// the quotations are speech: they close on a sentence's punctuation
		// ("…again," `."`), where a review's quote titles ("Darmok").
		dialogue := math.Min(quotes, math.Max(said*6, speech*1.5))
		addText(fmt.Sprintf("dialogue: quotation marks %.0f/1k words with narrative verbs %.1f/1k, closing speech %.1f/1k", quotes, said, speech), clamp((dialogue-8)*0.1, -1, 1.5))
		if tensed := st.past + st.present; tensed >= 10 {
			past := float64(st.past) / float64(tensed)
			addText(fmt.Sprintf("past tense %.0f%% of was/is", past*100), clamp((past-0.45)*5, -1.5, 1.5))
		}
		addText(fmt.Sprintf("narrative verbs %.1f/1k words", said), clamp((said-2)*0.5, -1.5, 2.5))
		third := per1k(st.third)
		addText(fmt.Sprintf("he/she/they %.0f/1k words", third), clamp((third-25)*0.05, -1.5, 1.5))
	}
	opinion := per1k(st.opinion)
	addText(fmt.Sprintf("opinion words %.1f/1k", opinion), -clamp((opinion-1)*0.6, 0, 3))
	addText(fmt.Sprintf("%d rating marks", st.rating), -clamp(float64(st.rating)*0.4, 0, 2))
	list := share(st.listLines)
	addText(fmt.Sprintf("list-shaped lines %.0f%%", list*100), -clamp((list-0.15)*6, 0, 3))
	questions := share(st.questions)
	addText(fmt.Sprintf("question lines %.0f%%", questions*100), -clamp(questions*15, 0, 2))
	if v := share(st.verse); v >= 0.5 && list < 0.3 {
		// A poem is a work of its own; a collection of filks is caught by
		// its tunes and titles instead.
		add(fmt.Sprintf("verse %.0f%% of lines", v*100), 1.0)
	}
	if st.compiled {
		add("compiled/updated/version near the top (a reference)", -2)
	}
	if st.filk {
		addText("filk", -1.5)
	}
	if st.drink >= 3 {
		addText(fmt.Sprintf("drinking-game phrases ×%d", st.drink), -2)
	}
	sum := 0.5 // a prior: archives hold mostly stories
	for _, c := range cs {
		sum += c.weight
	}
	score := 1 / (1 + math.Exp(-sum))
	sort.SliceStable(cs, func(i, j int) bool { return math.Abs(cs[i].weight) > math.Abs(cs[j].weight) })
	out := Classification{Kind: fanarchive.KindFiction, Score: math.Round(score*1000) / 1000}
	if score < 0.5 {
		out.Kind = fanarchive.KindOther
	}
	for _, c := range cs {
		if math.Abs(c.weight) >= 0.05 {
			out.Features = append(out.Features, fmt.Sprintf("%s (%+.1f)", c.name, c.weight))
		}
	}
	return out
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func truncateLabel(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
