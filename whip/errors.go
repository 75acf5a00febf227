package whip

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
)

// Error is a failure with the HTTP status the handler answers it with.
// The callbacks of an endpoint (Publish.Request, Subscribe.Request,
// Watch.Request, Access.Authorize) return one to pick the status; any
// other error they return is answered 500.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Reason is the text of the answer's body.
	Reason string
	// Err is the cause, if any.
	Err error
	// invalidToken marks a 401 for a bearer token that was given but is
	// wrong or expired (error="invalid_token" in WWW-Authenticate).
	invalidToken bool
}

// Error returns the reason, and the cause's text after it.
func (e *Error) Error() string {
	if e.Err != nil {
		return "whip: " + e.Reason + ": " + e.Err.Error()
	}
	return "whip: " + e.Reason
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// refused is what an endpoint's Request callback returned: an *Error as
// it is, any other error as a 500.
func refused(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Reason: "the endpoint refused the request", Err: err}
}

// failf returns an *Error with status and a formatted reason.
func failf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// StatusOf returns the HTTP status the handler answers err with:
//
//   - an *Error: its Status;
//   - no such room, feed or mountpoint (videoroom.ErrNoSuchRoom,
//     ErrNoSuchFeed, streaming.ErrNoSuchMountpoint): 404;
//   - refused by the plugin (wrong pin or room token): 403;
//   - an SDP Janus cannot use (the core's 464 and 465 errors,
//     videoroom.ErrInvalidSDP, ErrInvalidSDPType): 422;
//   - a state conflict (already published, id in use, streaming
//     ErrInvalidState): 409;
//   - a room with no free publisher slot: 503;
//   - a feature the server's Janus version lacks (core.ErrUnsupported):
//     406 for the client-offer flows (the client should let the server
//     offer), see the endpoint types;
//   - no answer in time (core.ErrTimeout, a deadline): 504;
//   - Janus unreachable or restarting (core.ErrDisconnected,
//     ErrStalled, ErrClosed, ErrNotAcceptingSessions, a session or handle
//     the server dropped): 503;
//   - any other error of Janus or of its plugins (a request the endpoint's
//     configuration made invalid, ...): 502.
func StatusOf(err error) int {
	var e *Error
	var je *core.Error
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &e):
		return e.Status
	case errors.Is(err, videoroom.ErrNoSuchRoom), errors.Is(err, videoroom.ErrNoSuchFeed),
		errors.Is(err, streaming.ErrNoSuchMountpoint):
		return http.StatusNotFound
	case errors.Is(err, videoroom.ErrUnauthorized), errors.Is(err, streaming.ErrUnauthorized):
		return http.StatusForbidden
	case errors.Is(err, videoroom.ErrInvalidSDP), errors.Is(err, videoroom.ErrInvalidSDPType),
		errors.As(err, &je) && (je.Code == core.CodeJSEPInvalidSDP || je.Code == core.CodeJSEPUnknownType):
		return http.StatusUnprocessableEntity
	case errors.Is(err, videoroom.ErrAlreadyPublished), errors.Is(err, videoroom.ErrAlreadyJoined),
		errors.Is(err, videoroom.ErrIDExists), errors.Is(err, streaming.ErrInvalidState):
		return http.StatusConflict
	case errors.Is(err, videoroom.ErrPublishersFull):
		return http.StatusServiceUnavailable
	case errors.Is(err, core.ErrUnsupported):
		return http.StatusNotAcceptable
	case errors.Is(err, core.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, core.ErrDisconnected), errors.Is(err, core.ErrStalled), errors.Is(err, core.ErrClosed),
		errors.Is(err, core.ErrNotAcceptingSessions), errors.Is(err, core.ErrSessionNotFound),
		errors.Is(err, core.ErrHandleNotFound), errors.Is(err, core.ErrSessionDestroyed),
		errors.Is(err, core.ErrSessionTimeout):
		return http.StatusServiceUnavailable
	}
	return http.StatusBadGateway
}
