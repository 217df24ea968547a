package ingest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
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
}

var (
	// Words in a subject, title or file name that name a kind of document.
	otherTitle = regexp.MustCompile(`(?i)\b(?:review|reviews|rev|faq|f\.a\.q|frequently\s+asked|list|lists|listing|guide|episode\s+guide|timeline|chronology|encyclopa?edia|drinking\s+game|drinking|interview|info|information|technical|manual|index|quiz|trivia|bibliography|synopsis|announcement|announcing|convention|for\s+sale|wanted|filks?|song\s*book|lyrics|songs|newsletter|digest|schedule|rumou?rs?|questions|answers|glossary|dictionary|biographies|analysis|discussion|episodes)\b`)
	// Newsgroups whose posts are fiction, or are not.
	fictionGroup = regexp.MustCompile(`(?i)\b(?:creative|fiction|fanfic|stories|writing)\b`)
	otherGroup   = regexp.MustCompile(`(?i)\.(?:reviews?|info|answers|announce|tech|current|misc|marketplace|d)\b`)

	quoteMark    = regexp.MustCompile(`["“”]`)
	speakerLine  = regexp.MustCompile(`(?m)^\s*([A-Z][A-Za-z.'-]{1,20}(?: [A-Z][A-Za-z.'-]{1,20})?)\s*:\s+\S`)
	saidWords    = regexp.MustCompile(`(?i)\b(?:said|asked|replied|answered|whispered|shouted|muttered|nodded|smiled|looked|turned|walked|sighed|frowned|grinned|laughed|stared)\b`)
	thirdPerson  = regexp.MustCompile(`(?i)\b(?:he|she|his|her|him|they|their)\b`)
	opinionWords = regexp.MustCompile(`(?i)\b(?:i\s+thought|i\s+think|i\s+liked|i\s+loved|i\s+hated|in\s+my\s+opinion|imho|imo|this\s+episode|the\s+episode|this\s+week'?s|the\s+show|the\s+series|season|the\s+writers|the\s+actors?|the\s+script|the\s+plot|overall|rating)\b`)
	ratingLine   = regexp.MustCompile(`(?im)^\s*(?:plot|plot handling|characterization|technical|acting|total|overall|rating)\s*:\s*\d|\b\d+(?:\.\d+)?\s*/\s*(?:10|5|4)\b(?:\s*[^/\d]|$)|\b\d\s+(?:out\s+of|of)\s+(?:10|5|4)\b`)
	listLine     = regexp.MustCompile(`(?m)^\s*(?:[-*•o+]\s+\S|\d{1,3}[.)]\s+\S|[a-z][.)]\s+\S|\d{1,4}\s*[-:]\s+\S|.+\s{3,}\S.*\s{3,}\S)`)
	questionLine = regexp.MustCompile(`(?m)^\s*(?:q[.:)]|question\s*\d*[.:]|\d{1,3}[.)]\s+.*\?\s*$)`)
	filkWords    = regexp.MustCompile(`(?i)\bto\s+the\s+tune\s+of\b|\bfilk\b|\(tune:`)
	drinkWords   = regexp.MustCompile(`(?i)\b(?:take\s+a\s+drink|drink\s+(?:once|twice)|chug|take\s+a\s+(?:shot|sip)|finish\s+your\s+drink|whenever)\b`)
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
	// Titles and subjects name their kind more surely than file names do.
	for i, l := range in.labels {
		if m := otherTitle.FindString(l); m != "" {
			w := -3.0
			if i == len(in.labels)-1 && len(in.labels) > 1 {
				w = -2.0 // the file name
			}
			add(fmt.Sprintf("%q in %q", strings.ToLower(m), truncateLabel(l)), w)
			break
		}
	}
	if in.reply {
		add("a reply (Re:)", -1.0)
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

	text := in.text
	words := prose.CountWords(text)
	if words == 0 {
		return Classification{Kind: fanarchive.KindOther, Score: 0, Features: []string{"no text"}}
	}
	per1k := func(n int) float64 { return float64(n) * 1000 / float64(words) }
	// Rates measured on a few dozen words say little: text features count
	// in full from 400 words, and proportionally less below.
	reliability := math.Min(1, float64(words)/400)
	addText := func(name string, w float64) { add(name, w*reliability) }
	lines := strings.Split(text, "\n")
	nonBlank := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			nonBlank++
		}
	}
	share := func(n int) float64 { return float64(n) / float64(max(nonBlank, 1)) }

	quotes := per1k(len(quoteMark.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("quotation marks %.0f/1k words", quotes), clamp((quotes-8)*0.12, -1.2, 2.5))
	speakers, distinct := speakerLabels(text)
	script := share(speakers)
	if script >= 0.1 && distinct <= speakers/3 {
		addText(fmt.Sprintf("script: %.0f%% of lines are speakers' names", script*100), clamp(script*6, 0, 2.5))
	} else if script >= 0.1 {
		addText(fmt.Sprintf("labelled lines %.0f%%", script*100), -clamp((script-0.1)*5, 0, 2))
	}
	said := per1k(len(saidWords.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("narrative verbs %.1f/1k words", said), clamp((said-2)*0.4, -1.2, 2))
	third := per1k(len(thirdPerson.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("he/she/they %.0f/1k words", third), clamp((third-25)*0.05, -1.5, 1.5))
	opinion := per1k(len(opinionWords.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("opinion words %.1f/1k", opinion), -clamp((opinion-1)*0.6, 0, 3))
	ratings := len(ratingLine.FindAllStringIndex(text, -1))
	addText(fmt.Sprintf("%d rating marks", ratings), -clamp(float64(ratings)*0.4, 0, 2))
	list := share(len(listLine.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("list-shaped lines %.0f%%", list*100), -clamp((list-0.15)*6, 0, 3))
	questions := share(len(questionLine.FindAllStringIndex(text, -1)))
	addText(fmt.Sprintf("question lines %.0f%%", questions*100), -clamp(questions*15, 0, 2))
	if v := verseShare(lines); v >= 0.5 {
		// A poem is a work of its own; a collection of filks is caught by
		// its tunes and titles instead.
		add(fmt.Sprintf("verse %.0f%% of lines", v*100), 1.0)
	}
	if filkWords.MatchString(text) {
		addText("filk", -1.5)
	}
	if n := len(drinkWords.FindAllStringIndex(text, -1)); n >= 3 {
		addText(fmt.Sprintf("drinking-game phrases ×%d", n), -2)
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

// verseShare is the share of non-blank lines that stand in runs of at
// least three short lines: poetry and lyrics, not hard-wrapped prose.
func verseShare(lines []string) float64 {
	verse, nonBlank, run := 0, 0, 0
	flush := func() {
		if run >= 3 {
			verse += run
		}
		run = 0
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			flush()
			continue
		case len(t) < 55:
			run++
		default:
			flush()
		}
		nonBlank++
	}
	flush()
	if nonBlank == 0 {
		return 0
	}
	return float64(verse) / float64(nonBlank)
}

// speakerLabels counts lines that begin with a short label and a colon
// ("PICARD: Make it so.", "Q: Why?") and how many different labels there
// are: a script repeats a few names, a list or FAQ has many labels.
func speakerLabels(text string) (lines, distinct int) {
	seen := map[string]bool{}
	for _, m := range speakerLine.FindAllStringSubmatch(text, -1) {
		lines++
		seen[strings.ToLower(m[1])] = true
	}
	return lines, len(seen)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func truncateLabel(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
