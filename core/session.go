package core

import (
	"context"
	"errors"
	"sync"
)

// Session is a Janus session: the owner of plugin handles, kept alive by
// the client's keepalives. It is safe for concurrent use.
type Session struct {
	c    *Client
	id   uint64
	cred *credentials // a pointer, so fmt prints no secret

	events *stream
	done   chan struct{}

	mu      sync.Mutex
	handles map[uint64]*Handle
	ended   bool
	err     error
}

func newSession(c *Client, id uint64, cred credentials) *Session {
	src := Source{Session: id}
	return &Session{
		c:       c,
		id:      id,
		cred:    &cred,
		events:  newStream(c.opts.eventBuffer, c.opts.maxQueued, c.quit, c.log, src),
		done:    make(chan struct{}),
		handles: make(map[uint64]*Handle),
	}
}

// ID returns the session id the server assigned.
func (s *Session) ID() uint64 { return s.id }

// Client returns the client the session belongs to.
func (s *Session) Client() *Client { return s.c }

// Events returns the session's own event stream: [*Timeout] when the
// server expires the session and [*KeepaliveFailed] when a keepalive gets
// no good answer. Handle events go to each handle's stream. The channel is
// closed when the session ends.
func (s *Session) Events() <-chan Event { return s.events.events() }

// Done is closed when the session has ended (destroyed, expired, found
// unknown to the server by a claim, poll or request answered 458, or its
// client closed).
func (s *Session) Done() <-chan struct{} { return s.done }

// Err returns why the session ended: nil after Destroy, ErrSessionTimeout,
// ErrClosed, an error matching ErrDisconnected or ErrSessionNotFound. It
// is nil while the session is live.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Attach attaches a handle to plugin ("janus.plugin.videoroom", ...).
// WithOpaqueID sets the handle's opaque id.
func (s *Session) Attach(ctx context.Context, plugin string, opts ...CallOption) (*Handle, error) {
	co := buildCallOptions(opts)
	r := &request{Janus: "attach", SessionID: s.id, Plugin: plugin, OpaqueID: co.opaqueID}
	s.cred.with(co).apply(r)
	var h *Handle
	_, err := s.c.do(ctx, r, waitReply, func(f *frame) {
		if id, err := decodeID(f.Data); err == nil && id != 0 {
			h = s.addHandle(id, plugin, co.opaqueID, co.decoder)
		}
	})
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errorf("janus: attach: %w: no handle id", ErrBadAnswer)
	}
	return h, nil
}

// AdoptHandle returns a Handle for an existing handle id of this session,
// for example one created before the session was claimed on a new
// connection. It does not contact the server. WithEventDecoder applies to
// a new Handle; a handle already known is returned as it is.
func (s *Session) AdoptHandle(id uint64, plugin string, opts ...CallOption) *Handle {
	return s.addHandle(id, plugin, "", buildCallOptions(opts).decoder)
}

// Handle returns the live handle with the given id, or nil.
func (s *Session) Handle(id uint64) *Handle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handles[id]
}

// Handles returns the session's live handles.
func (s *Session) Handles() []*Handle {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Handle, 0, len(s.handles))
	for _, h := range s.handles {
		out = append(out, h)
	}
	return out
}

// Keepalive sends one keepalive now and waits for its answer. The client
// already sends them periodically; this is for callers that turned that
// off or want to probe the session.
func (s *Session) Keepalive(ctx context.Context) error {
	_, err := s.c.do(ctx, s.keepaliveRequest(), waitReply, nil)
	return err
}

func (s *Session) keepaliveRequest() *request {
	r := &request{Janus: "keepalive", SessionID: s.id}
	s.cred.apply(r)
	return r
}

// Destroy destroys the session on the server. Its handles end with
// ErrSessionDestroyed. If the server no longer knows the session, the
// session ends anyway and the error matching ErrSessionNotFound is
// returned.
func (s *Session) Destroy(ctx context.Context) error {
	r := &request{Janus: "destroy", SessionID: s.id}
	s.cred.apply(r)
	_, err := s.c.do(ctx, r, waitReply, func(*frame) { s.end(nil) })
	if errors.Is(err, ErrSessionNotFound) {
		s.end(err)
	}
	return err
}

func (s *Session) addHandle(id uint64, plugin, opaqueID string, decoder EventDecoder) *Handle {
	s.mu.Lock()
	if s.ended {
		// The session ended while the attach was answered: the handle is
		// born ended, so that its stream is closed too.
		err := s.err
		s.mu.Unlock()
		if err == nil {
			err = ErrSessionDestroyed
		}
		h := newHandle(s, id, plugin, opaqueID, decoder)
		h.end(err)
		return h
	}
	defer s.mu.Unlock()
	h := s.handles[id]
	if h == nil {
		h = newHandle(s, id, plugin, opaqueID, decoder)
		s.handles[id] = h
	}
	return h
}

func (s *Session) removeHandle(h *Handle) {
	s.mu.Lock()
	if s.handles[h.id] == h {
		delete(s.handles, h.id)
	}
	s.mu.Unlock()
}

// end marks the session ended: its handles end, its stream closes and the
// client forgets it. err is nil for a normal destroy.
func (s *Session) end(err error) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		// Ending on another goroutine: return once it has ended, so that
		// a caller that ends it (a request answered 458) finds it done.
		<-s.done
		return
	}
	s.ended = true
	s.err = err
	handles := s.handles
	s.handles = make(map[uint64]*Handle)
	s.mu.Unlock()
	herr := err
	if herr == nil {
		herr = ErrSessionDestroyed
	}
	for _, h := range handles {
		h.end(herr)
	}
	s.events.close()
	close(s.done)
	// Last: until here a request that learns the session is gone (458)
	// finds it (sessionGone) and waits for its end; Client.Session and
	// Sessions no longer list it from the start.
	s.c.removeSession(s)
}

// isEnded reports whether the session has ended or is ending.
func (s *Session) isEnded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}
