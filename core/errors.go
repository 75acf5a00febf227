package core

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/transport"
)

// Janus API error codes (from the server's apierror.h).
const (
	CodeUnauthorized            = 403
	CodeUnauthorizedPlugin      = 405
	CodeTransportSpecific       = 450
	CodeMissingRequest          = 452
	CodeUnknownRequest          = 453
	CodeInvalidJSON             = 454
	CodeInvalidJSONObject       = 455
	CodeMissingMandatoryElement = 456
	CodeInvalidRequestPath      = 457
	CodeSessionNotFound         = 458
	CodeHandleNotFound          = 459
	CodePluginNotFound          = 460
	CodePluginAttach            = 461
	CodePluginMessage           = 462
	CodePluginDetach            = 463
	CodeJSEPUnknownType         = 464
	CodeJSEPInvalidSDP          = 465
	CodeTrickleInvalidStream    = 466
	CodeInvalidElementType      = 467
	CodeSessionConflict         = 468
	CodeUnexpectedAnswer        = 469
	CodeTokenNotFound           = 470
	CodeWebRTCState             = 471
	CodeNotAcceptingSessions    = 472
	CodeUnknown                 = 490
)

// Error is an error answer from the Janus core ({"janus":"error"}).
type Error struct {
	// Code is the Janus error code, one of the Code constants.
	Code int
	// Reason is the server's explanation.
	Reason string
	// Request is the request type that failed ("create", "attach", ...);
	// empty for sentinels and unsolicited errors.
	Request string
}

// Error formats the error as "janus: REQUEST: CODE REASON".
func (e *Error) Error() string {
	s := "janus: "
	if e.Request != "" {
		s += e.Request + ": "
	}
	s += "error " + strconv.Itoa(e.Code)
	if e.Reason != "" {
		s += " " + e.Reason
	}
	return s
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, core.ErrSessionNotFound) matches any 458 error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is. Each matches every *Error with its code.
var (
	ErrUnauthorized         error = &Error{Code: CodeUnauthorized, Reason: "unauthorized"}
	ErrUnauthorizedPlugin   error = &Error{Code: CodeUnauthorizedPlugin, Reason: "unauthorized access to plugin"}
	ErrUnknownRequest       error = &Error{Code: CodeUnknownRequest, Reason: "unknown request"}
	ErrMissingElement       error = &Error{Code: CodeMissingMandatoryElement, Reason: "missing mandatory element"}
	ErrInvalidRequestPath   error = &Error{Code: CodeInvalidRequestPath, Reason: "invalid path for this request"}
	ErrSessionNotFound      error = &Error{Code: CodeSessionNotFound, Reason: "session not found"}
	ErrHandleNotFound       error = &Error{Code: CodeHandleNotFound, Reason: "handle not found"}
	ErrPluginNotFound       error = &Error{Code: CodePluginNotFound, Reason: "plugin not found"}
	ErrInvalidElementType   error = &Error{Code: CodeInvalidElementType, Reason: "invalid element type"}
	ErrTokenNotFound        error = &Error{Code: CodeTokenNotFound, Reason: "token not found"}
	ErrNotAcceptingSessions error = &Error{Code: CodeNotAcceptingSessions, Reason: "not accepting new sessions"}
	ErrUnknown              error = &Error{Code: CodeUnknown, Reason: "unknown error"}
)

// PluginError is an error reported by a plugin inside its answer
// (plugindata.data.error_code and error).
//
// The plugin packages declare their codes as sentinels made by
// PluginCode (videoroom.ErrNoSuchRoom), so that
// errors.Is(err, videoroom.ErrNoSuchRoom) matches any error of that code
// from that plugin while err still carries the server's reason.
type PluginError struct {
	// Plugin is the plugin package name, e.g. "janus.plugin.videoroom".
	Plugin string
	// Request is the plugin request that failed ("create"), when known.
	Request string
	// Code is the plugin's own error code (plugin specific).
	Code int
	// Reason is the plugin's explanation.
	Reason string
}

// PluginCode returns the sentinel of a plugin's error code: a
// *PluginError that errors.Is matches against every error of that plugin
// with that code. what says what the code means, for the sentinel's own
// message.
func PluginCode(plugin string, code int, what string) *PluginError {
	return &PluginError{Plugin: plugin, Code: code, Reason: what}
}

// Error formats the error as "janus: videoroom: create: error 426: No
// such room (1234)", the plugin named without "janus.plugin.".
func (e *PluginError) Error() string {
	p := strings.TrimPrefix(e.Plugin, "janus.plugin.")
	if p == "" {
		p = "plugin"
	}
	if e.Request != "" {
		p += ": " + e.Request
	}
	return "janus: " + p + ": error " + strconv.Itoa(e.Code) + ": " + e.Reason
}

// Is reports whether target is a *PluginError with the same code (and the
// same plugin, when the target names one).
func (e *PluginError) Is(target error) bool {
	t, ok := target.(*PluginError)
	return ok && t.Code == e.Code && (t.Plugin == "" || t.Plugin == e.Plugin)
}

// ErrTimeout matches errors of requests that got no answer in time (the
// transaction timeout or the caller's deadline).
var ErrTimeout = errors.New("janus: request timed out")

// ErrClosed is returned by calls on a Client or Admin after Close.
var ErrClosed = errors.New("janus: client closed")

// ErrDisconnected is returned by calls that were waiting when the
// connection to the server was lost, and by calls made after that.
var ErrDisconnected = errors.New("janus: connection lost")

// ErrStalled is the cause of a connection dropped because the server
// stopped answering (see WithStallTimeout).
var ErrStalled = errors.New("janus: server stopped answering")

// ErrBadAnswer matches errors of answers that are not what the Janus API
// promises for the request: a create or attach success without an id, a
// server_info that does not decode.
var ErrBadAnswer = errors.New("janus: malformed answer")

// ErrSessionTimeout is the Err of a session the server expired (the
// "timeout" event: no keepalive within session_timeout).
var ErrSessionTimeout = errors.New("janus: session timed out on the server")

// ErrSessionDestroyed is the Err of a handle whose session was destroyed.
var ErrSessionDestroyed = errors.New("janus: session destroyed")

// timeoutError is a request that ran out of time.
type timeoutError struct{ request string }

func (e *timeoutError) Error() string {
	return "janus: " + e.request + ": request timed out"
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }

// Unwrap makes errors.Is(err, context.DeadlineExceeded) true.
func (e *timeoutError) Unwrap() error { return context.DeadlineExceeded }

// ctxError turns the end of a request's context into the error returned.
func ctxError(request string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &timeoutError{request: request}
	}
	return errorf("janus: %s: %w", request, err)
}

// errorf is errfmt.Errorf: fmt.Errorf with the message starting with
// "janus: " exactly once, however many sentinels it wraps.
func errorf(format string, args ...any) error { return errfmt.Errorf(format, args...) }

// URLError is a server URL that cannot be used, found before anything is
// sent. It matches ErrBadURL.
type URLError struct {
	// URL is the URL as given. It may hold credentials, which Error
	// leaves out (see RedactURL).
	URL    string
	Reason string
}

// Error formats the error as "janus: bad server URL "…": reason", with
// the URL as RedactURL shows it.
func (e *URLError) Error() string {
	return "janus: bad server URL " + strconv.Quote(RedactURL(e.URL)) + ": " + e.Reason
}

// RedactURL returns a server URL as the errors and logs of this module
// show it: without its userinfo ("user:password@", or a token as
// "token@"), query and fragment, which may hold credentials. Errors of
// the libraries below (net/http, coder/websocket) that quote a URL are
// scrubbed of them too.
func RedactURL(rawURL string) string { return dialerr.CleanURL(rawURL) }

// Is makes errors.Is(err, ErrBadURL) true.
func (e *URLError) Is(target error) bool { return target == ErrBadURL }

// ErrWrongEndpoint matches errors of a server URL that reaches Janus but
// not the API wanted, found by Dial and DialAdmin (or, over HTTP, by a
// request refused with 457 "Unhandled request ... at this path"): the
// admin API given to Dial, the Janus API given to DialAdmin, or an HTTP
// path that is neither. The message says what to change; the cause (for
// example the *Error with code 457) stays in the chain.
var ErrWrongEndpoint = transport.ErrWrongEndpoint

// ErrBadURL matches errors of server URLs that cannot be used (no or an
// unknown scheme).
var ErrBadURL = errors.New("janus: bad server URL")
