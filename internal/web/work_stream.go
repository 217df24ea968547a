package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"fanarchive"
)

// The entire work (?view=full) of a long work is tens of megabytes: it is
// sent as it is read, a page of a chapter at a time, and never held whole.

// storyMark stands in for each chapter's text when the entire work's page
// is rendered, so that the page can be sent around text read afterwards.
// Nothing else can put it in the page: html/template escapes every "<" that
// comes from data, and this one is passed as HTML.
const storyMark = "<fanarchive-chapter-text>"

// streamFlushBytes is how much of the entire work is written between
// flushes, so that the reader sees it arrive without a flush per paragraph.
const streamFlushBytes = 64 << 10

// streamWriteTimeout is how long the reader may take over each flush of the
// entire work. The server's WriteTimeout bounds a whole response, which a
// slow reader of a long work would outlast; this bounds each part of it.
const streamWriteTimeout = time.Minute

// streamWork sends the entire work. The page around the story — layout,
// header, chapter index, headings, foot — is rendered first, with a mark
// where each chapter's text goes, so that a template error still gives the
// 500 page and not half a page. Then it is sent with the text in between:
// each page of each chapter read from the store in turn, prepared as every
// page is (pageBody), written and let go. The response has no
// Content-Length. A store error after the first byte cuts the connection,
// so that the reader's browser knows the page is not whole.
func (s *Server) streamWork(w http.ResponseWriter, r *http.Request, work *fanarchive.Work) {
	p := s.newWorkPage(work, 0, 0)
	p.Owner = newOwnerTools(r, work, nil)
	for _, ch := range work.Chapters {
		p.Story = append(p.Story, newChapterView(work, ch, template.HTML(storyMark)))
	}
	var err error
	if p.Actions, err = s.workActionsFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Response, err = s.workResponseFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.ListPosts, err = s.workListPostsFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.decorate(r, p)
	buf, err := s.execute("work", p)
	if err != nil {
		s.renderFailed(w, r, err, "work")
		return
	}
	around := strings.Split(buf.String(), storyMark)
	if len(around) != len(work.Chapters)+1 {
		s.renderFailed(w, r, fmt.Errorf("render work %d: %d places for the text of %d chapters",
			work.ID, len(around)-1, len(work.Chapters)), "work")
		return
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	out := &streamWriter{w: w, rc: http.NewResponseController(w)}
	out.write(around[0])
	for i, ch := range work.Chapters {
		for k := 1; k <= ch.Pages && out.err == nil; k++ {
			pg, err := s.store.FindChapterPage(r.Context(), ch.ID, k)
			if err != nil {
				if r.Context().Err() == nil {
					s.logError(r, fmt.Errorf("stream work %d, chapter %d, page %d: %w", work.ID, ch.Number, k, err))
				}
				panic(http.ErrAbortHandler) // see recoverPanics
			}
			out.write(string(pageBody(pg.Body)))
		}
		out.write(around[i+1])
	}
	out.flush()
}

// streamWriter writes a streamed page, flushing every streamFlushBytes and
// giving the reader streamWriteTimeout for each flush. After the first
// error (the reader went away) it writes nothing more.
type streamWriter struct {
	w       io.Writer
	rc      *http.ResponseController
	pending int // bytes written since the last flush
	err     error
}

func (sw *streamWriter) write(s string) {
	if sw.err != nil {
		return
	}
	if _, sw.err = io.WriteString(sw.w, s); sw.err != nil {
		return
	}
	if sw.pending += len(s); sw.pending >= streamFlushBytes {
		sw.flush()
	}
}

func (sw *streamWriter) flush() {
	if sw.err != nil {
		return
	}
	sw.pending = 0
	// Either may be unsupported (a test's recorder): the stream goes on.
	_ = sw.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	_ = sw.rc.Flush()
}
