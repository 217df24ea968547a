package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"fanarchive"
)

// statusFor maps an application error code to an HTTP status. It is the only
// place the site makes that decision.
func statusFor(err error) int {
	switch fanarchive.ErrorCode(err) {
	case fanarchive.ENOTFOUND:
		return http.StatusNotFound
	case fanarchive.EINVALID:
		return http.StatusBadRequest
	case fanarchive.ECONFLICT:
		return http.StatusConflict
	case fanarchive.EFORBIDDEN:
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}

// errorPage is the data of the error template.
type errorPage struct {
	page
	Status  int
	Heading string
	Message string // safe to show: never a raw internal error
	Asked   string // the path that was asked for, on 404s
}

// fail answers a request that err stopped. what names the thing the request
// was for ("work", "author"…) for the 404 page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, what string) {
	switch status := statusFor(err); status {
	case http.StatusNotFound:
		s.notFound(w, r, what)
	case http.StatusInternalServerError:
		s.serverError(w, r, err)
	default:
		s.render(w, r, status, "error", &errorPage{
			page:    s.newPage(http.StatusText(status)),
			Status:  status,
			Heading: http.StatusText(status),
			Message: fanarchive.ErrorMessage(err),
		})
	}
}

// notFound sends the 404 page, saying what was asked for.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, what string) {
	if what == "" {
		what = "page"
	}
	s.render(w, r, http.StatusNotFound, "error", &errorPage{
		page:    s.newPage("Not found"),
		Status:  http.StatusNotFound,
		Heading: "We couldn't find that " + what + ".",
		Asked:   r.URL.Path,
	})
}

// badRequest sends the 400 page with a message for the reader.
func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, message string) {
	s.render(w, r, http.StatusBadRequest, "error", &errorPage{
		page:    s.newPage("Bad request"),
		Status:  http.StatusBadRequest,
		Heading: "We couldn't do that.",
		Message: message,
	})
}

// statusClientClosedRequest is the status the request log records for a
// request whose client went away before it was answered (nginx's 499). It is
// never sent: there is nobody to send it to.
const statusClientClosedRequest = 499

// serverError logs err and sends the 500 page, which never shows the error.
// When the client has gone away (its request's context is cancelled), err is
// what that did to the work under way (a cancelled query, an interrupted
// read): not the server's fault. The request is logged as cancelled, with
// status 499, the error only at debug level, and nothing is sent.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r) {
		if rec, ok := w.(*statusRecorder); ok {
			rec.status = statusClientClosedRequest
		}
		s.logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelDebug, "request stopped by its client",
			slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		return
	}
	s.logError(r, err)
	s.internalErrorPage(w, r)
}

// internalErrorPage sends the 500 page.
func (s *Server) internalErrorPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusInternalServerError, "error", &errorPage{
		page:    s.newPage("Error"),
		Status:  http.StatusInternalServerError,
		Heading: "Something went wrong on our side.",
		Message: "The problem has been logged. Please try again later.",
	})
}

// clientGone reports whether the request's client cancelled it
// (disconnected, or gave up). A deadline of the server's own is not that.
func clientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

// logError logs an error that stopped a request.
func (s *Server) logError(r *http.Request, err error) {
	s.logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("error", err.Error()))
}

// handleNotFound answers every request no route matches.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r, "page")
}

// handleCrossOrigin answers a state-changing request that came from another
// site (a possible cross-site request forgery).
func (s *Server) handleCrossOrigin(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusForbidden, "error", &errorPage{
		page:    s.newPage("Forbidden"),
		Status:  http.StatusForbidden,
		Heading: "That request came from another site.",
		Message: "For your safety it was refused. Please use the form on this site.",
	})
}
