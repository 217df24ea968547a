package web

import (
	"bytes"
	"html/template"
	"sync"

	"fanarchive"
)

// blurbCache keeps the HTML of the blurbs of search results. The search
// engine shares one *fanarchive.Work among searches for as long as that work
// is unchanged (it drops it from its cache when the change log says the work
// changed), so the pointer tells whether a blurb made earlier is still the
// work's: a popular result page does not render the same twenty blurbs for
// every reader, which was most of its cost.
type blurbCache struct {
	mu    sync.Mutex
	m     map[int64]cachedBlurb
	limit int
}

type cachedBlurb struct {
	work *fanarchive.Work
	html template.HTML
}

// blurbCacheSize bounds the cache: a blurb is one or two KB.
const blurbCacheSize = 4096

// blurbHTML returns the blurb of w rendered with the "blurb" template of
// the page name, from the cache when w is the work it was rendered from.
func (s *Server) blurbHTML(name string, w *fanarchive.Work) (template.HTML, error) {
	c := &s.blurbs
	c.mu.Lock()
	if e, ok := c.m[w.ID]; ok && e.work == w {
		c.mu.Unlock()
		return e.html, nil
	}
	c.mu.Unlock()
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "blurb", newBlurb(w)); err != nil {
		return "", err
	}
	html := template.HTML(buf.String()) //nolint:gosec // made by html/template just now
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.limit {
		c.m = make(map[int64]cachedBlurb, c.limit) // full: start again, cheaply
	}
	c.m[w.ID] = cachedBlurb{work: w, html: html}
	return html, nil
}
