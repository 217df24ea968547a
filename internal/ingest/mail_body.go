package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // registers MIME charset decoders with go-message
	"github.com/emersion/go-message/textproto"

	"fanarchive/internal/prose"
)

// mailBody is a decoded message body, before quotes and signature are taken
// out of its text.
type mailBody struct {
	text, html, enc string
	mime            bool
}

// maxMIMEDepth bounds the nesting of multipart entities a message may have.
const maxMIMEDepth = 16

var errMIMEEmpty = errors.New("MIME structure holds no part")

// decodeMailBody decodes body as the header fields describe it. Without MIME
// headers the bytes are text in whatever 8-bit encoding Decode detects. With
// them, go-message undoes quoted-printable and base64 and converts declared
// charsets; multipart/alternative keeps its text/plain alternative (or else
// its text/html one), other multiparts keep every text part, and parts that
// are not text (images, archives) are left out. When the MIME structure is
// broken (an unreadable base64 part, a multipart that never finds its
// boundary, nesting deeper than maxMIMEDepth) the whole body is read as
// plain text instead, so no text is ever lost.
func decodeMailBody(fields []mailField, body []byte) mailBody {
	var h textproto.Header
	isMIME := false
	for _, f := range fields {
		switch f.name {
		case "Content-Type":
			isMIME = true
			h.Add(f.name, f.value)
		case "Content-Transfer-Encoding":
			switch strings.ToLower(f.value) {
			case "", "7bit", "8bit", "binary":
			default:
				isMIME = true
			}
			h.Add(f.name, f.value)
		case "Content-Disposition", "Mime-Version":
			h.Add(f.name, f.value)
		}
	}
	if isMIME {
		if b, err := decodeMIME(h, body); err == nil {
			return b
		}
	}
	text, enc := decodeMailText(body, "", false)
	return mailBody{text: text, enc: enc}
}

// mailPiece is the decoded content of one text part.
type mailPiece struct {
	html      bool
	text, enc string
}

// mimeWalk collects the text parts of a MIME entity tree.
type mimeWalk struct {
	pieces    []mailPiece
	skipped   int  // parts that are not text
	digestCut bool // a multipart/digest ended early: the splitter made posts of its messages
}

// decodeMIME decodes a MIME entity whose header is h.
func decodeMIME(h textproto.Header, body []byte) (mailBody, error) {
	e, err := message.New(message.Header{Header: h}, bytes.NewReader(body))
	var w mimeWalk
	if err := w.collect(e, err, 0); err != nil {
		return mailBody{}, err
	}
	if len(w.pieces) == 0 && w.skipped == 0 && len(bytes.TrimSpace(body)) > 0 {
		return mailBody{}, errMIMEEmpty
	}
	b := mailBody{mime: true}
	var texts, htmls []string
	for _, p := range w.pieces {
		if b.enc == "" {
			b.enc = p.enc
		}
		if p.html {
			htmls = append(htmls, p.text)
		} else if strings.TrimSpace(p.text) != "" {
			texts = append(texts, p.text)
		}
	}
	if len(texts) == 0 && len(htmls) > 0 {
		b.html = prose.Sanitize(strings.Join(htmls, "\n"))
		b.text = prose.PlainText(b.html)
		return b, nil
	}
	for _, h := range htmls {
		// HTML beside a text part of a multipart/mixed message: keep its words.
		texts = append(texts, prose.PlainText(prose.Sanitize(h)))
	}
	b.text = strings.Join(texts, "\n\n")
	return b, nil
}

// collect adds the text of e, and of its parts if it is a multipart, to w.
// newErr is the error go-message gave when it made e: an unknown charset or
// transfer encoding leaves the body as it was, to be decoded here.
func (w *mimeWalk) collect(e *message.Entity, newErr error, depth int) error {
	if newErr != nil && !message.IsUnknownCharset(newErr) && !message.IsUnknownEncoding(newErr) {
		return newErr
	}
	if e == nil {
		return errMIMEEmpty
	}
	if depth > maxMIMEDepth {
		return errors.New("MIME parts nested too deep")
	}
	mt, params, _ := e.Header.ContentType()
	if mr := e.MultipartReader(); mr != nil {
		var alternatives [][]mailPiece
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil && (mt == "multipart/digest" || w.digestCut) {
				// The digest's messages are posts of their own (see
				// SplitPosts): this body was cut at its first one.
				w.digestCut = true
				break
			}
			var sub mimeWalk
			if err := sub.collect(part, err, depth+1); err != nil {
				return err
			}
			w.skipped += sub.skipped
			w.digestCut = w.digestCut || sub.digestCut
			if mt == "multipart/alternative" {
				alternatives = append(alternatives, sub.pieces)
			} else {
				w.pieces = append(w.pieces, sub.pieces...)
			}
		}
		w.pieces = append(w.pieces, chooseAlternative(alternatives)...)
		return nil
	}
	if mt == "message/rfc822" || mt == "message/news" {
		inner, err := message.Read(e.Body)
		if inner == nil {
			return err
		}
		return w.collect(inner, err, depth+1)
	}
	if mt != "" && !strings.HasPrefix(mt, "text/") {
		w.skipped++
		return nil
	}
	data, err := io.ReadAll(e.Body)
	if err != nil {
		return err
	}
	declared := params["charset"]
	converted := declared != "" && newErr == nil && strings.HasPrefix(mt, "text/")
	text, enc := decodeMailText(data, declared, converted)
	w.pieces = append(w.pieces, mailPiece{html: mt == "text/html", text: text, enc: enc})
	return nil
}

// chooseAlternative picks one alternative of a multipart/alternative: the
// first with a text/plain part, else the first with any text.
func chooseAlternative(alts [][]mailPiece) []mailPiece {
	for _, a := range alts {
		for _, p := range a {
			if !p.html {
				return a
			}
		}
	}
	for _, a := range alts {
		if len(a) > 0 {
			return a
		}
	}
	return nil
}

// decodeMailText turns body bytes into UTF-8 and names their encoding.
// converted says go-message already decoded them from the declared charset.
// Otherwise valid UTF-8 is kept (named as declared, e.g. "us-ascii"), and
// other bytes, whatever was declared, are decoded by Decode's 8-bit
// detection: mail labelled us-ascii or utf-8 that is really windows-1252
// was common.
func decodeMailText(data []byte, declared string, converted bool) (text, enc string) {
	declared = strings.ToLower(strings.TrimSpace(declared))
	if declared == "utf-8" || declared == "us-ascii" {
		converted = false // go-message passes these through as they are
	}
	if converted || utf8.Valid(data) {
		enc = declared
		if enc == "" {
			enc = EncUTF8
		}
		text = fixC1(strings.TrimPrefix(string(data), "\ufeff"))
		if converted && !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		return text, enc
	}
	if text, enc, err := Decode(data); err == nil {
		return fixC1(strings.ToValidUTF8(text, "\uFFFD")), enc
	}
	return decode8bit(data), EncWindows1252
}
