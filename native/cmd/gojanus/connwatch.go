package main

import (
	"context"
	"sync"

	"github.com/gojanus/gojanus/core"
)

// connWatch follows the Janus sessions a command opened (openSession).
// When one ends on the server's or the connection's side (Janus
// restarted or stopped, the connection lost for good after the client's
// reconnect attempts), the media run ends with a *sessionLost instead of
// sending into nothing until its --duration, or forever. Its zero value
// watches nothing.
type connWatch struct {
	mu     sync.Mutex
	client *core.Client
	lost   chan struct{} // made by the first follow; closed when a session is lost
	err    error
}

// follow watches s, a session of c.
func (w *connWatch) follow(c *core.Client, s *core.Session) {
	w.mu.Lock()
	if w.lost == nil {
		w.lost = make(chan struct{})
	}
	w.client = c
	w.mu.Unlock()
	go func() {
		<-s.Done()
		if err := s.Err(); err != nil { // nil: the command destroyed it
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.err == nil {
				w.err = err
				close(w.lost)
			}
		}
	}()
}

// bind returns ctx, ended also when a session is lost.
func (w *connWatch) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	if w == nil {
		return ctx, func() {}
	}
	w.mu.Lock()
	lost := w.lost
	w.mu.Unlock()
	if lost == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-lost:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// lostErr returns the *sessionLost of a lost session, or nil.
func (w *connWatch) lostErr() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		return nil
	}
	return &sessionLost{w.err}
}

// reconnecting reports whether the client of the command's sessions is
// without a connection to Janus at the moment (dialling again).
func (w *connWatch) reconnecting() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	c := w.client
	w.mu.Unlock()
	return c != nil && c.State() == core.StateReconnecting
}

// sessionLost ends a media run whose Janus session ended.
type sessionLost struct{ err error }

func (e *sessionLost) Error() string { return "the Janus session ended: " + e.err.Error() }
func (e *sessionLost) Unwrap() error { return e.err }
