package ingest

import (
	_ "embed"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"fanarchive"
	"fanarchive/internal/logreg"
)

// The title is chosen by scoring candidates, not by the order rules run
// in: every source that offers a title (a Title: label, the lines above a
// byline, a layout guess such as a centred line, the subject, an acronym
// spelt out) gives a candidate, each candidate is described by features (its source, the
// source's own confidence, how many other sources agree, its length and
// case, words that mark notes), and a logistic model fitted on labelled
// files scores it. The highest score wins. The weights live in
// title_model.json, written by `go run ./cmd/scoreimport -fit`; see
// docs/import-accuracy.md for how they were fitted and cross-validated.

// TitleCandidate is one value a source offers for a piece's title.
type TitleCandidate struct {
	Title string `json:"title"`
	// Via names the source, as Evidence.Via does.
	Via string `json:"via"`
	// Prior is the source's own confidence, before scoring.
	Prior float64 `json:"prior"`
	// Features are what the scorer reads, one per TitleFeatures name.
	Features []float64 `json:"features"`
	// Score is the model's chance that this is the title, among the
	// piece's candidates.
	Score float64 `json:"score"`

	detail string
	para   int // paragraph it was read from; -1 for the envelope
}

// TitleFeatures names the features of a TitleCandidate, in order.
var TitleFeatures = []string{
	"bias",
	"source:label", "source:byline", "source:layout", "source:subject", "source:acronym",
	"prior", "agree", "words", "long", "caps", "colon", "quoted", "notes-word", "name-shape",
	"reply", "position",
}

//go:embed title_model.json
var titleModelJSON []byte

// titleModel is the fitted model, read once; a model that does not fit
// TitleFeatures is a build mistake caught by TestTitleModel.
var titleModel = sync.OnceValue(func() logreg.Model {
	var m logreg.Model
	if err := json.Unmarshal(titleModelJSON, &m); err != nil || m.Check(TitleFeatures) != nil {
		panic("ingest: title_model.json does not fit TitleFeatures; refit with go run ./cmd/scoreimport -fit")
	}
	return m
})

// notesWord marks a line that describes the post rather than naming it.
var notesWord = regexp.MustCompile(`(?i)\b(?:notes?|warning|disclaimer|posted|repost|reposting|sequel|summary|review|rated|copyright|feedback|comments?|request|spoilers?)\b`)

// gatherTitles collects every title a piece's sources offer.
func gatherTitles(h frontMatter, env envelope, bodyStart int, w *fanarchive.Work) []TitleCandidate {
	var cs []TitleCandidate
	add := func(title, via, detail string, prior float64, para int) {
		if title = strings.TrimSpace(title); title == "" || len(title) > 200 {
			return
		}
		cs = append(cs, TitleCandidate{Title: title, Via: via, Prior: prior, detail: detail, para: para})
	}
	for _, hf := range h.fields {
		if hf.field == fieldTitle && hf.value != "" {
			add(unquote(hf.value), "header:"+hf.label, hf.value, confLabelled, 0)
			break
		}
	}
	if h.guessedTitle != "" {
		conf, via, from := h.guessedConf, h.guessedVia, h.guessedFrom
		if conf == 0 {
			conf = confGuess
		}
		if via == "" {
			via = guessViaByline
		}
		if from == "" {
			from = h.guessedTitle
		}
		add(cleanTitle(h.guessedTitle), via, from, conf, max(bodyStart-1, 0))
	}
	if env.SubjectTitle != "" {
		add(env.SubjectTitle, "subject", env.Subject, subjectTitleConfidence(env.SubjectTitle), -1)
	}
	if ev := w.Evidence[fanarchive.FieldTitle]; ev.Via == "subject:acronym" {
		add(w.Title, ev.Via, ev.Detail, ev.Confidence, -1)
	}
	for i := range cs {
		cs[i].Features = titleFeatures(cs[i], cs, env)
	}
	return cs
}

// titleFeatures describes candidate c among all of a piece's candidates.
func titleFeatures(c TitleCandidate, all []TitleCandidate, env envelope) []float64 {
	f := make([]float64, len(TitleFeatures))
	f[0] = 1
	one := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	switch {
	case strings.HasPrefix(c.Via, "header:"):
		f[1] = 1
	case c.Via == guessViaByline || c.Via == viaTitleLine:
		f[2] = 1
	case c.Via == "subject":
		f[4] = 1
	case c.Via == "subject:acronym":
		f[5] = 1
	default: // centred, name-under, part heading, late byline: layout guesses
		f[3] = 1
	}
	f[6] = c.Prior
	key := titleKey(stripPartOrSelf(c.Title))
	seen := map[string]bool{c.Via: true}
	agree := 0
	for _, o := range all {
		if !seen[o.Via] && titleKey(stripPartOrSelf(o.Title)) == key {
			seen[o.Via] = true
			agree++
		}
	}
	f[7] = float64(min(agree, 3)) / 3
	words := len(strings.Fields(c.Title))
	f[8] = math.Log1p(float64(words)) / 3
	f[9] = one(words > 8)
	letters, upper := 0, 0
	for _, r := range c.Title {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	f[10] = one(letters > 3 && upper == letters)
	f[11] = one(strings.Contains(c.Title, ":"))
	f[12] = one(strings.ContainsAny(c.detail[:min(len(c.detail), 2)], `"“'`))
	f[13] = one(notesWord.MatchString(c.Title))
	f[14] = one(personName(c.Title))
	f[15] = one(env.Reply)
	if c.para >= 0 {
		f[16] = float64(min(c.para, 10)) / 10
	}
	return f
}

// stripPartOrSelf is StripPartMarker, or the title itself when the
// marker is all there is.
func stripPartOrSelf(title string) string {
	if s := StripPartMarker(title); s != "" {
		return s
	}
	return title
}

// RulesTitleWeights returns weights for TitleFeatures that choose as the
// sources' own confidences do (the rules before scoring): the fit starts
// from them and is pulled back towards them, so a feature moves the choice
// only where the labelled files show it should.
func RulesTitleWeights() []float64 {
	w := make([]float64, len(TitleFeatures))
	w[6] = 10 // prior
	return w
}

// scoreTitles scores the candidates and sets the work's title to the best
// one. With no candidate the work is left as the rules made it.
func scoreTitles(w *fanarchive.Work, cs []TitleCandidate) {
	if len(cs) == 0 {
		return
	}
	xs := make([][]float64, len(cs))
	for i := range cs {
		xs[i] = cs[i].Features
	}
	ps := titleModel().Choice(xs)
	best := 0
	for i, p := range ps {
		cs[i].Score = math.Round(p*1000) / 1000
		if p > ps[best] {
			best = i
		}
	}
	b := cs[best]
	if w.Title == b.Title && w.Evidence[fanarchive.FieldTitle].Via == b.Via {
		return
	}
	w.Title = b.Title
	w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: b.Prior, Via: b.Via, Detail: b.detail}
}
