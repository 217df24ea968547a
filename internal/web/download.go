package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"fanarchive"
	"fanarchive/internal/download"
)

// handleDownload sends a work as a file to take away: EPUB, one HTML file,
// or plain text (internal/download), named after its title. The file is
// written as its chapters' pages are read, so a long work never sits in
// memory; its ETag is the version of what it is made from, so a reader or a
// cache that has it is answered 304 without making it again.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	format := download.Format(r.PathValue("format"))
	if !format.Valid() {
		s.notFound(w, r, "download")
		return
	}
	work, ok := s.loadWork(w, r)
	if !ok || s.gate(w, r, work) {
		return
	}
	info := download.Info{Site: s.opts.SiteName, URL: s.absoluteURL(r, workURL(work.ID))}
	etag := `"` + download.Version(work, format, info) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if !work.UpdatedAt.IsZero() {
		h.Set("Last-Modified", work.UpdatedAt.UTC().Format(http.TimeFormat))
	}
	if h.Get("Cache-Control") == "" { // the adult notice's consent makes it private
		h.Set("Cache-Control", "public, max-age=3600")
	}
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", download.ContentDisposition(work.DisplayTitle(), format))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	out := &streamWriter{w: w, rc: http.NewResponseController(w)}
	pages := func(ctx context.Context, chapterID int64, n int) (string, error) {
		pg, err := s.store.FindChapterPage(ctx, chapterID, n)
		if err != nil {
			return "", err
		}
		return string(pageBody(pg.Body)), nil
	}
	if err := download.Write(r.Context(), out, format, work, info, pages); err != nil || out.err != nil {
		if r.Context().Err() == nil && out.err == nil {
			s.logError(r, fmt.Errorf("download %s of work %d: %w", format, work.ID, err))
		}
		panic(http.ErrAbortHandler) // half a file must not look whole: see recoverPanics
	}
	out.flush()
}

// Write lets a streamWriter be an io.Writer, for the download formats.
func (sw *streamWriter) Write(p []byte) (int, error) {
	sw.write(string(p))
	if sw.err != nil {
		return 0, sw.err
	}
	return len(p), nil
}

// absoluteURL is path on this site as readers reach it: under the base URL
// when one is set, else the scheme and host of the request.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if base := strings.TrimSuffix(s.opts.BaseURL, "/"); base != "" {
		return base + path
	}
	scheme := "http"
	if r.TLS != nil || s.opts.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// etagMatches reports whether an If-None-Match header names etag (RFC 9110:
// a list of entity tags, weak ones compared weakly, or "*"). A malformed
// header matches nothing, so the full response is sent.
func etagMatches(header, etag string) bool {
	header = strings.TrimSpace(header)
	if header == "" || len(header) > 4096 {
		return false
	}
	if header == "*" {
		return true
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
			continue
		}
		// A compressed response carries its coding in its tag
		// (compressResponses): the same version either way.
		base := tag[:len(tag)-1]
		for _, enc := range []string{"-" + string(gzipEnc), "-" + string(brEnc)} {
			base = strings.TrimSuffix(base, enc)
		}
		if base+`"` == etag {
			return true
		}
	}
	return false
}

// downloadLink is one format a work page offers.
type downloadLink struct {
	Label, URL, Type string
}

// downloadLinks are a work's downloads, one a format.
func downloadLinks(work *fanarchive.Work) []downloadLink {
	var out []downloadLink
	for _, f := range download.Formats {
		out = append(out, downloadLink{Label: f.Label(), URL: workURL(work.ID) + "/download/" + string(f),
			Type: strings.SplitN(f.ContentType(), ";", 2)[0]})
	}
	return out
}
