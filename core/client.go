package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/longpoll"
	"github.com/gojanus/gojanus/core/transport/ws"
)

// Client is one connection to the Janus API. It is safe for concurrent
// use by many goroutines. A client made by Dial or DialServers over
// WebSocket reconnects by itself when the connection drops (see
// ReconnectPolicy): it dials again, claims its sessions and carries on.
type Client struct {
	// Credentials live behind pointers so that printing a Client value
	// with fmt shows addresses, never secrets.
	opts *options
	log  *slog.Logger
	cred *credentials
	// dial opens a new transport, for reconnects; nil when the client
	// cannot reconnect (NewClient without WithDialer).
	dial func(ctx context.Context) (transport.Transport, error)

	mu       sync.Mutex
	sessions map[uint64]*Session
	e        *engine       // the current connection
	ready    chan struct{} // closed while connected; a new open one while reconnecting
	state    ConnState

	quit      chan struct{} // closed when the client is done
	stopping  chan struct{} // closed by Close
	stopOnce  sync.Once
	closeOnce sync.Once
	kaDone    chan struct{}
	reconnWG  sync.WaitGroup
	err       error // why the client is done
}

// Dial connects to the Janus API at rawURL: "ws://" or "wss://" for
// WebSocket, "http://" or "https://" for HTTP long-poll (the URL of the
// API endpoint, usually ending in /janus).
//
// Dial errors start with "janus:" and say what to check, with the cause
// in the chain (errors.Is(err, syscall.ECONNREFUSED) natively when
// nothing listens). A URL that reaches Janus but is its admin API, or an
// HTTP path that is no Janus endpoint, fails here with an error matching
// ErrWrongEndpoint.
func Dial(ctx context.Context, rawURL string, opts ...Option) (*Client, error) {
	return DialServers(ctx, []string{rawURL}, opts...)
}

// DialServers connects to the first server of urls that answers, trying
// them in order (as janus.js does with a list of servers).
//
// When the connection drops, each reconnect attempt tries the server that
// worked last first (the only one that can give the sessions back, within
// its reclaim_session_timeout), then the others in the order given: the
// list is an order of preference, so a client that fell back from the
// first server returns to it, not to the next one down, when the one it
// is on dies. A server that worked but does not know the sessions ends
// them with an error matching ErrSessionNotFound.
//
// When ctx has a deadline (each reconnect attempt has the transaction
// timeout), the time left is shared among the servers not tried yet, so
// that one that does not answer (a dead host, a black-holed network, a
// hung server) leaves time for the next.
func DialServers(ctx context.Context, urls []string, opts ...Option) (*Client, error) {
	if len(urls) == 0 {
		return nil, fmt.Errorf("janus: no server URL")
	}
	o := buildOptions(opts)
	var mu sync.Mutex
	last := 0 // the server that worked last
	dial := func(ctx context.Context) (transport.Transport, error) {
		mu.Lock()
		order := preference(len(urls), last)
		mu.Unlock()
		var errs []error
		for i, k := range order {
			sctx, cancel := shareDeadline(ctx, len(order)-i)
			tr, err := dialTransport(sctx, urls[k], ws.Protocol, o)
			cancel()
			if err == nil {
				mu.Lock()
				last = k
				mu.Unlock()
				return tr, nil
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		return nil, errors.Join(errs...)
	}
	tr, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	if o.dialer == nil {
		o.dialer = dial
	}
	return newClient(tr, o), nil
}

// preference is the order in which a dial tries n servers: last (the one
// that worked last) first, then the others in the order of the list.
func preference(n, last int) []int {
	order := make([]int, 0, n)
	order = append(order, last)
	for k := range n {
		if k != last {
			order = append(order, k)
		}
	}
	return order
}

// shareDeadline returns the context of one of the left servers a dial
// has yet to try: its share of the time left when ctx has a deadline.
func shareDeadline(ctx context.Context, left int) (context.Context, context.CancelFunc) {
	d, ok := ctx.Deadline()
	if !ok || left <= 1 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Until(d)/time.Duration(left))
}

// NewClient returns a client over an existing transport (for example the
// in-memory one of package mem, or a custom transport). It reconnects only
// when WithDialer gives it a way to open a new transport.
func NewClient(tr transport.Transport, opts ...Option) *Client {
	return newClient(tr, buildOptions(opts))
}

func dialTransport(ctx context.Context, rawURL, subprotocol string, o options) (transport.Transport, error) {
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, &URLError{URL: rawURL, Reason: "no scheme (want ws://, wss://, http:// or https://)"}
	}
	topts := transport.Options{
		Subprotocol:   subprotocol,
		ReadLimit:     o.readLimit,
		MaxEvents:     o.maxEvents,
		NativeOptions: o.native,
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
		return ws.Dial(ctx, rawURL, topts)
	case "http", "https":
		tr, err := longpoll.New(rawURL, topts)
		if err != nil {
			return nil, errorf("janus: %w", err)
		}
		// A wrong or dead endpoint, or the other API's, fails here, not at
		// the first request.
		if err := tr.Probe(ctx); err != nil {
			_ = tr.Close()
			return nil, err
		}
		return tr, nil
	default:
		return nil, &URLError{URL: rawURL, Reason: fmt.Sprintf("unsupported URL scheme %q (want ws, wss, http or https)", scheme)}
	}
}

func newClient(tr transport.Transport, o options) *Client {
	c := &Client{
		opts:     &o,
		log:      o.logger,
		cred:     &credentials{apiSecret: o.apiSecret, token: o.token},
		dial:     o.dialer,
		sessions: make(map[uint64]*Session),
		ready:    make(chan struct{}),
		quit:     make(chan struct{}),
		stopping: make(chan struct{}),
		kaDone:   make(chan struct{}),
	}
	if o.reconnect.Disabled {
		c.dial = nil
	}
	close(c.ready)
	c.e = c.newEngine(tr)
	c.e.start()
	go c.keepaliveLoop()
	return c
}

func (c *Client) newEngine(tr transport.Transport) *engine {
	e := newEngine(tr, c.log, c.opts.txTimeout)
	e.onEvent = c.route
	e.onClose = c.engineClosed
	return e
}

// Close closes the connection. Sessions are not destroyed on the server
// (Janus destroys them itself when a WebSocket closes, unless
// reclaim_session_timeout lets another connection claim them); every
// session and handle ends with ErrClosed and their event streams close.
// Close stops a reconnect in progress and waits for the client's
// goroutines to end.
func (c *Client) Close() error {
	c.stopOnce.Do(func() { close(c.stopping) })
	c.current().close()
	c.reconnWG.Wait()
	c.finish(ErrClosed)
	<-c.kaDone
	return nil
}

// Done is closed when the client is closed or its connection is lost for
// good.
func (c *Client) Done() <-chan struct{} { return c.quit }

// Err returns why the client is done (ErrClosed or an error matching
// ErrDisconnected), or nil while it runs.
func (c *Client) Err() error {
	select {
	case <-c.quit:
		return c.err
	default:
		return nil
	}
}

// current returns the current connection.
func (c *Client) current() *engine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.e
}

// finish ends every session with err and marks the client done. It runs
// once.
func (c *Client) finish(err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		sessions := c.sessions
		c.sessions = make(map[uint64]*Session)
		c.mu.Unlock()
		for _, s := range sessions {
			s.end(err)
		}
		c.mu.Lock()
		c.err = err
		if errors.Is(err, ErrClosed) {
			c.state = StateClosed
		} else {
			c.state = StateLost
		}
		c.mu.Unlock()
		close(c.quit)
	})
}

// do sends a request on the current connection. While the client
// reconnects it waits for the new connection. A request that never
// reached the server (the connection was down, or failed under the
// write) is sent again on the next connection; one cut off in flight is
// sent again only when it is safe to repeat (info, claim, keepalive), and
// otherwise fails with an error matching ErrDisconnected. The whole
// request, waits included, ends by ctx's deadline or, when ctx has none,
// by the transaction timeout from its start.
func (c *Client) do(ctx context.Context, msg outgoing, mode waitMode, onReply func(*frame)) (*frame, error) {
	start := time.Now()
	var due time.Time // set once the request has to wait: the deadline of the whole request
	retries := 0
	for {
		c.mu.Lock()
		e, ready := c.e, c.ready
		c.mu.Unlock()
		select {
		case <-c.quit:
			// Done for good: the last connection's error says why.
			return e.do(ctx, msg, mode, onReply)
		default:
		}
		select {
		case <-ready:
		default:
			due = c.due(ctx, due, start)
			if err := c.pause(ctx, msg.kind(), ready, 0, due); err != nil {
				return nil, err
			}
			continue
		}
		f, err := e.doUntil(ctx, msg, mode, onReply, due)
		if errors.Is(err, ErrSessionNotFound) {
			c.sessionGone(msg, err)
		}
		if err == nil || c.dial == nil || !errors.Is(err, ErrDisconnected) || ctx.Err() != nil {
			return f, err
		}
		switch {
		case isNotSent(err):
			// The connection was down or went down under the write: its
			// read loop is ending, and engineClosed marks the client
			// reconnecting (or gives up) before done is closed. Then send
			// it again. A transport without a connection to lose (HTTP)
			// stays up: try again after a pause that grows.
			due = c.due(ctx, due, start)
			retries++
			if err := c.pause(ctx, msg.kind(), e.done, retryPause(retries), due); err != nil {
				return nil, err
			}
			continue
		case resendable(msg.kind()):
			// Cut off in flight by a drop (not a failed HTTP request): safe
			// to send again.
			select {
			case <-e.done:
				due = c.due(ctx, due, start)
				continue
			default:
			}
		}
		return f, err
	}
}

// sessionGone ends the session a request addressed when the server
// answered that it does not know it (458): over HTTP, after a restart, a
// request may learn it before the session's poll does.
func (c *Client) sessionGone(msg outgoing, err error) {
	if id, _ := msg.route(); id != 0 {
		if s := c.sessionEntry(id); s != nil {
			s.end(err) // or waits until it has ended
		}
	}
}

// due returns the deadline of a request that has to wait: the one it has,
// or, when ctx has no deadline, the transaction timeout from the request's
// start (not from the first wait, which may come after a first send that
// was cut off in flight).
func (c *Client) due(ctx context.Context, due, start time.Time) time.Time {
	if !due.IsZero() {
		return due
	}
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return start.Add(c.opts.txTimeout)
}

// retryPause is the pause before the n-th resend of a request that did not
// reach the server over a transport that stays up: 50 ms, doubling to 1 s.
func retryPause(n int) time.Duration {
	return min(50*time.Millisecond<<min(n-1, 5), time.Second)
}

// pause waits until ready is closed or, if after > 0, after has passed.
// It fails when ctx ends, due passes (a timeout) or the client is done.
func (c *Client) pause(ctx context.Context, request string, ready <-chan struct{}, after time.Duration, due time.Time) error {
	wait := time.Until(due)
	if wait <= 0 {
		return &timeoutError{request: request}
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	var retry <-chan time.Time
	if after > 0 {
		t := time.NewTimer(after)
		defer t.Stop()
		retry = t.C
	}
	select {
	case <-ready:
		return nil
	case <-retry:
		return nil
	case <-ctx.Done():
		return ctxError(request, ctx.Err())
	case <-deadline.C:
		return &timeoutError{request: request}
	case <-c.quit:
		return errorf("janus: %s: %w", request, c.err)
	}
}

// resendable reports whether a request may be sent twice without harm.
func resendable(kind string) bool {
	switch kind {
	case "info", "claim", "keepalive", "ping":
		return true
	}
	return false
}

// Info asks the server for its version, settings, transports and plugins.
func (c *Client) Info(ctx context.Context, opts ...CallOption) (*ServerInfo, error) {
	r := &request{Janus: "info"}
	c.cred.with(buildCallOptions(opts)).apply(r)
	f, err := c.do(ctx, r, waitReply, nil)
	if err != nil {
		return nil, err
	}
	return decodeServerInfo(f.raw)
}

// CreateSession creates a session. Its keepalives run until it is
// destroyed, expires or the client closes.
func (c *Client) CreateSession(ctx context.Context, opts ...CallOption) (*Session, error) {
	cred := c.cred.with(buildCallOptions(opts))
	r := &request{Janus: "create"}
	cred.apply(r)
	var s *Session
	_, err := c.do(ctx, r, waitReply, func(f *frame) {
		if id, err := decodeID(f.Data); err == nil && id != 0 {
			s = c.addSession(id, cred)
		}
	})
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errorf("janus: create: %w: no session id", ErrBadAnswer)
	}
	return s, nil
}

// ClaimSession takes over a session that was created on another
// connection (or on this one before it dropped). The server must allow
// it: over WebSocket, Janus keeps a session after its connection closes
// only for reclaim_session_timeout seconds. Handles of the claimed session
// can be used again through Session.AdoptHandle.
func (c *Client) ClaimSession(ctx context.Context, id uint64, opts ...CallOption) (*Session, error) {
	cred := c.cred.with(buildCallOptions(opts))
	r := &request{Janus: "claim", SessionID: id}
	cred.apply(r)
	var s *Session
	_, err := c.do(ctx, r, waitReply, func(*frame) { s = c.addSession(id, cred) })
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Session returns the live session with the given id, or nil.
func (c *Client) Session(id uint64) *Session {
	if s := c.sessionEntry(id); s != nil && !s.isEnded() {
		return s
	}
	return nil
}

// sessionEntry returns the session with id while the client knows it,
// also while it is ending.
func (c *Client) sessionEntry(id uint64) *Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessions[id]
}

// Sessions returns the live sessions.
func (c *Client) Sessions() []*Session {
	c.mu.Lock()
	all := make([]*Session, 0, len(c.sessions))
	for _, s := range c.sessions {
		all = append(all, s)
	}
	c.mu.Unlock()
	out := all[:0]
	for _, s := range all {
		if !s.isEnded() {
			out = append(out, s)
		}
	}
	return out
}

func (c *Client) addSession(id uint64, cred credentials) *Session {
	c.mu.Lock()
	s := c.sessions[id]
	if s == nil {
		s = newSession(c, id, cred)
		c.sessions[id] = s
	}
	c.mu.Unlock()
	if obs := c.observer(); obs != nil {
		obs.SessionOpened(transport.Session{ID: id, APISecret: cred.apiSecret, Token: cred.token})
	}
	return s
}

func (c *Client) removeSession(s *Session) {
	c.mu.Lock()
	if c.sessions[s.id] == s {
		delete(c.sessions, s.id)
	}
	c.mu.Unlock()
	if obs := c.observer(); obs != nil {
		obs.SessionClosed(s.id)
	}
}

// route delivers a message that answers no waiting request. It runs in
// the read loop.
func (c *Client) route(f *frame) {
	switch f.Janus {
	case "keepalive", "ack":
		return // HTTP polls that timed out; stray acks
	}
	c.mu.Lock()
	s := c.sessions[f.SessionID]
	c.mu.Unlock()
	if s == nil {
		c.log.Debug("janus: event for unknown session dropped", logIDs(f.SessionID, f.Sender, "janus", f.Janus)...)
		return
	}
	switch f.Janus {
	case "timeout":
		s.events.push(&Timeout{Source{Session: s.id}})
		s.end(ErrSessionTimeout)
		return
	case "error":
		if f.Error != nil && f.Error.Code == CodeSessionNotFound {
			// The server no longer knows the session (HTTP poll).
			s.end(apiError("poll", f))
			return
		}
		c.log.Warn("janus: unsolicited error", logIDs(s.id, f.Sender, "code", errCode(f), "reason", errReason(f))...)
		return
	}
	h := s.Handle(f.Sender)
	if h == nil {
		c.log.Debug("janus: event for unknown handle dropped", logIDs(s.id, f.Sender, "janus", f.Janus)...)
		return
	}
	src := Source{Session: s.id, Handle: h.id}
	switch f.Janus {
	case "event":
		ev := &PluginEvent{Source: src, JSEP: f.JSEP, Transaction: f.Transaction}
		if f.PluginData != nil {
			ev.Plugin, ev.Data = f.PluginData.Plugin, f.PluginData.Data
		}
		h.events.push(h.decode(ev))
	case "webrtcup":
		h.events.push(&WebRTCUp{src})
	case "media":
		h.events.push(&Media{Source: src, Mid: f.Mid, Type: f.Type, Receiving: f.Receiving, Seconds: f.Seconds, Substream: f.Substream})
	case "slowlink":
		h.events.push(&SlowLink{Source: src, Mid: f.Mid, Media: f.Media, Uplink: f.Uplink, Lost: f.Lost})
	case "hangup":
		h.events.push(&Hangup{Source: src, Reason: f.Reason})
	case "trickle":
		ev := &Trickle{Source: src}
		if f.Candidate != nil {
			ev.Candidate = *f.Candidate
		}
		h.events.push(ev)
	case "detached":
		h.events.push(&Detached{src})
		h.end(nil)
	default:
		c.log.Warn("janus: unknown message type dropped", logIDs(s.id, h.id, "janus", f.Janus)...)
	}
}

func errCode(f *frame) int {
	if f.Error == nil {
		return 0
	}
	return f.Error.Code
}

func errReason(f *frame) string {
	if f.Error == nil {
		return ""
	}
	return f.Error.Reason
}
