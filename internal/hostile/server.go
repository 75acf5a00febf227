// Package hostile is a scriptable Janus server for tests, on 127.0.0.1
// (a free port), that speaks the Janus API over both transports at once:
// WebSocket (subprotocol "janus-protocol", at any path) and HTTP long-poll
// (POST /janus, /janus/{session}, /janus/{session}/{handle}; GET
// /janus/{session}?maxev=N).
//
// It answers the basic protocol as Janus does (info, create, attach,
// keepalive, message with an ack then an event, claim, trickle, hangup,
// detach, destroy), so that a real client can be driven, and lets a test
// make it misbehave: answer the next request of a kind with any frames
// (OnNext), send frames of its own (Push), text or binary, oversized,
// malformed or cut in the middle before the TCP connection is closed, and
// flood a handle with events (Flood).
package hostile

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Server is a running hostile Janus server. Its methods are safe for
// concurrent use.
type Server struct {
	srv       *httptest.Server
	ctx       context.Context // ends when the server closes
	cancel    context.CancelFunc
	closeOnce sync.Once
	wg        sync.WaitGroup // WebSocket handlers (httptest forgets hijacked connections)

	mu       sync.Mutex
	closed   bool
	nextID   uint64
	sessions map[uint64]*session
	conns    []*wsConn // open WebSockets, oldest first
	scripts  map[string][]func(Request) Reply

	injected atomic.Int64
	accepted atomic.Int64
}

// connKey is the request context key of the request's TCP connection.
type connKey struct{}

// New starts a server on 127.0.0.1 and closes it when the test ends.
func New(tb testing.TB) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ctx:      ctx,
		cancel:   cancel,
		nextID:   4_000_000_000, // ids like Janus's: large
		sessions: make(map[uint64]*session),
		scripts:  make(map[string][]func(Request) Reply),
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, c)
	}
	s.srv.Start()
	tb.Cleanup(s.Close)
	return s
}

// WSURL is the server's WebSocket URL.
func (s *Server) WSURL() string { return "ws://" + s.srv.Listener.Addr().String() + "/" }

// HTTPURL is the URL of the server's HTTP endpoint, /janus.
func (s *Server) HTTPURL() string { return "http://" + s.srv.Listener.Addr().String() + "/janus" }

// Close stops the server: open WebSockets and waiting long polls end.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := slices.Clone(s.conns)
		s.mu.Unlock()
		s.cancel()
		for _, c := range conns {
			_ = c.c.CloseNow()
		}
		s.srv.Close()
		s.wg.Wait()
	})
}

// OnNext makes the server answer the next request of type janus ("info",
// "message", ...) with what fn returns instead of its own answer (which
// is not made: a create answered this way creates no session). Calls
// queue up: each answers one request, in order.
func (s *Server) OnNext(janus string, fn func(Request) Reply) {
	s.mu.Lock()
	s.scripts[janus] = append(s.scripts[janus], fn)
	s.mu.Unlock()
}

// Push sends frames of the server's own to the client, in order, on the
// event path of the session: over WebSocket the connection that created
// or last claimed it (or the newest connection, for a session the server
// does not know), over HTTP its long polls. It returns once the frames are
// written (WebSocket) or queued (HTTP). What the frames say (which
// session, which handle) is up to the test.
func (s *Server) Push(session uint64, frames ...Frame) error {
	items := make([]queued, len(frames))
	for i, f := range frames {
		items[i] = queued{f: f}
	}
	return s.push(session, items, len(frames))
}

// Flood sends n plugin events to handle of session, with data
// {"seq":1} to {"seq":n}, made one by one as they are sent. Like Push it
// returns once they are written (WebSocket) or queued (HTTP).
func (s *Server) Flood(session, handle uint64, n int) error {
	return s.push(session, []queued{{flood: &flood{session: session, handle: handle, n: n}}}, n)
}

// push sends or queues items, which hold n frames.
func (s *Server) push(session uint64, items []queued, n int) error {
	ws, q, err := s.eventPath(session)
	if err != nil {
		return err
	}
	s.injected.Add(int64(n))
	if q != nil {
		q.push(items...)
		return nil
	}
	for _, it := range items {
		if it.flood == nil {
			if err := ws.send(s.ctx, it.f); err != nil {
				return err
			}
			continue
		}
		for it.flood.sent < it.flood.n {
			if err := ws.send(s.ctx, Frame{Body: it.flood.next()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// eventPath returns where events of session go: a WebSocket or a long
// poll queue.
func (s *Server) eventPath(session uint64) (*wsConn, *eventQueue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[session]
	switch {
	case sess != nil && sess.ws != nil:
		return sess.ws, nil, nil
	case sess != nil:
		return nil, sess.queue, nil
	case len(s.conns) > 0:
		return s.conns[len(s.conns)-1], nil, nil
	}
	return nil, nil, fmt.Errorf("hostile: no session %d and no WebSocket to send to", session)
}

// Queued is the number of frames waiting in the long-poll queue of a
// session created over HTTP (a flood counts as one).
func (s *Server) Queued(session uint64) int {
	s.mu.Lock()
	sess := s.sessions[session]
	s.mu.Unlock()
	if sess == nil {
		return 0
	}
	return sess.queue.len()
}

// Injected is the number of frames sent by Push, Flood and OnNext's
// functions so far.
func (s *Server) Injected() int64 { return s.injected.Load() }

// Connections is the number of WebSocket connections accepted so far.
func (s *Server) Connections() int64 { return s.accepted.Load() }

// serve routes a request to the WebSocket or the HTTP transport.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.serveWS(w, r)
		return
	}
	s.serveHTTP(w, r)
}

// reply returns what the server sends for r: a script's reply, or the
// protocol's. via is the WebSocket r came on (nil over HTTP).
func (s *Server) reply(r Request, via *wsConn) Reply {
	s.mu.Lock()
	if fns := s.scripts[r.Janus]; len(fns) > 0 {
		s.scripts[r.Janus] = fns[1:]
		s.mu.Unlock()
		rep := fns[0](r)
		s.injected.Add(int64(rep.frames()))
		return rep
	}
	defer s.mu.Unlock()
	return s.protocol(r, via)
}
