// Package transport defines how the gojanus core exchanges Janus API
// messages with a server. Implementations live in sub-packages: ws
// (WebSocket), longpoll (HTTP with long polling) and mem (an in-memory pair
// for tests).
//
// A Transport only moves bytes. It does not interpret transactions,
// sessions or events; the core does. The one exception is HTTP, where the
// transport must poll for events of each live session, which is why
// transports may implement [SessionObserver].
package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// Request is one outgoing Janus API message.
type Request struct {
	// Janus is the request type ("create", "attach", "message", ...).
	Janus string
	// Session and Handle are the ids the request addresses (0 when absent).
	// HTTP uses them to build the URL path; WebSocket ignores them because
	// they are also present in Body.
	Session uint64
	Handle  uint64
	// Body is the complete JSON message.
	Body []byte
	// Due is when the core stops waiting for the answer (the request's
	// transaction timeout, or its context's deadline). A transport whose
	// Send waits for the answer (HTTP) gives up then; zero means no limit
	// beyond ctx.
	Due time.Time
	// Background says that nobody waits for Send: the answer goes to a
	// callback when it comes through Recv (the keepalives the client sends
	// for all its sessions from one loop). A transport whose Send waits
	// for the answer (HTTP) sends such a request on its own goroutine and
	// returns at once; one that fails then has no answer, and the core's
	// timer reports it.
	Background bool
}

// Transport sends requests to a Janus server and receives its messages.
//
// Send and Close may be called concurrently from many goroutines. Recv is
// called from a single goroutine (the client's read loop). Recv returns one
// JSON object per call; a transport that receives JSON arrays (HTTP long
// poll with maxev > 1) may return the array and the core splits it.
type Transport interface {
	// Send delivers one request. Over a connection (WebSocket) it returns
	// when the request has been handed to the network; over HTTP, where
	// the answer comes back on the request's own exchange, when the
	// answer has been received (and handed to Recv) or the request's Due
	// time passed. An error that wraps ErrNotDelivered (or ErrClosed) says
	// that the request did not reach the server.
	Send(ctx context.Context, req Request) error
	// Recv blocks until the next message arrives, ctx is done or the
	// transport is closed. After Close it returns an error wrapping
	// ErrClosed.
	Recv(ctx context.Context) ([]byte, error)
	// Close releases the transport. It is safe to call more than once.
	Close() error
}

// SessionObserver is implemented by transports that need to know which
// sessions are alive, such as HTTP long-poll, which polls for the events of
// each session.
type SessionObserver interface {
	// SessionOpened is called after a session was created or claimed.
	SessionOpened(s Session)
	// SessionClosed is called after a session was destroyed or expired.
	SessionClosed(id uint64)
}

// Session identifies a live session and the credentials needed to read its
// events.
type Session struct {
	ID        uint64
	APISecret string
	Token     string
}

// ErrClosed is returned (wrapped) by transports used after Close.
var ErrClosed = errors.New("janus: transport closed")

// ErrNotDelivered is returned (wrapped) by Send when the request
// certainly did not reach the server: the connection failed before the
// whole request was written (a WebSocket write that failed or a socket
// that was no longer open, an HTTP request whose connection could not be
// made). The client sends such a request again on its next connection.
// An error without it means the request may have reached the server.
var ErrNotDelivered = errors.New("janus: request not delivered")

// EventsLost is returned by Recv, as the error itself, when messages for a
// session may have been lost on the way while the transport goes on: an
// HTTP long poll that failed after it was sent may have taken events off
// the server's queue. The core then fails the session's calls that wait
// for an event with an error matching core.ErrDisconnected, as it fails
// every waiting call when a WebSocket drops, and calls Recv again.
type EventsLost struct {
	// Session is the session whose events may be lost.
	Session uint64
	// Err is why: the poll's error.
	Err error
}

// Error says which session's events may be lost, and why.
func (e *EventsLost) Error() string {
	return fmt.Sprintf("janus: the events of session %d may be lost: %s", e.Session, errfmt.Text(e.Err))
}

// Unwrap returns the cause.
func (e *EventsLost) Unwrap() error { return e.Err }

// ErrWrongEndpoint is matched by dial errors of a URL that reaches Janus
// but not the wanted API: the admin API where the Janus API was wanted,
// the Janus API where the admin API was wanted, or an HTTP path that is
// neither. core.ErrWrongEndpoint is the same value.
var ErrWrongEndpoint = errors.New("janus: wrong endpoint")

// ErrFrameTooLarge is returned (wrapped) when an incoming message exceeds
// the configured read limit.
var ErrFrameTooLarge = errors.New("janus: frame exceeds read limit")

// Options are the settings shared by the network transports.
type Options struct {
	// Subprotocol is the WebSocket subprotocol: "janus-protocol" for the
	// Janus API, "janus-admin-protocol" for the admin API.
	Subprotocol string
	// ReadLimit is the largest message accepted, in bytes. Zero means the
	// default (DefaultReadLimit).
	ReadLimit int64
	// MaxEvents is the maxev parameter of HTTP long polls (events per poll).
	MaxEvents int
	// NativeOptions are the settings of native builds only (TLS, the HTTP
	// client, extra headers). In JavaScript builds it is empty: the
	// runtime's WebSocket and fetch do TLS and HTTP, and keeping net/http
	// and crypto/tls out of those builds saves megabytes.
	NativeOptions
}

// DefaultReadLimit is the default limit for one incoming message: 8 MiB,
// well above the largest Janus message (SDP, admin handle_info).
const DefaultReadLimit = 8 << 20

// String prints the session id and whether credentials are set, never
// their values.
func (s Session) String() string {
	return fmt.Sprintf("transport.Session{ID: %d, APISecret: %s, Token: %s}", s.ID, set(s.APISecret), set(s.Token))
}

// GoString is String, so %#v does not print credentials either.
func (s Session) GoString() string { return s.String() }

func set(v string) string {
	if v == "" {
		return "unset"
	}
	return "[redacted]"
}
