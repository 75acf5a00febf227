// Package dialerr words the errors of connecting to Janus the same way
// for every transport and platform: "janus: <transport> <URL>: <what
// happened> (<what to check>)", with the URL's userinfo and query left
// out (they may hold credentials) and the cause kept in the chain for
// errors.Is and errors.As, scrubbed of them too (see Scrub).
package dialerr

import (
	"strings"

	"github.com/gojanus/gojanus/core/transport"
)

// Error is a short message over its cause.
type Error struct {
	Msg string
	Err error // the cause, for errors.Is/As; may be nil
	// Match, when set, is a sentinel errors.Is matches too (such as
	// transport.ErrWrongEndpoint).
	Match error
}

// Error returns the short message.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches e.Match.
func (e *Error) Is(target error) bool { return e.Match != nil && target == e.Match }

// Transport names, as messages say them.
const (
	WebSocket = "websocket"
	HTTP      = "http"
)

// New returns the error "janus: <kind> <URL>: <msg>" over cause.
func New(kind, rawURL, msg string, err error) error {
	u := CleanURL(rawURL)
	if msg == closedMsg && (strings.HasPrefix(u, "https:") || strings.HasPrefix(u, "wss:")) {
		// A plain HTTP server answers a TLS hello with an HTTP error (the
		// record error Describe words), or, as Janus's does at times,
		// closes the connection: the same mistake.
		msg = "the server closed the connection at the TLS handshake: it may not speak TLS (use " +
			plain(kind) + "://, not " + plain(kind) + "s://)"
	}
	return &Error{Msg: "janus: " + kind + " " + u + ": " + HideString(msg, rawURL), Err: cause(Scrub(err, rawURL))}
}

// closedMsg is Describe's wording of a connection the server closed.
const closedMsg = "the server closed the connection"

// Refused is the wording of a refused connection.
func Refused(kind string) string {
	name := "WebSocket"
	if kind == HTTP {
		name = "HTTP"
	}
	return "connection refused (nothing listens there: is Janus running with its " + name + " transport on that port?)"
}

// Endpoint kinds.
const (
	API   = "the Janus API"
	Admin = "the Janus admin API"
)

// WrongEndpoint returns the error of a URL that serves the other API
// than the one wanted (wantAdmin: DialAdmin was given the Janus API),
// matching transport.ErrWrongEndpoint, over cause.
func WrongEndpoint(rawURL string, wantAdmin bool, cause error) error {
	u := CleanURL(rawURL)
	ws := strings.HasPrefix(u, "ws")
	var msg string
	switch {
	case ws && wantAdmin:
		msg = u + " is the Janus API (subprotocol janus-protocol), not the admin API; the admin API usually listens on port 7188 (admin_ws in janus.transport.websockets.jcfg)"
	case ws:
		msg = u + " is the Janus admin API (subprotocol janus-admin-protocol), not the Janus API; the Janus API usually listens on port 8188"
	case wantAdmin:
		msg = u + " is the Janus API endpoint, not the admin API; the admin API usually is http://HOST:7088/admin (admin_http in janus.transport.http.jcfg)"
	default:
		msg = u + " is the Janus admin API endpoint, not the Janus API; the Janus API usually is http://HOST:8088/janus"
	}
	return &Error{Msg: "janus: " + msg, Err: Scrub(cause, rawURL), Match: transport.ErrWrongEndpoint}
}

// plain is the scheme without TLS of a kind of server.
func plain(kind string) string {
	if kind == HTTP {
		return "http"
	}
	return "ws"
}
