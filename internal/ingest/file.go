package ingest

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// trailingNumber is a title ending in a number: "Story 3", "Story.3", "Story #3".
var trailingNumber = regexp.MustCompile(`^(.*?\D)[\s.#_-]*(\d{1,3})$`)

// Piece is one story-shaped text found in a file: the whole file, one post
// of a mail or news file, or an HTML page. Pieces are what Assemble puts
// together into works: the parts of a story, reposts, replies.
type Piece struct {
	// Work is what the piece says on its own. Its only source is the whole
	// file; pieces of one file share that *Source.
	Work *fanarchive.Work
	// Part is the piece's place in a story, from its subject or title.
	Part    PartMarker
	HasPart bool
	// Start and End are the piece's byte range in the file; Whole is set
	// when it is the whole file.
	Start, End int
	Whole      bool
	Subject    string
	MessageID  string
	Reply      bool
	// PartTitle is what the subject says after the part marker: the part's
	// own title ("Part 5 of 8 - Prepare for assimilation").
	PartTitle string
	Date      time.Time
	// File and Seq place the piece: the index of its file in the import and
	// its position in that file.
	File, Seq int

	// Titles are the candidates the title was chosen from, scored: the
	// evidence behind the choice (fieldscore.go). Empty for HTML pages.
	Titles []TitleCandidate

	// fp is the piece's text fingerprint (see fingerprint), computed while
	// files are parsed in parallel rather than during assembly.
	fp map[uint64]bool
}

// ParseFile reads one file into pieces: an HTML page is one piece, a mail
// or news file one piece per post with text, anything else one piece of
// plain text. A post without story text is skipped; a file without any is
// an EUNREADABLE error, as is an over-large, empty or binary file.
func ParseFile(name string, raw []byte, opts Options) ([]*Piece, error) {
	if err := checkSize(raw, opts); err != nil {
		return nil, err
	}
	if LooksLikeHTML(raw) {
		w, pageTitle, err := parseHTMLPage(name, raw, opts)
		if err != nil {
			return nil, err
		}
		p := wholePiece(w, raw)
		if !p.HasPart && len(w.Chapters) == 1 {
			// One chapter page of a site's story: its <title> says which,
			// as a post's subject does ("Lamplight - Chapter 2").
			p.Part, p.HasPart = piecePart(pageTitle, w)
		}
		return []*Piece{p}, nil
	}
	posts, ok, err := SplitPosts(raw)
	if err != nil {
		return nil, err
	}
	if !ok || len(posts) == 0 {
		text, enc, err := Decode(raw)
		if err != nil {
			return nil, err
		}
		if pieces, err := anthologyPieces(name, raw, text, enc, opts); pieces != nil || err != nil {
			return pieces, err
		}
		src := fanarchive.NewSource(name, raw)
		src.Encoding = enc
		w, titles, err := parseBody(text, src, opts, envelope{})
		if err != nil {
			return nil, err
		}
		p := wholePiece(w, raw)
		p.Titles = titles
		return []*Piece{p}, nil
	}
	return parsePosts(name, raw, posts, opts)
}

// ParseMail reads raw, one message as a mailing list received it, into
// pieces as ParseFile reads a mail file, but without first asking whether
// it is an HTML page: a message whose body is HTML (which near its start
// looks like a page) is still a message, whose headers say who posted it
// and its subject. Input that is not mail at all is read as ParseFile
// reads it.
func ParseMail(name string, raw []byte, opts Options) ([]*Piece, error) {
	if err := checkSize(raw, opts); err != nil {
		return nil, err
	}
	if posts, ok, err := SplitPosts(raw); err == nil && ok && len(posts) > 0 && len(posts[0].Header) > 0 {
		return parsePosts(name, raw, posts, opts)
	}
	return ParseFile(name, raw, opts)
}

// parsePosts reads the posts SplitPosts found in raw: a piece per post
// with text.
func parsePosts(name string, raw []byte, posts []Post, opts Options) ([]*Piece, error) {
	src := fanarchive.NewSource(name, raw)
	var pieces []*Piece
	var firstErr error
	for _, p := range posts {
		text := p.Text
		if strings.TrimSpace(text) == "" && p.HTML != "" {
			text = prose.PlainText(p.HTML)
		}
		if src.Encoding == "" {
			src.Encoding = p.Encoding
		}
		env := envelope{Subject: validText(p.Subject), FromName: validText(p.From.Name), FromAddr: validText(p.From.Addr),
			Date: p.Date, Newsgroups: p.Newsgroups, Signature: p.Signature}
		var partTitle string
		env.SubjectTitle, env.SubjectAuthor, env.Reply, _, _, partTitle = subjectParts(env.Subject)
		w, titles, err := parseBody(text, src, opts, env)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		piece := &Piece{Work: w, Start: p.Start, End: p.End, Subject: env.Subject, MessageID: p.MessageID,
			Reply: env.Reply, Date: p.Date, Seq: len(pieces), PartTitle: partTitle, Titles: titles}
		piece.Part, piece.HasPart = piecePart(p.Subject, w)
		pieces = append(pieces, piece)
	}
	if len(pieces) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fanarchive.Errorf(fanarchive.EUNREADABLE, "No story text was found in any of the file's %d posts.", len(posts))
	}
	if len(pieces) == 1 && len(posts) == 1 {
		pieces[0].Whole = true
	}
	pieces = attachPreamble(pieces, posts)
	numberedParts(pieces)
	for _, p := range pieces {
		p.fp = fingerprint(p.Work)
	}
	return pieces, nil
}

// preambleWords is the most a headerless text before a file's first post
// may hold to be taken as a note about the posts rather than a work.
const preambleWords = 250

// attachPreamble turns a short text before a file's first post (an
// archivist's note, a forwarding remark) into a note on the next piece.
func attachPreamble(pieces []*Piece, posts []Post) []*Piece {
	if len(pieces) < 2 || len(posts) < 2 || len(posts[0].Header) > 0 || posts[0].Envelope != "" ||
		pieces[0].Start != posts[0].Start || pieces[0].Work.Words > preambleWords {
		return pieces
	}
	return notePreamble(pieces)
}

// notePreamble makes the first piece's text a note on the second, whose
// bytes then begin where the first's did, and drops the first.
func notePreamble(pieces []*Piece) []*Piece {
	pre, next := pieces[0].Work, pieces[1].Work
	var text []string
	for _, c := range pre.Chapters {
		text = append(text, prose.PlainText(c.Body))
	}
	label := "Note"
	for _, n := range pre.Notes {
		label = n.Label // "Archivist note: …" was read as a labelled note
		text = append([]string{n.Text}, text...)
	}
	next.Notes = append([]fanarchive.Note{{Label: label, Text: strings.Join(text, "\n\n")}}, next.Notes...)
	pieces[1].Start = pieces[0].Start // the note's bytes are the piece's now
	return pieces[1:]
}

// numberedParts reads a trailing number shared by several posts' titles in
// one file as their part number: "Better The Devil You Know 3",
// "GhostsFromThePast.4". Across files such numbers usually number a series
// of stories instead, so only one file's posts are read this way.
func numberedParts(pieces []*Piece) {
	type numbered struct {
		p    *Piece
		base string
		n    int
	}
	var found []numbered
	count := map[string]int{}
	for _, p := range pieces {
		if p.HasPart {
			continue
		}
		if m := trailingNumber.FindStringSubmatch(p.Work.Title); m != nil {
			n, _ := strconv.Atoi(m[2])
			base := strings.TrimSpace(m[1])
			found = append(found, numbered{p, base, n})
			count[titleKey(base)]++
		}
	}
	for _, f := range found {
		if count[titleKey(f.base)] >= 2 && f.n > 0 {
			f.p.Part, f.p.HasPart = PartMarker{N: f.n, Text: f.p.Work.Title[len(f.base):]}, true
			f.p.Work.Title = f.base
		}
	}
}

// validText returns s as valid UTF-8: header bytes that are not UTF-8 are
// read as the 8-bit encoding Decode picks for them.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if text, _, err := Decode([]byte(s)); err == nil && utf8.ValidString(text) {
		return text
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// wholePiece wraps a work made from a whole file.
func wholePiece(w *fanarchive.Work, raw []byte) *Piece {
	p := &Piece{Work: w, End: len(raw), Whole: true, fp: fingerprint(w)}
	p.Part, p.HasPart = piecePart("", w)
	return p
}

// piecePart finds a piece's part marker in its subject, else in its title,
// and takes it out of the title: "Trek Wars Part II" is part 2 of "Trek
// Wars".
func piecePart(subject string, w *fanarchive.Work) (PartMarker, bool) {
	m, ok := FindPartMarker(subject)
	if ev := w.Evidence[fanarchive.FieldTitle]; !ok && ev.Via == guessViaPartHeading {
		m, ok = FindPartMarker(ev.Detail) // the heading the title was read from
	}
	if tm, tok := FindPartMarker(w.Title); tok {
		if stripped := StripPartMarker(w.Title); stripped != "" {
			w.Title = stripped
		}
		if !ok {
			m, ok = tm, true
		}
	}
	if !ok {
		m, ok = labelledPart(w)
	}
	return m, ok
}

// labelledPart reads a header's "Part: 2 of 3" ("Chapter: 4", "Part: II")
// as the piece's place, taking the field out of the notes, where the text
// rules put labels without a field of their own.
func labelledPart(w *fanarchive.Work) (PartMarker, bool) {
	for i, n := range w.Notes {
		label := strings.ToLower(n.Label)
		if label != "part" && label != "chapter" && label != "parts" && label != "chapters" {
			continue
		}
		v := strings.TrimSpace(n.Text)
		if len(v) > 40 {
			return PartMarker{}, false
		}
		m, ok := FindPartMarker(v)
		if !ok {
			m, ok = FindPartMarker(n.Label + " " + v)
		}
		if ok && m.N > 0 {
			w.Notes = append(w.Notes[:i:i], w.Notes[i+1:]...)
			return m, true
		}
		return PartMarker{}, false
	}
	return PartMarker{}, false
}
