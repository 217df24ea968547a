// Package search finds works. It has two halves: the query parser, which
// turns the search box's syntax (docs/search.md) into a Query that can be
// run safely, and the Engine, an in-memory index of every listed work's tags
// and sortable fields (compressed bitmaps per tag, a forward index from work
// to tags, sort orders) that answers filters, facet counts and pagination,
// while full-text matching and BM25 ranking are asked of the database
// through a Source. The database is the source of truth: the Engine is
// built from it at start and catches up with its change log before every
// search, so it sees every commit of every process.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive"
)

// Field is where a clause of the query box must match.
type Field string

// Fields a clause can name. Any is every indexed text: title, authors,
// summary and chapters.
const (
	FieldAny     Field = ""
	FieldTitle   Field = "title"
	FieldAuthors Field = "authors"
)

// Clause is one word or phrase of a query, lower-cased, made only of the
// characters the full-text index keeps (letters, digits, marks) separated
// by single spaces. A Clause with several words is a phrase.
type Clause struct {
	Field Field
	Text  string
}

// Query is a parsed search box.
type Query struct {
	Must    []Clause // every one must match
	MustNot []Clause // none may match

	IncludeTags []string // tag:"…", names as typed (trimmed)
	ExcludeTags []string // -tag:"…"

	// Notices explain how odd input was read, for the reader.
	Notices []string
}

// Empty reports whether the query selects nothing by itself (no clauses and
// no tags): the search is then the filters alone.
func (q *Query) Empty() bool {
	return len(q.Must) == 0 && len(q.MustNot) == 0 && len(q.IncludeTags) == 0 && len(q.ExcludeTags) == 0
}

// Parse reads the search box. It never fails on odd input: unbalanced
// quotes are closed at the end, operators without an operand and characters
// the index does not keep are dropped, unknown fields ("foo:bar") are read
// as words, and each such repair adds a Notice. It returns EINVALID only for
// input past fanarchive.MaxSearchTextLen bytes or with more than
// fanarchive.MaxSearchTerms terms, or that is not UTF-8.
func Parse(s string) (*Query, error) {
	if len(s) > fanarchive.MaxSearchTextLen {
		return nil, fanarchive.Errorf(fanarchive.EINVALID,
			"Your search is %d characters long; please keep it under %d.", utf8.RuneCountInString(s), fanarchive.MaxSearchTextLen)
	}
	if !utf8.ValidString(s) {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Your search contains characters that are not valid text.")
	}
	p := &parser{src: s, q: &Query{}}
	for p.next() {
		if p.terms > fanarchive.MaxSearchTerms {
			return nil, fanarchive.Errorf(fanarchive.EINVALID,
				"Your search has more than %d words and phrases; please use fewer.", fanarchive.MaxSearchTerms)
		}
	}
	return p.q, nil
}

type parser struct {
	src    string
	pos    int
	q      *Query
	terms  int
	noted  map[string]bool
	quoted bool // a quote was left open
}

// note adds a notice once.
func (p *parser) note(msg string) {
	if p.noted == nil {
		p.noted = map[string]bool{}
	}
	if !p.noted[msg] {
		p.noted[msg] = true
		p.q.Notices = append(p.q.Notices, msg)
	}
}

// next reads one term; it returns false at the end of the input.
func (p *parser) next() bool {
	for p.pos < len(p.src) && isSpace(p.src[p.pos:]) {
		_, n := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += n
	}
	if p.pos >= len(p.src) {
		return false
	}
	negate := false
	if p.src[p.pos] == '-' {
		negate = true
		p.pos++
		if p.pos >= len(p.src) || isSpace(p.src[p.pos:]) {
			p.note(`A "-" with nothing after it was ignored; write -word to leave out works with that word.`)
			return true
		}
	}
	var field string
	if c := p.fieldPrefix(); c != "" {
		field = c
	}
	value := p.value()
	p.terms++
	switch field {
	case "tag":
		name := strings.Join(strings.Fields(value), " ")
		if name == "" {
			p.note(`A "tag:" with no tag name after it was ignored; write tag:"Tag Name".`)
			return true
		}
		if negate {
			p.q.ExcludeTags = append(p.q.ExcludeTags, name)
		} else {
			p.q.IncludeTags = append(p.q.IncludeTags, name)
		}
		return true
	}
	f := FieldAny
	switch field {
	case "title":
		f = FieldTitle
	case "author":
		f = FieldAuthors
	}
	p.add(f, value, negate)
	return true
}

// fieldPrefix consumes and returns a known field name followed by ":" at
// the current position ("title", "author" or "tag"), or returns "".
func (p *parser) fieldPrefix() string {
	rest := p.src[p.pos:]
	i := strings.IndexByte(rest, ':')
	if i <= 0 || i > len("authors") {
		return ""
	}
	name := strings.ToLower(rest[:i])
	switch name {
	case "title", "author", "tag":
	case "authors", "tags":
		name = strings.TrimSuffix(name, "s")
	default:
		return ""
	}
	if i+1 >= len(rest) || isSpace(rest[i+1:]) {
		return "" // "title:" alone is a word
	}
	p.pos += i + 1
	return name
}

// value consumes a quoted phrase or a bare word.
func (p *parser) value() string {
	if p.src[p.pos] == '"' {
		p.pos++
		end := strings.IndexByte(p.src[p.pos:], '"')
		if end < 0 {
			p.note("The closing quote was missing, so the phrase was read to the end of your search.")
			v := p.src[p.pos:]
			p.pos = len(p.src)
			return v
		}
		v := p.src[p.pos : p.pos+end]
		p.pos += end + 1
		return v
	}
	start := p.pos
	for p.pos < len(p.src) && !isSpace(p.src[p.pos:]) {
		if p.src[p.pos] == '"' && p.pos > start {
			break // word"phrase": the quote starts the next term
		}
		_, n := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += n
	}
	if p.pos == start { // a lone quote at the end was handled above
		p.pos++
	}
	return p.src[start:p.pos]
}

// add turns text into a clause: a phrase is one clause, and so is a bare
// word that the index splits into several ("don't", "x-files"), which is
// searched for as the phrase it is in the text.
func (p *parser) add(f Field, text string, negate bool) {
	words := IndexWords(text)
	if len(words) == 0 {
		if strings.TrimSpace(text) != "" {
			p.note("Punctuation on its own (" + shorten(strings.TrimSpace(text)) + ") cannot be searched for and was ignored.")
		}
		return
	}
	c := Clause{Field: f, Text: strings.Join(words, " ")}
	if negate {
		p.q.MustNot = append(p.q.MustNot, c)
	} else {
		p.q.Must = append(p.q.Must, c)
	}
}

// IndexWords splits text the way the full-text index does (SQLite FTS5's
// unicode61 tokenizer): runs of letters, digits and marks, lower-cased;
// everything else separates words.
func IndexWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r))
	})
}

func isSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func shorten(s string) string {
	if len(s) <= 20 {
		return s
	}
	n := 20
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// String writes the query back in the search box's syntax, in a canonical
// form: Parse(q.String()) gives the same clauses and tags.
func (q *Query) String() string {
	var parts []string
	clause := func(c Clause, neg bool) {
		s := ""
		if neg {
			s = "-"
		}
		switch c.Field {
		case FieldTitle:
			s += "title:"
		case FieldAuthors:
			s += "author:"
		}
		if strings.Contains(c.Text, " ") {
			s += `"` + c.Text + `"`
		} else {
			s += c.Text
		}
		parts = append(parts, s)
	}
	for _, c := range q.Must {
		clause(c, false)
	}
	for _, c := range q.MustNot {
		clause(c, true)
	}
	for _, t := range q.IncludeTags {
		parts = append(parts, `tag:"`+strings.ReplaceAll(t, `"`, "")+`"`)
	}
	for _, t := range q.ExcludeTags {
		parts = append(parts, `-tag:"`+strings.ReplaceAll(t, `"`, "")+`"`)
	}
	return strings.Join(parts, " ")
}
