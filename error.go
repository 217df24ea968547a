package fanarchive

import (
	"errors"
	"fmt"
)

// Application error codes. Services return an *Error carrying one of these
// codes when the caller can act on the failure; anything else is internal and
// is shown to users only as "Internal error.".
//
// The web layer maps codes to HTTP statuses in one place; the CLI maps them to
// messages and exit codes.
const (
	ECONFLICT       = "conflict"        // e.g. the same original bytes are already stored
	EINTERNAL       = "internal"        // anything unexpected
	EINVALID        = "invalid"         // validation failed
	EFORBIDDEN      = "forbidden"       // refused to this actor, e.g. a blocked user's kudos
	ENOTFOUND       = "not_found"       // no such work, chapter, author, tag or source
	ENOTIMPLEMENTED = "not_implemented" // feature not available on this storage backend
	EUNREADABLE     = "unreadable"      // an input file cannot be turned into a work
)

// Error is an application error with a machine-readable code and a message
// that is safe to show to the end user.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface. It is not used by the application
// for anything except logging and debugging.
func (e *Error) Error() string {
	return fmt.Sprintf("fanarchive error: code=%s message=%s", e.Code, e.Message)
}

// Errorf is a helper that returns an *Error with the given code and a
// formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode unwraps err and returns its code if it is an *Error. A nil error
// has no code; any other error is EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage unwraps err and returns its user-facing message if it is an
// *Error; any other error yields "Internal error.".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
