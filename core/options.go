package core

import (
	"context"
	"log/slog"
	"time"

	"github.com/gojanus/gojanus/core/transport"
)

// Defaults of the client options.
const (
	// DefaultKeepalive is the keepalive period: well under Janus's default
	// session_timeout of 60 s, as janus.js does.
	DefaultKeepalive = 25 * time.Second
	// DefaultTransactionTimeout bounds the wait for any answer.
	DefaultTransactionTimeout = 30 * time.Second
	// DefaultEventBuffer is the channel size of each event stream.
	DefaultEventBuffer = 16
	// DefaultMaxQueuedEvents is how many events a stream queues beyond its
	// channel before it drops the oldest.
	DefaultMaxQueuedEvents = 4096
	// DefaultDetachGrace is how long a detached handle waits for the
	// server's "detached" event (and any plugin events before it) before
	// its stream is closed anyway.
	DefaultDetachGrace = 3 * time.Second
)

type options struct {
	apiSecret    string
	token        string
	adminSecret  string
	native       transport.NativeOptions // TLS, HTTP client, headers (native builds)
	logger       *slog.Logger
	keepalive    time.Duration
	txTimeout    time.Duration
	eventBuffer  int
	maxQueued    int
	readLimit    int64
	maxEvents    int
	detachGrace  time.Duration
	reconnect    ReconnectPolicy
	dialer       func(ctx context.Context) (transport.Transport, error)
	onState      func(ConnState, error)
	stallTimeout time.Duration
}

func defaultOptions() options {
	return options{
		keepalive:   DefaultKeepalive,
		txTimeout:   DefaultTransactionTimeout,
		eventBuffer: DefaultEventBuffer,
		maxQueued:   DefaultMaxQueuedEvents,
		detachGrace: DefaultDetachGrace,
		reconnect:   DefaultReconnectPolicy,
	}
}

func buildOptions(opts []Option) options {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	return o
}

// Option configures a Client or an Admin client.
type Option func(*options)

// WithAPISecret sets the API secret (Janus "api_secret") sent with every
// request.
func WithAPISecret(secret string) Option { return func(o *options) { o.apiSecret = secret } }

// WithToken sets the auth token (Janus "token_auth") sent with every
// request.
func WithToken(token string) Option { return func(o *options) { o.token = token } }

// WithAdminSecret sets the admin secret for the admin API.
func WithAdminSecret(secret string) Option { return func(o *options) { o.adminSecret = secret } }

// WithLogger sets the logger (default slog.Default()). Debug level logs
// every message sent and received under the key "frame" (a nested object
// with slog.JSONHandler), with credentials redacted. Records about a
// session or a handle carry "session_id" and "handle_id" (numbers).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithKeepalive sets the keepalive period for every session; zero or
// negative turns keepalives off. The default is DefaultKeepalive.
func WithKeepalive(d time.Duration) Option { return func(o *options) { o.keepalive = d } }

// WithTransactionTimeout bounds how long any request waits for its answer
// (default DefaultTransactionTimeout). A shorter context deadline wins.
func WithTransactionTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.txTimeout = d
		}
	}
}

// WithEventBuffer sets the channel size of every event stream.
func WithEventBuffer(n int) Option {
	return func(o *options) {
		if n >= 0 {
			o.eventBuffer = n
		}
	}
}

// WithMaxQueuedEvents sets how many events a stream queues beyond its
// channel before it drops the oldest (see the package documentation).
func WithMaxQueuedEvents(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxQueued = n
		}
	}
}

// WithReadLimit sets the largest incoming message accepted, in bytes.
// Larger messages end the connection with an error instead of being
// buffered without bound.
func WithReadLimit(n int64) Option { return func(o *options) { o.readLimit = n } }

// WithMaxEventsPerPoll sets how many events one HTTP long poll may return.
func WithMaxEventsPerPoll(n int) Option { return func(o *options) { o.maxEvents = n } }

// WithDetachGrace sets how long Detach waits for the server's "detached"
// event before closing the handle's stream (default DefaultDetachGrace).
func WithDetachGrace(d time.Duration) Option { return func(o *options) { o.detachGrace = d } }

// WithReconnect sets the reconnect policy (ReconnectPolicy{Disabled:
// true} turns reconnecting off).
func WithReconnect(p ReconnectPolicy) Option { return func(o *options) { o.reconnect = p } }

// WithDialer gives NewClient a way to open a new transport, so that it can
// reconnect (Dial and DialServers set one themselves).
func WithDialer(dial func(ctx context.Context) (transport.Transport, error)) Option {
	return func(o *options) { o.dialer = dial }
}

// WithStateHandler sets a function called on every connection state
// change (with the error that caused it, for StateReconnecting and
// StateLost). It runs on the client's own goroutine and must return
// quickly.
func WithStateHandler(fn func(state ConnState, err error)) Option {
	return func(o *options) { o.onState = fn }
}

// WithStallTimeout sets how long a connection may stay silent while the
// client sends keepalives before it is treated as lost (a stalled server);
// the client then reconnects. The default is the keepalive period plus
// the transaction timeout; 0 keeps the default, negative turns the check
// off.
func WithStallTimeout(d time.Duration) Option { return func(o *options) { o.stallTimeout = d } }

// CallOption changes one request.
type CallOption func(*callOptions)

type callOptions struct {
	apiSecret *string
	token     *string
	jsep      *JSEP
	opaqueID  string
	decoder   EventDecoder
}

func buildCallOptions(opts []CallOption) callOptions {
	if len(opts) == 0 {
		return callOptions{} // the common case, without a heap allocation
	}
	return applyCallOptions(opts)
}

func applyCallOptions(opts []CallOption) callOptions {
	var c callOptions
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithCallAPISecret overrides the client's API secret for one request. On
// CreateSession and ClaimSession it becomes the session's secret, used by
// all its requests and keepalives.
func WithCallAPISecret(secret string) CallOption {
	return func(c *callOptions) { c.apiSecret = &secret }
}

// WithCallToken overrides the client's token for one request. On
// CreateSession and ClaimSession it becomes the session's token, used by
// all its requests and keepalives.
func WithCallToken(token string) CallOption {
	return func(c *callOptions) { c.token = &token }
}

// WithJSEP attaches a session description to a plugin message.
func WithJSEP(j *JSEP) CallOption { return func(c *callOptions) { c.jsep = j } }

// WithOpaqueID sets the opaque id of a handle on Attach (visible in the
// admin API and event handlers).
func WithOpaqueID(id string) CallOption { return func(c *callOptions) { c.opaqueID = id } }

// WithEventDecoder sets, on Attach or AdoptHandle, the function that turns
// the handle's plugin events into typed values before they reach its
// stream (see EventDecoder). Plugin packages use it.
func WithEventDecoder(d EventDecoder) CallOption { return func(c *callOptions) { c.decoder = d } }

// EventDecoder turns a plugin event into a typed event. It runs in the
// connection's read loop, so it must be quick and must not block; it may
// return ev itself when it has nothing better. A panic in a decoder is
// recovered and the raw event delivered.
type EventDecoder func(ev *PluginEvent) Event

// credentials is the API secret and token of a session or request.
type credentials struct {
	apiSecret string
	token     string
}

func (cr credentials) with(c callOptions) credentials {
	if c.apiSecret != nil {
		cr.apiSecret = *c.apiSecret
	}
	if c.token != nil {
		cr.token = *c.token
	}
	return cr
}

func (cr credentials) apply(r *request) {
	r.APISecret = cr.apiSecret
	r.Token = cr.token
}
