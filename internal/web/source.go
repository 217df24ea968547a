package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// provenance says where a work came from: the box under the story.
type provenance struct {
	Credits []credit // where it was archived and posted, and who gets feedback
	Files   []sourceFile
}

// credit is one part of the provenance line, such as "posted to" and the
// list's name.
type credit struct {
	Text string
	Name string
}

// sourceFile is one original file, offered for download.
type sourceFile struct {
	Name   string
	Size   string
	SHA256 string // the first 12 hex digits
	URL    string
}

// newProvenance describes the work's sources, or returns nil when it has
// none.
func newProvenance(work *fanarchive.Work, authors []string) *provenance {
	if len(work.Sources) == 0 {
		return nil
	}
	first := work.Sources[0]
	p := &provenance{}
	for _, c := range []credit{
		{"archived at", redactAddresses(first.Archive)},
		{"posted to", redactAddresses(first.List)},
		{"feedback to", feedbackName(cmp.Or(work.FeedbackContact, first.FeedbackContact), authors)},
	} {
		if c.Name = strings.TrimSpace(c.Name); c.Name != "" {
			p.Credits = append(p.Credits, c)
		}
	}
	// The line reads "Originally archived at X · posted to Y · feedback to
	// Z", or starts with whichever part is known.
	if len(p.Credits) > 0 {
		c := &p.Credits[0]
		if c.Text == "archived at" {
			c.Text = "Originally archived at"
		} else {
			c.Text = strings.ToUpper(c.Text[:1]) + c.Text[1:]
		}
	}
	for i, src := range work.Sources {
		f := sourceFile{
			Name:   downloadName(src.Name),
			Size:   formatSize(src.Size),
			SHA256: src.SHA256,
			URL:    workURL(work.ID) + "/source",
		}
		if len(f.SHA256) > 12 {
			f.SHA256 = f.SHA256[:12]
		}
		if len(work.Sources) > 1 {
			f.URL += "?part=" + strconv.Itoa(i+1)
		}
		p.Files = append(p.Files, f)
	}
	return p
}

// handleSource sends an original file, labelled with the charset it is
// written in, as a download: byte for byte, except that e-mail addresses
// are masked (see maskAddresses). ?part=N picks one of a multi-part work's
// files.
func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	part := 1
	if v := r.URL.Query().Get("part"); v != "" {
		n, ok := parseID(v)
		if !ok || n > int64(len(work.Sources)) {
			s.notFound(w, r, "original file")
			return
		}
		part = int(n)
	}
	if len(work.Sources) < part {
		s.notFound(w, r, "original file")
		return
	}
	if s.gate(w, r, work) {
		return
	}
	src, err := s.store.FindSourceByID(r.Context(), work.Sources[part-1].ID)
	if err != nil {
		s.fail(w, r, err, "original file")
		return
	}
	raw, masked := maskAddresses(src.Raw)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset="+sourceCharset(src.Encoding))
	h.Set("Content-Disposition", `attachment; filename="`+downloadName(src.Name)+`"`)
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	h.Set("X-Content-Type-Options", "nosniff")
	if masked > 0 {
		// Not byte for byte: say so. Archivists get the exact file from
		// `fanarchive source`.
		h.Set("X-Fanarchive-Masked-Addresses", strconv.Itoa(masked))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(raw) //nolint:errcheck // the client went away; nothing to do
}

// maskAddresses returns raw with every e-mail address's letters and digits
// replaced by "x" (so "kberry@cs.uh.edu" reads "xxxxxx@xx.xx.xxx" and every
// other byte keeps its place), and how many addresses it masked. The
// archive keeps legacy authors' addresses private — for relaying feedback and
// verifying claims — so the public download of an original does not publish
// them; a file without addresses is served byte for byte. The rules are the
// ones that mask the work's pages (package privacy), so the page and the
// download hide the same addresses.
func maskAddresses(raw []byte) ([]byte, int) {
	return privacy.MaskRaw(raw)
}
