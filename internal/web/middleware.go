package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"
)

// contentSecurityPolicy allows nothing but this site's own stylesheet and
// images: no script at all, no inline style, no framing, forms only to here.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries, before the
// handler runs, so error pages and recovered panics get them too.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// wellFormedQueries answers a request whose query string cannot be read
// (a malformed escape such as "%zz", a semicolon separator) with a 400,
// before any handler sees it: url.Values would silently drop the bad
// parameter, and a search would then answer with everything.
func (s *Server) wellFormedQueries(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			s.badRequest(w, r, "The address of this page is malformed: its query has a bad %-escape or separator.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler sent, for the request log
// and so a recovered panic knows whether a response has already begun.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *statusRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// logRequests logs one line per request with its method, path, status and
// duration. A request its client cancelled is logged as "request cancelled"
// with status 499 (statusClientClosedRequest), at the same level as any
// other request: it is not an error of the server's.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		if s.opts.Metrics != nil {
			_, route := s.mux.Handler(r) // the pattern: a bounded set of labels, unlike paths
			s.opts.Metrics.ObserveRequest(route, rec.status, took)
		}
		msg := "request"
		if rec.status == statusClientClosedRequest {
			msg = "request cancelled"
		}
		s.logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelInfo, msg,
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", took))
	})
}

// recoverPanics turns a panic in a handler into the 500 page, if nothing
// has been sent yet, and logs it with its stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the server's own signal to drop the connection
			}
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				// Part of a response is out; all we can do is log and cut it.
				s.logError(r, err)
				panic(http.ErrAbortHandler)
			}
			// A panic is logged as an error even when the client has
			// gone: it is a bug whoever asked.
			s.logError(r, err)
			s.internalErrorPage(w, r)
		}()
		next.ServeHTTP(w, r)
	})
}
