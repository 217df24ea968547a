// Package records is a list's records room: it reads each post of a
// mailing list with the importer's parser and classifier (package ingest)
// and files the stories among them as works of the archive, the parts of
// one story posted over days joined into one work in part order
// (fanarchive.ListStoryService). Discussion — replies, reviews, anything the
// classifier does not call a story — is not filed: it stays in the list's
// message archive, which is the list engine's. See docs/lists.md.
package records

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/privacy"
)

// Room files list posts as works.
type Room struct {
	Store  fanarchive.Store
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Post is one list post to file.
type Post struct {
	ListID    int64
	ListName  string // the list's short name, "level3": in source names
	ListTitle string // "Level Three", for the work's notes and its sources' provenance ("Posted to Level Three")
	// Fandoms are the list's fandoms: a story that names none gets them,
	// marked inferred, as the importer infers fandoms from newsgroups.
	Fandoms []string
	// Raw is the whole message as received. It is kept byte for byte as a
	// source of the work it is filed in.
	Raw []byte
	// UserID is the poster's account when their From address is a
	// confirmed account's address, else 0. A story by an account is by
	// its default pseud and owned by it; others are by a legacy author
	// named as the byline or From header says, the address kept private.
	UserID int64
	// ReceivedAt is when the list received the post: the date of a post
	// without a Date header, and its source's ImportedAt. Zero means now.
	ReceivedAt time.Time
}

// Filed is what became of a post.
type Filed struct {
	Fiction bool  // the classifier said story (and the post is no reply)
	WorkID  int64 // 0 when not filed
	// Chapter is the position of the chapter this post became (1-based);
	// for a repost of a part, the chapter of the part it repeats.
	Chapter int
	// New is set when the post started a new work; false when a part
	// joined (or repeated one of) an existing work.
	New bool
	// Repeat is set when the story held this part already: the post's
	// bytes were kept as a further source and no chapter was added.
	Repeat bool
	// Reason says why the post was not filed, or what was doubtful about
	// how it was, for logs and moderators.
	Reason string
	// Err is the refusal, when the post could not be read or stored (an
	// EUNREADABLE or EINVALID error, or ECONFLICT from the store). File
	// returns it too.
	Err error
}

// maxPostBytes is the largest post the room reads: the importer's limit
// for one file.
const maxPostBytes = ingest.DefaultMaxBytes

// File files one post: a story (or a part of one) becomes or extends a
// work; anything else is left alone with Fiction false. A post that cannot
// be read at all (no text, binary data, too large) or cannot be stored is
// refused: the Filed says why and the error is a domain error (ErrorCode
// EUNREADABLE, EINVALID or ECONFLICT). Errors of another kind are the
// store's or ctx's. Filing the same bytes again changes nothing and
// reports the part as a repeat of itself.
func (r *Room) File(ctx context.Context, p Post) (*Filed, error) {
	out, err := r.FileAll(ctx, []Post{p})
	if err != nil {
		return nil, err
	}
	return out[0], out[0].Err
}

// FileAll files many posts of one list at once (an imported mbox of an
// old list, one post each): ingest.Assemble joins parts across the whole
// set as an import does, and each story is then filed post by post, as if
// they had arrived one after another. The result has one Filed for each
// post, in order; a post that is refused says so in its Filed (Err) and
// does not stop the rest. The error is only ctx's or the store's.
func (r *Room) FileAll(ctx context.Context, posts []Post) ([]*Filed, error) {
	out := make([]*Filed, len(posts))
	for i := range out {
		out[i] = &Filed{}
	}
	var pieces []*ingest.Piece
	posters := make([]string, len(posts))
	for i, p := range posts {
		ps, poster, err := r.read(i, p)
		if err != nil {
			out[i].Err, out[i].Reason = err, "refused: "+fanarchive.ErrorMessage(err)
			continue
		}
		posters[i] = poster
		kept := 0
		for _, piece := range ps {
			if piece.Reply {
				continue // discussion: the list's message archive keeps it
			}
			pieces = append(pieces, piece)
			kept++
		}
		if kept == 0 {
			out[i].Reason = "a reply (discussion): not filed"
		}
	}
	for _, a := range ingest.Assemble(pieces) {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		// Addresses in what readers see and search are hidden, once,
		// before anything is stored; the feedback contact keeps the
		// address, privately (docs/importer.md, "Addresses").
		privacy.MaskWork(a.Work)
		if a.Work.Kind != fanarchive.KindFiction {
			for _, piece := range append(a.Pieces, a.Dropped...) {
				if f := out[piece.File]; f.WorkID == 0 && f.Err == nil {
					f.Reason = "not a story: " + kindDetail(a.Work)
				}
			}
			continue
		}
		if err := r.fileStory(ctx, posts, posters, a, out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// read parses post i into pieces, each with File set to i, and returns who
// posted it (see posterKey).
func (r *Room) read(i int, p Post) ([]*ingest.Piece, string, error) {
	switch {
	case len(strings.TrimSpace(string(p.Raw))) == 0:
		return nil, "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The message is empty.")
	case len(p.Raw) > maxPostBytes:
		return nil, "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The message is %.1f MB; the records room reads at most %.1f MB.",
			float64(len(p.Raw))/(1<<20), float64(maxPostBytes)/(1<<20))
	case p.ListID <= 0:
		return nil, "", fanarchive.Errorf(fanarchive.EINVALID, "The post names no list.")
	}
	pieces, err := ingest.ParseMail(r.sourceName(p), p.Raw, ingest.Options{List: p.ListTitle})
	if err != nil {
		if fanarchive.ErrorCode(err) == fanarchive.EINTERNAL {
			return nil, "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The message cannot be read: %v", err)
		}
		return nil, "", err
	}
	if len(pieces) == 0 {
		return nil, "", fanarchive.Errorf(fanarchive.EUNREADABLE, "No text was found in the message.")
	}
	received := p.ReceivedAt
	if received.IsZero() {
		received = r.now()
	}
	for _, piece := range pieces {
		piece.File = i
		for _, src := range piece.Work.Sources {
			src.ImportedAt = received.UTC()
		}
		if piece.Work.Published.IsZero() {
			// A post with no Date header is dated when the list got it.
			piece.Work.Published, piece.Work.Updated, piece.Work.PublishedFrom = received.UTC(), received.UTC(), fanarchive.DateGiven
		}
	}
	return pieces, posterKey(p), nil
}

// sourceName is the name a post's bytes are stored under: the list, when
// it was received and the start of its SHA-256, so that two posts never
// share one and no address is in it.
func (r *Room) sourceName(p Post) string {
	received := p.ReceivedAt
	if received.IsZero() {
		received = r.now()
	}
	sum := sha256.Sum256(p.Raw)
	name := p.ListName
	if name == "" {
		name = fmt.Sprintf("list-%d", p.ListID)
	}
	return fmt.Sprintf("list/%s/%s-%s.eml", name, received.UTC().Format("20060102T150405Z"), hex.EncodeToString(sum[:4]))
}

// kindDetail is the classifier's reason, for a post not filed.
func kindDetail(w *fanarchive.Work) string {
	if e, ok := w.Evidence[fanarchive.FieldKind]; ok && e.Detail != "" {
		return e.Detail
	}
	return "the classifier said " + string(w.Kind)
}

func (r *Room) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Room) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// refusal reports whether err is the post's fault (it cannot be read or
// stored as it is), which the post's Filed reports, rather than the
// store's or ctx's, which stops a run.
func refusal(err error) bool {
	switch fanarchive.ErrorCode(err) {
	case fanarchive.EINVALID, fanarchive.EUNREADABLE, fanarchive.ECONFLICT:
		return true
	}
	return false
}
