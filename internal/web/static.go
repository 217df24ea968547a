package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"time"
)

// staticFS holds the stylesheet and any other files served as they are.
//
//go:embed static
var staticFS embed.FS

// staticPath returns the URL of a static file with a version taken from its
// content, so it can be cached for a year and still change on upgrade.
func staticPath(name string) string {
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		panic("web: missing static file " + name) // embedded: a build error
	}
	sum := sha256.Sum256(b)
	return "/static/" + name + "?v=" + hex.EncodeToString(sum[:])[:12]
}

// handleStatic serves an embedded static file with long cache headers.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil || !fs.ValidPath(name) {
		s.notFound(w, r, "file")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// handleRootFile serves the files clients ask for at the site's root by
// name — /favicon.ico and /robots.txt — from the embedded static files,
// cached for a day (their names carry no version).
func (s *Server) handleRootFile(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path[1:]
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		s.notFound(w, r, "file")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
