// Package mem is an in-memory transport for tests: the client end is a
// transport.Transport, the other end (Server) is driven by the test, which
// reads the client's requests and writes the server's messages.
package mem

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/gojanus/gojanus/core/transport"
)

// Transport is the client end of an in-memory connection.
type Transport struct {
	toServer chan transport.Request
	toClient chan []byte
	done     chan struct{} // closed by either end
	once     sync.Once
	err      error // why done was closed
	mu       sync.Mutex
	opened   []uint64
	closed   []uint64
}

// Server is the test's end of an in-memory connection.
type Server struct{ t *Transport }

var (
	_ transport.Transport       = (*Transport)(nil)
	_ transport.SessionObserver = (*Transport)(nil)
)

// ErrServerClosed is returned by the client end after Server.Close, as a
// dropped connection would be.
var ErrServerClosed = errors.New("janus: in-memory server closed the connection")

// New returns both ends of a connection. Messages are buffered (1024 in
// each direction) so a test can send without a reader.
func New() (*Transport, *Server) {
	t := &Transport{
		toServer: make(chan transport.Request, 1024),
		toClient: make(chan []byte, 1024),
		done:     make(chan struct{}),
	}
	return t, &Server{t: t}
}

func (t *Transport) shut(err error) {
	t.once.Do(func() {
		t.err = err
		close(t.done)
	})
}

// Send hands a request to the server end.
func (t *Transport) Send(ctx context.Context, req transport.Request) error {
	select {
	case <-t.done:
		return t.err
	default:
	}
	select {
	case t.toServer <- req:
		return nil
	case <-t.done:
		return t.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Recv returns the next message the server end sent.
func (t *Transport) Recv(ctx context.Context) ([]byte, error) {
	select {
	case b := <-t.toClient:
		return b, nil
	case <-t.done:
		// Drain what the server sent before it closed.
		select {
		case b := <-t.toClient:
			return b, nil
		default:
		}
		return nil, t.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close closes the connection from the client side.
func (t *Transport) Close() error {
	t.shut(transport.ErrClosed)
	return nil
}

// SessionOpened records the session (see Server.Opened).
func (t *Transport) SessionOpened(s transport.Session) {
	t.mu.Lock()
	t.opened = append(t.opened, s.ID)
	t.mu.Unlock()
}

// SessionClosed records the session (see Server.Closed).
func (t *Transport) SessionClosed(id uint64) {
	t.mu.Lock()
	t.closed = append(t.closed, id)
	t.mu.Unlock()
}

// Recv returns the next request the client sent.
func (s *Server) Recv(ctx context.Context) (transport.Request, error) {
	select {
	case r := <-s.t.toServer:
		return r, nil
	case <-s.t.done:
		return transport.Request{}, s.t.err
	case <-ctx.Done():
		return transport.Request{}, ctx.Err()
	}
}

// RecvJSON returns the next request decoded as a JSON object.
func (s *Server) RecvJSON(ctx context.Context) (map[string]any, error) {
	r, err := s.Recv(ctx)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(r.Body))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// Send delivers one raw message to the client.
func (s *Server) Send(frame []byte) error {
	select {
	case <-s.t.done:
		return s.t.err
	case s.t.toClient <- frame:
		return nil
	}
}

// SendJSON marshals v and delivers it to the client.
func (s *Server) SendJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.Send(b)
}

// Close drops the connection from the server side: the client's Recv
// returns ErrServerClosed once the queued messages are read.
func (s *Server) Close() { s.t.shut(ErrServerClosed) }

// Done is closed when either end closed the connection.
func (s *Server) Done() <-chan struct{} { return s.t.done }

// Opened returns the ids of sessions the client reported as opened.
func (s *Server) Opened() []uint64 {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	return append([]uint64(nil), s.t.opened...)
}

// Closed returns the ids of sessions the client reported as closed.
func (s *Server) Closed() []uint64 {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	return append([]uint64(nil), s.t.closed...)
}
