package core

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sync"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/longpoll"
	"github.com/gojanus/gojanus/core/transport/ws"
)

// Client is one connection to the Janus API. It is safe for concurrent
// use by many goroutines.
type Client struct {
	e    *engine
	obs  transport.SessionObserver // nil unless the transport needs it
	opts options
	log  *slog.Logger
	cred credentials

	mu       sync.Mutex
	sessions map[uint64]*Session

	quit      chan struct{} // closed when the client is done
	closeOnce sync.Once
	kaDone    chan struct{}
	err       error // why the client is done
}

// Dial connects to the Janus API at rawURL: "ws://" or "wss://" for
// WebSocket, "http://" or "https://" for HTTP long-poll (the URL of the
// API endpoint, usually ending in /janus).
func Dial(ctx context.Context, rawURL string, opts ...Option) (*Client, error) {
	o := buildOptions(opts)
	tr, err := dialTransport(ctx, rawURL, ws.Protocol, o)
	if err != nil {
		return nil, err
	}
	return newClient(tr, o), nil
}

// NewClient returns a client over an existing transport (for example the
// in-memory one of package mem, or a custom transport).
func NewClient(tr transport.Transport, opts ...Option) *Client {
	return newClient(tr, buildOptions(opts))
}

func dialTransport(ctx context.Context, rawURL, subprotocol string, o options) (transport.Transport, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("janus: bad server URL: %w", err)
	}
	topts := transport.Options{
		Subprotocol: subprotocol,
		ReadLimit:   o.readLimit,
		TLSConfig:   o.tlsConfig,
		HTTPClient:  o.httpClient,
		Header:      o.header,
		MaxEvents:   o.maxEvents,
	}
	switch u.Scheme {
	case "ws", "wss":
		return ws.Dial(ctx, rawURL, topts)
	case "http", "https":
		return longpoll.New(rawURL, topts)
	default:
		return nil, fmt.Errorf("janus: unsupported URL scheme %q (want ws, wss, http or https)", u.Scheme)
	}
}

func newClient(tr transport.Transport, o options) *Client {
	c := &Client{
		opts:     o,
		log:      o.logger,
		cred:     credentials{apiSecret: o.apiSecret, token: o.token},
		sessions: make(map[uint64]*Session),
		quit:     make(chan struct{}),
		kaDone:   make(chan struct{}),
	}
	c.obs, _ = tr.(transport.SessionObserver)
	c.e = newEngine(tr, o.logger, o.txTimeout)
	c.e.onEvent = c.route
	c.e.onClose = c.closed
	c.e.start()
	go c.keepaliveLoop()
	return c
}

// Close closes the connection. Sessions are not destroyed on the server
// (Janus destroys them itself when a WebSocket closes, unless
// reclaim_session_timeout lets another connection claim them); every
// session and handle ends with ErrClosed and their event streams close.
// Close waits for the client's goroutines to end.
func (c *Client) Close() error {
	c.e.close()
	<-c.kaDone
	return nil
}

// Done is closed when the client is closed or its connection is lost.
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

// closed runs once when the engine stops.
func (c *Client) closed(err error) {
	c.mu.Lock()
	sessions := c.sessions
	c.sessions = make(map[uint64]*Session)
	c.mu.Unlock()
	for _, s := range sessions {
		s.end(err)
	}
	c.closeOnce.Do(func() {
		c.err = err
		close(c.quit)
	})
}

// Info asks the server for its version, settings, transports and plugins.
func (c *Client) Info(ctx context.Context, opts ...CallOption) (*ServerInfo, error) {
	r := &request{Janus: "info"}
	c.cred.with(buildCallOptions(opts)).apply(r)
	f, err := c.e.do(ctx, r, waitReply, nil)
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
	_, err := c.e.do(ctx, r, waitReply, func(f *frame) {
		var d struct {
			ID uint64 `json:"id"`
		}
		if json.Unmarshal(f.Data, &d) == nil && d.ID != 0 {
			s = c.addSession(d.ID, cred)
		}
	})
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("janus: create: answer has no session id")
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
	_, err := c.e.do(ctx, r, waitReply, func(*frame) { s = c.addSession(id, cred) })
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Session returns the live session with the given id, or nil.
func (c *Client) Session(id uint64) *Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessions[id]
}

// Sessions returns the live sessions.
func (c *Client) Sessions() []*Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Session, 0, len(c.sessions))
	for _, s := range c.sessions {
		out = append(out, s)
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
	if c.obs != nil {
		c.obs.SessionOpened(transport.Session{ID: id, APISecret: cred.apiSecret, Token: cred.token})
	}
	return s
}

func (c *Client) removeSession(s *Session) {
	c.mu.Lock()
	if c.sessions[s.id] == s {
		delete(c.sessions, s.id)
	}
	c.mu.Unlock()
	if c.obs != nil {
		c.obs.SessionClosed(s.id)
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
		c.log.Debug("janus: event for unknown session dropped", "janus", f.Janus, "session", f.SessionID)
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
		c.log.Warn("janus: unsolicited error", "session", s.id, "code", errCode(f), "reason", errReason(f))
		return
	}
	h := s.Handle(f.Sender)
	if h == nil {
		c.log.Debug("janus: event for unknown handle dropped", "janus", f.Janus, "session", s.id, "handle", f.Sender)
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
		c.log.Warn("janus: unknown message type dropped", "janus", f.Janus, "session", s.id, "handle", h.id)
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
