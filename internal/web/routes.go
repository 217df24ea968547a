package web

import "net/http"

// routes registers every route of the site on one ServeMux and wraps it in
// the middleware that every response goes through. Registering a pattern
// that conflicts with another panics, so a test that calls New catches it.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /works/{id}", s.handleWork)
	mux.HandleFunc("GET /works/{id}/chapters/{n}", s.handleChapter)
	mux.HandleFunc("GET /works/{id}/source", s.handleSource)
	mux.HandleFunc("GET /works/{id}/download/{format}", s.handleDownload)
	mux.HandleFunc("GET /authors/{name...}", s.handleAuthor)
	mux.HandleFunc("GET /tags/{kind}/{name...}", s.handleTag)
	mux.HandleFunc("GET /search", s.handleSearch)
	mux.HandleFunc("GET /fandoms", s.handleFandoms)
	mux.HandleFunc("GET /feeds/works", s.handleWorksFeed)
	mux.HandleFunc("GET /feeds/tags/{kind}/{name...}", s.handleTagFeed)
	mux.HandleFunc("GET /feeds/authors/{name...}", s.handleAuthorFeed)
	mux.HandleFunc("GET /feeds/search", s.handleSearchFeed)
	mux.Handle("/api/v1/", s.api) // the read API registers its own routes (internal/api)
	mux.HandleFunc("GET /opds", s.handleOPDS)
	mux.HandleFunc("GET /opds/recent", s.handleOPDSRecent)
	mux.HandleFunc("GET /opds/fandoms", s.handleOPDSFandoms)
	mux.HandleFunc("GET /opds/fandoms/{name...}", s.handleOPDSFandom)
	mux.HandleFunc("GET /opds/search", s.handleOPDSSearch)
	mux.HandleFunc("GET /opds/opensearch.xml", s.handleOpenSearch)
	mux.HandleFunc("GET /static/{file}", s.handleStatic)
	mux.HandleFunc("GET /favicon.ico", s.handleRootFile)
	mux.HandleFunc("GET /robots.txt", s.handleRootFile)

	// State-changing requests must come from this site's own pages.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	mux.Handle("POST /adult-consent", csrf.Handler(http.HandlerFunc(s.handleAdultConsent)))

	// Anything else, including other methods on known paths, is not here.
	mux.HandleFunc("/", s.handleNotFound)

	return s.logRequests(s.recoverPanics(securityHeaders(compressResponses(s.wellFormedQueries(mux)))))
}
