// Package ingest turns legacy story files into works. Each format has a
// small pure parser (plain text here; news, mbox and HTML build on it) that
// takes a file's name and raw bytes and returns a *fanarchive.Work with its
// fields' evidence and the problems an archivist should review. Parsers do
// no I/O and never panic on bad input: anything they cannot read is an
// EUNREADABLE error naming what is wrong with the file.
package ingest

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// DefaultMaxBytes is the largest file the importer reads unless told
// otherwise. Story files are kilobytes; a file past this is a dump or a
// mistake, and is reported rather than half-read.
const DefaultMaxBytes = 64 << 20

// Options are choices that apply to every file of an import.
type Options struct {
	// Fandom, Archive and List are what the archivist knows about where the
	// files came from. They override what a file says about itself.
	Fandom  string
	Archive string
	List    string
	// Language is the BCP 47 tag of the works; "en" when empty.
	Language string
	// MaxBytes limits the size of one file; DefaultMaxBytes when zero.
	MaxBytes int64
}

// Problems an archivist is shown. They are stable strings, so that the
// review queue can group works by problem.
const (
	ProblemNoTitle      = "no title found"
	ProblemNoAuthor     = "no author found"
	ProblemNoFandom     = "no fandom found"
	ProblemRatingName   = "rating not recognised"
	ProblemTitleTooLong = "title too long; kept as a note"
)

// Confidence levels, named so every rule states its certainty the same way.
const (
	confLabelled = 1.0  // an explicit, labelled field or the archivist's flag
	confByline   = 0.9  // a "by X" line in the header
	confFooter   = 0.85 // a pattern in the footer
	confDefault  = 0.8  // nothing said otherwise
	confGuess    = 0.6  // a title guessed from layout
	confInferred = 0.5  // deduced from something else, e.g. a list's name
	confNone     = 0.0  // nothing found
)

// How a title was guessed from the text's layout, for the evidence.
const (
	guessViaByline      = "guess:line-above-byline"
	guessViaCentred     = "guess:centred"
	guessViaNameUnder   = "guess:title-above-name"
	guessViaPartHeading = "guess:part-heading" // Detail holds the heading, part marker and all
)

// postedForRe is a poster saying whose story they post: "I'm posting
// this for Kate Orman", "posted on behalf of Ann Lee", "forwarded for".
var postedForRe = regexp.MustCompile(`(?i)\b(?:post(?:ing|ed)?|forward(?:ing|ed)?|send(?:ing)?|sent)\s+(?:this\s+|it\s+|the\s+following\s+)?(?:story\s+|fic\s+|piece\s+)?(?:for|on\s+behalf\s+of)\s+((?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3}))`)

// viaPostedFor is the evidence of an author someone else posted for.
const viaPostedFor = "byline:posted-for"

// postedFor finds the author a poster names in the first paragraphs.
func postedFor(ps []para) []string {
	for k := 0; k < len(ps) && k < 3; k++ {
		if len(ps[k].lines) > 8 {
			continue
		}
		if m := postedForRe.FindStringSubmatch(ps[k].text()); m != nil {
			if names, _ := authorNames(m[1]); len(names) == 1 {
				return names
			}
		}
	}
	return nil
}

// storyOfPart is what follows a part marker that names the story it is part
// of: ` of "Stars…"`, `, the last section, of "Stars…"`.
var storyOfPart = regexp.MustCompile(`(?i)^\W*(?:[^"“]{0,30}?\s)?of\s+(.+)$`)

// partHeadingTitle reads a title from a heading line that also numbers the
// part: "ENTERPRISE vs GALACTICA, chapter 1 of 6", "SECTION ONE OF \"STARS
// AND BLIGHTS FOREVER\":". It returns the title and the whole line.
func partHeadingTitle(p para) (title, line string, ok bool) {
	line, ok = headingLine(p)
	if !ok || len(line) > 100 {
		return "", "", false
	}
	m, found := FindPartMarker(line)
	if !found {
		return "", "", false
	}
	t := line[:m.Start]
	if of := storyOfPart.FindStringSubmatch(line[m.End:]); of != nil {
		t = of[1] // "Here's Section Three of \"Stars and Blights Forever\""
	}
	t = cleanTitle(strings.TrimRight(t, " \t,;:-–—([{"))
	if t == "" || !titleLike(para{lines: []string{t}}) || strings.IndexFunc(t, unicode.IsLetter) < 0 {
		return "", "", false
	}
	return t, line, true
}

// ParseText parses one plain-text story file: a labelled header and/or
// byline, the story, and a footer of feedback requests and list promotion.
func ParseText(name string, raw []byte, opts Options) (*fanarchive.Work, error) {
	if err := checkSize(raw, opts); err != nil {
		return nil, err
	}
	text, enc, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	src := fanarchive.NewSource(name, raw)
	src.Encoding = enc
	w, _, err := parseBody(text, src, opts, envelope{})
	return w, err
}

// checkSize refuses a file over the import limit.
func checkSize(raw []byte, opts Options) error {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if int64(len(raw)) > maxBytes {
		return fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %s; the import limit is %s per file.", humanBytes(int64(len(raw))), humanBytes(maxBytes))
	}
	return nil
}

// parseBody parses decoded story text taken from src (the whole file, or
// one post of it, whose headers env describes) into a work.
//
// It also returns the title candidates the work's title was chosen from
// (fieldscore.go).
func parseBody(text string, src *fanarchive.Source, opts Options, env envelope) (*fanarchive.Work, []TitleCandidate, error) {
	ps := paragraphs(undoubleSpace(dropPageMarks(unbox(normalise(text)))))
	h, bodyStart := parseHeader(ps)
	if h.authors == nil && !h.has(fieldAuthor) {
		if f, ok := lateByline(ps, bodyStart); ok {
			h.authors, h.authorsVia, h.contact = f.names, f.via, f.contact
			if f.title != "" && h.guessedTitle == "" {
				h.guessedTitle, h.guessedConf = f.title, f.titleConf
			}
			h.preface, bodyStart = f.preface, f.end
		} else if title, names, end, ok := capsTitleAndName(ps, bodyStart); ok && h.guessedTitle == "" && !h.has(fieldTitle) && sameWriter(names[0], env.FromName) {
			h.guessedTitle, h.guessedConf, h.guessedVia = title, confInferred, guessViaNameUnder
			h.authors, h.authorsVia, bodyStart = names, viaNameUnder, end
		} else if h.guessedTitle == "" && !h.has(fieldTitle) {
			if title, preface, end, ok := centredTitle(ps, bodyStart); ok {
				h.guessedTitle, h.guessedConf, h.guessedVia = title, confInferred, guessViaCentred
				h.preface, bodyStart = preface, end
			}
		}
	}
	if h.authors == nil && !h.has(fieldAuthor) {
		// "I'm posting this for Kate Orman, who can't post": the poster is
		// not the author.
		if names := postedFor(ps); names != nil {
			h.authors, h.authorsVia = names, viaPostedFor
		}
	}
	if h.guessedTitle == "" && !h.has(fieldTitle) {
		// "ENTERPRISE vs GALACTICA, chapter 1 of 6" heading a post.
		for k := 0; k < len(ps) && k < max(bodyStart+1, 3); k++ {
			if title, line, ok := partHeadingTitle(ps[k]); ok {
				h.guessedTitle, h.guessedConf, h.guessedVia, h.guessedFrom = title, confGuess, guessViaPartHeading, line
				if k == bodyStart {
					bodyStart++
				}
				break
			}
		}
	}
	f, bodyEnd := parseFooter(ps, bodyStart)
	body := ps[bodyStart:bodyEnd]

	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Complete: true, Evidence: map[string]fanarchive.Evidence{}}
	lay := measure(body)
	var plain []string
	for _, ct := range splitChapters(body) {
		blocks := lay.blocks(ct.paras)
		if len(blocks) == 0 {
			continue
		}
		w.Chapters = append(w.Chapters, &fanarchive.Chapter{
			Number: len(w.Chapters) + 1,
			Title:  ct.title,
			Body:   prose.HTML(blocks),
			Text:   prose.BlockText(blocks, math.MaxInt),
			Words:  prose.BlockWords(blocks),
		})
		if w.Begins == "" {
			w.Begins = prose.Opening(prose.BlockText(blocks, 200), 40)
		}
		for _, p := range ct.paras {
			plain = append(plain, p.lines...)
		}
	}
	if len(w.Chapters) == 0 {
		return nil, nil, fanarchive.Errorf(fanarchive.EUNREADABLE, "No story text was found (%d paragraphs, all header or footer).", len(ps))
	}
	for _, c := range w.Chapters {
		w.Words += c.Words
	}
	w.Evidence[fanarchive.FieldChapters] = fanarchive.Evidence{Confidence: confDefault, Via: fmt.Sprintf("headings:%d", len(w.Chapters))}
	w.Sources = []*fanarchive.Source{src}
	applyFront(w, h)
	expandAcronym(w, env.Subject, env.SubjectTitle, ps[:min(len(ps), bodyStart+prefaceParas)])
	applyEnvelope(w, env)
	titles := gatherTitles(h, env, bodyStart, w)
	scoreTitles(w, titles)
	applyFooter(w, f)
	inferGroupFandom(w, env.Newsgroups)
	applyOptions(w, opts)
	c := classify(classifierInput{
		labels:     []string{w.Title, env.Subject, src.Name},
		newsgroups: env.Newsgroups,
		text:       strings.Join(plain, "\n"),
		reply:      env.Reply,
	})
	w.Kind = c.Kind
	w.Evidence[fanarchive.FieldKind] = c.Evidence()
	if w.Kind == fanarchive.KindOther && w.Title == "" {
		// A document's first short line is usually its name ("STAR TREK
		// LOCATIONS"); good enough to find it by, and reviewed.
		for _, p := range ps[:min(len(ps), 5)] {
			if titleLike(p) && !isSeparator(p) {
				w.Title = cleanTitle(p.text())
				w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: confInferred, Via: "guess:first-line", Detail: p.text()}
				break
			}
		}
	}
	fillDefaults(w)
	fitLimits(w)
	return w, titles, nil
}

// fitLimits moves values that exceed the domain's limits to where they fit,
// so that a parsed work always validates and nothing is dropped: an
// over-long title or tag becomes a note, with a problem saying so.
func fitLimits(w *fanarchive.Work) {
	if len(w.Title) > fanarchive.MaxTitleLen {
		w.Notes = append(w.Notes, fanarchive.Note{Label: "Title", Text: w.Title})
		w.Problems = append(w.Problems, ProblemTitleTooLong)
		w.Title = ""
	}
	if len(w.Summary) > fanarchive.MaxSummaryLen {
		w.Notes = append(w.Notes, fanarchive.Note{Label: "Summary", Text: w.Summary})
		w.Summary = ""
	}
	kept := w.Tags[:0]
	for _, t := range w.Tags {
		if len(t.Name) > fanarchive.MaxTagNameLen {
			w.Notes = append(w.Notes, fanarchive.Note{Label: string(t.Kind), Text: t.Name})
			continue
		}
		kept = append(kept, t)
	}
	w.Tags = kept
	for i := range w.Notes {
		if n := &w.Notes[i]; len(n.Text) > fanarchive.MaxNoteLen {
			cut := fanarchive.MaxNoteLen
			for cut > 0 && !utf8.RuneStart(n.Text[cut]) {
				cut--
			}
			n.Text = n.Text[:cut] // the raw source keeps the rest
		}
	}
	if len(w.Notes) > fanarchive.MaxNotes {
		w.Notes = w.Notes[:fanarchive.MaxNotes]
	}
	if len(w.Chapters) > fanarchive.MaxChapters {
		// Join the surplus onto the last chapter rather than lose it.
		last := w.Chapters[fanarchive.MaxChapters-1]
		for _, c := range w.Chapters[fanarchive.MaxChapters:] {
			last.Body += c.Body
			last.Words += c.Words
		}
		w.Chapters = w.Chapters[:fanarchive.MaxChapters]
	}
}

// splitList splits a field value such as "Clark/Lex, Chloe; Lana" at commas
// and semicolons (and at extra separators given), dropping empty items.
func splitList(value string, extra *regexp.Regexp) []string {
	var out []string
	for _, item := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' }) {
		parts := []string{item}
		if extra != nil {
			parts = extra.Split(item, -1)
		}
		for _, p := range parts {
			if p = strings.TrimFunc(p, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".\"'*_", r) }); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

var (
	andSep      = regexp.MustCompile(`\s+and\s+|\s*&\s*`)
	fandomSep   = regexp.MustCompile(`\s*/\s*|\s+&\s+|\s+x\s+`)
	noWarnings  = regexp.MustCompile(`(?i)^(?:none|no|n/a|nothing|no warnings?|no archive warnings apply)$`)
	emptyValues = regexp.MustCompile(`(?i)^(?:none|n/a|-+|\?+)$`)
)

// applyFront fills the work from the header's fields and byline.
func applyFront(w *fanarchive.Work, h frontMatter) {
	addTags := func(kind fanarchive.TagKind, names []string) {
		for _, n := range names {
			if !emptyValues.MatchString(n) {
				w.Tags = appendTag(w.Tags, fanarchive.Tag{Kind: kind, Name: n})
			}
		}
	}
	hasRating := false
	for _, hf := range h.fields {
		hasRating = hasRating || hf.field == fieldRating
	}
	for _, warning := range h.warnings {
		w.Notes = appendNote(w.Notes, fanarchive.Note{Label: "Warning", Text: warning})
		if m := warnedRating.FindStringSubmatch(warning); m != nil && !hasRating && w.RatingOriginal == "" {
			setRating(w, m[1], "header:warning")
		}
	}
	for _, hf := range h.fields {
		via := "header:" + hf.label
		if hf.field == fieldClassification {
			// A rating when it reads as one and no Rating field says
			// otherwise; else the story's codes, kept as tags.
			if _, ok := NormaliseRating(hf.value); ok && !hasRating {
				hf.field = fieldRating
			} else {
				hf.field = fieldFreeform
			}
		}
		switch hf.field {
		case fieldTitle:
			if w.Title == "" && hf.value != "" {
				w.Title = unquote(hf.value)
				w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: confLabelled, Via: via, Detail: hf.value}
			}
		case fieldAuthor:
			if names, contact := authorNames(hf.value); len(names) > 0 && len(w.Authors) == 0 {
				w.Authors = authorsOf(names)
				w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confLabelled, Via: via, Detail: hf.value}
				if contact != "" {
					setFeedback(w, contact, via)
				}
			}
		case fieldRating:
			if w.RatingOriginal != "" {
				break
			}
			rating, rest := storyInfo(hf.value)
			setRating(w, rating, via)
			for _, seg := range rest {
				if lang := languageTag(seg); len(lang) == 2 && w.Language == "" {
					w.Language = lang
				}
			}
			if len(rest) > 0 {
				w.Notes = appendNote(w.Notes, fanarchive.Note{Label: "Story info", Text: strings.Join(rest, " - ")})
			}
		case fieldFandom:
			addTags(fanarchive.TagFandom, splitList(hf.value, fandomSep))
			if len(w.TagsOf(fanarchive.TagFandom)) > 0 {
				w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confLabelled, Via: via, Detail: hf.value}
			}
		case fieldRelationship:
			addTags(fanarchive.TagRelationship, splitList(hf.value, nil))
		case fieldCharacter:
			addTags(fanarchive.TagCharacter, splitList(hf.value, andSep))
		case fieldWarning:
			for _, n := range splitList(hf.value, nil) {
				if noWarnings.MatchString(n) {
					n = "No Archive Warnings Apply"
				}
				w.Tags = appendTag(w.Tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: n})
			}
		case fieldCategory:
			addTags(fanarchive.TagCategory, splitList(hf.value, nil))
		case fieldFreeform:
			addTags(fanarchive.TagFreeform, splitList(hf.value, nil))
		case fieldSummary:
			if hf.value != "" {
				w.Summary = joinText(w.Summary, hf.value)
				w.Evidence[fanarchive.FieldSummary] = fanarchive.Evidence{Confidence: confLabelled, Via: via}
			}
		case fieldFeedback:
			setFeedback(w, hf.value, via)
		case fieldLanguage:
			w.Language = languageTag(hf.value)
		case fieldArchiveName:
			w.Sources[0].Archive = hf.value
			w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confLabelled, Via: via}
		case fieldList:
			w.Sources[0].List = hf.value
			w.Evidence[fanarchive.FieldList] = fanarchive.Evidence{Confidence: confLabelled, Via: via}
		case fieldNote:
			if hf.value != "" {
				w.Notes = append(w.Notes, fanarchive.Note{Label: hf.label, Text: hf.value})
			}
		}
	}
	if len(w.Authors) == 0 && len(h.authors) > 0 {
		w.Authors = authorsOf(h.authors)
		conf := confByline
		switch h.authorsVia {
		case viaSigned, viaNameUnder:
			conf = confGuess
		case "byline":
		default:
			conf = confLateBy
		}
		w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: conf, Via: h.authorsVia, Detail: strings.Join(h.authors, ", ")}
	}
	if h.contact != "" {
		setFeedback(w, h.contact, h.authorsVia)
	}
	if w.Title == "" && h.guessedTitle != "" {
		conf := h.guessedConf
		if conf == 0 {
			conf = confGuess
		}
		via, from := h.guessedVia, h.guessedFrom
		if via == "" {
			via = guessViaByline
		}
		if from == "" {
			from = h.guessedTitle
		}
		w.Title = cleanTitle(h.guessedTitle)
		w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: conf, Via: via, Detail: from}
	}
	if h.preface != "" {
		w.Notes = append(w.Notes, fanarchive.Note{Label: prefaceLabel, Text: h.preface})
	}
}

// storyInfo splits a rating field that carries a whole line of story facts,
// as FanFiction.Net prints it ("Rated: T - English - Drama - Chapters: 2 -
// Words: 900"), into the rating and the other facts. A value without such
// a line is all rating.
func storyInfo(value string) (rating string, rest []string) {
	segs := strings.Split(value, " - ")
	if len(segs) < 2 {
		return value, nil
	}
	if _, ok := NormaliseRating(segs[0]); !ok {
		return value, nil
	}
	for _, s := range segs[1:] {
		if s = strings.TrimSpace(s); s != "" {
			rest = append(rest, s)
		}
	}
	return strings.TrimSpace(segs[0]), rest
}

// unquote removes quotation marks around a whole title: "\"Bestseller\"".
func unquote(s string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"_", "_"}} {
		if len(s) > len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) &&
			!strings.Contains(s[len(q[0]):len(s)-len(q[1])], q[0]) {
			return strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
		}
	}
	return s
}

// applyFooter fills provenance from the footer. Labelled fields at the end
// of a story are end notes.
func applyFooter(w *fanarchive.Work, f footer) {
	if f.feedback != "" {
		setFeedback(w, f.feedback, f.feedbackVia)
	}
	src := w.Sources[0]
	if f.list != "" && src.List == "" {
		src.List = f.list
		w.Evidence[fanarchive.FieldList] = fanarchive.Evidence{Confidence: confFooter, Via: f.listVia, Detail: f.list}
	}
	if f.archive != "" && src.Archive == "" {
		src.Archive = f.archive
		w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confFooter, Via: f.archiveVia, Detail: f.archive}
	}
	for _, hf := range f.fields {
		if hf.field == fieldNote && hf.value != "" {
			w.Notes = append(w.Notes, fanarchive.Note{Label: hf.label, Text: hf.value})
		}
	}
	if f.listFandom != "" && len(w.TagsOf(fanarchive.TagFandom)) == 0 {
		w.Tags = appendTag(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: f.listFandom, Inferred: true})
		w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confInferred, Via: "inferred:list-description", Detail: f.list}
	}
}

// applyOptions applies what the archivist said about the whole import.
func applyOptions(w *fanarchive.Work, opts Options) {
	src := w.Sources[0]
	if opts.Fandom != "" {
		// The flag replaces a guess, and joins fandoms the file names.
		kept := w.Tags[:0]
		for _, t := range w.Tags {
			if !(t.Kind == fanarchive.TagFandom && t.Inferred) {
				kept = append(kept, t)
			}
		}
		w.Tags = appendTag(kept, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: opts.Fandom})
		w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confLabelled, Via: "flag:--fandom", Detail: opts.Fandom}
	}
	if opts.Archive != "" {
		src.Archive = opts.Archive
		w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confLabelled, Via: "flag:--archive"}
	}
	if opts.List != "" {
		src.List = opts.List
		w.Evidence[fanarchive.FieldList] = fanarchive.Evidence{Confidence: confLabelled, Via: "flag:--list"}
	}
	if opts.Language != "" {
		w.Language = opts.Language
	}
}

// fillDefaults settles what nothing named, and lists what is missing.
func fillDefaults(w *fanarchive.Work) {
	if w.Language == "" {
		w.Language = "en"
	}
	if w.Rating == "" {
		w.Rating = fanarchive.RatingNotRated
		w.Evidence[fanarchive.FieldRating] = fanarchive.Evidence{Confidence: confDefault, Via: "default:no-rating-given"}
	}
	settleProblems(w)
}

// setRating normalises a rating field, keeping the original.
func setRating(w *fanarchive.Work, value, via string) {
	w.RatingOriginal = value
	r, ok := NormaliseRating(value)
	w.Rating = r
	if ok {
		w.Evidence[fanarchive.FieldRating] = fanarchive.Evidence{Confidence: confLabelled, Via: via, Detail: value}
		return
	}
	w.Problems = append(w.Problems, fmt.Sprintf("%s: %q", ProblemRatingName, value))
	w.Evidence[fanarchive.FieldRating] = fanarchive.Evidence{Confidence: confInferred, Via: via, Detail: value}
}

// setFeedback records the first feedback contact found; an address beats a
// name found earlier, since it is what a relay needs.
func setFeedback(w *fanarchive.Work, contact, via string) {
	contact = strings.TrimSpace(contact)
	if contact == "" {
		return
	}
	if w.FeedbackContact == "" || (!strings.Contains(w.FeedbackContact, "@") && strings.Contains(contact, "@")) {
		w.FeedbackContact = contact
		w.Evidence[fanarchive.FieldFeedback] = fanarchive.Evidence{Confidence: confFooter, Via: via}
	}
	// The file's own record keeps what its first work says; a file of
	// several posts may hold works by several authors.
	if src := w.Sources[0]; src.FeedbackContact == "" {
		src.FeedbackContact = contact
	}
}

func authorsOf(names []string) []fanarchive.Author {
	out := make([]fanarchive.Author, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, fanarchive.Author{Name: n})
		}
	}
	return out
}

// appendTag adds t unless a tag of the same kind and name (ignoring case)
// is already there.
func appendTag(tags []fanarchive.Tag, t fanarchive.Tag) []fanarchive.Tag {
	for _, have := range tags {
		if have.Kind == t.Kind && strings.EqualFold(have.Name, t.Name) {
			return tags
		}
	}
	return append(tags, t)
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

// languageTag turns a language field ("English", "en", "Deutsch") into a
// BCP 47 tag for the common cases, or keeps the value as written.
func languageTag(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "english", "en", "eng":
		return "en"
	case "german", "deutsch", "de":
		return "de"
	case "french", "français", "francais", "fr":
		return "fr"
	case "spanish", "español", "espanol", "es":
		return "es"
	}
	return strings.TrimSpace(v)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
