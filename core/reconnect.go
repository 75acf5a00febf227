package core

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gojanus/gojanus/core/transport"
)

// ConnState is the state of a Client's connection.
type ConnState int

// Connection states, reported by Client.State and WithStateHandler.
const (
	// StateConnected: requests flow.
	StateConnected ConnState = iota
	// StateReconnecting: the connection dropped; the client dials again
	// and requests wait for it.
	StateReconnecting
	// StateReconnected is reported once after a successful reconnect (the
	// sessions were claimed); State then says StateConnected.
	StateReconnected
	// StateLost: the client gave up reconnecting; its sessions ended.
	StateLost
	// StateClosed: Close was called.
	StateClosed
)

// String names the state.
func (s ConnState) String() string {
	switch s {
	case StateConnected:
		return "connected"
	case StateReconnecting:
		return "reconnecting"
	case StateReconnected:
		return "reconnected"
	case StateLost:
		return "lost"
	case StateClosed:
		return "closed"
	}
	return fmt.Sprintf("ConnState(%d)", int(s))
}

// ReconnectPolicy says how a client redials after its connection drops.
// Each attempt waits Initial, then Multiplier times longer, up to Max,
// each wait varied by up to Jitter (a fraction) so that many clients do
// not redial in step. The client gives up after MaxAttempts attempts or
// MaxElapsed, whichever comes first (0: no limit).
//
// After a reconnect the client claims each of its sessions. Over
// WebSocket, Janus keeps a session whose connection closed only for its
// reclaim_session_timeout (0 by default: destroyed at once), so set it on
// the server for sessions to survive; a session the server no longer
// knows ends with an error matching ErrSessionNotFound.
type ReconnectPolicy struct {
	// Disabled turns reconnecting off: a drop ends every session.
	Disabled    bool
	Initial     time.Duration
	Max         time.Duration
	Multiplier  float64
	Jitter      float64
	MaxAttempts int
	MaxElapsed  time.Duration
}

// DefaultReconnectPolicy is the policy of clients made by Dial.
var DefaultReconnectPolicy = ReconnectPolicy{
	Initial:    250 * time.Millisecond,
	Max:        10 * time.Second,
	Multiplier: 2,
	Jitter:     0.2,
	MaxElapsed: 2 * time.Minute,
}

// State returns the connection's state.
func (c *Client) State() ConnState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Client) notify(state ConnState, err error) {
	if c.opts.onState != nil {
		c.opts.onState(state, err)
	}
}

// observer returns the current transport's session observer, if any.
func (c *Client) observer() transport.SessionObserver {
	obs, _ := c.current().tr.(transport.SessionObserver)
	return obs
}

// engineClosed runs when a connection's read loop ends (in that loop,
// before its waiting calls return). The current connection's drop starts
// a reconnect, or ends the client.
func (c *Client) engineClosed(e *engine, err error) {
	c.mu.Lock()
	if c.e != e {
		c.mu.Unlock()
		return // a connection the reconnect loop is still setting up
	}
	stopping := false
	select {
	case <-c.stopping:
		stopping = true
	default:
	}
	// A message over the read limit would come again: no reconnect.
	if stopping || c.dial == nil || errors.Is(err, ErrClosed) || errors.Is(err, transport.ErrFrameTooLarge) {
		c.mu.Unlock()
		if !stopping {
			c.finish(err)
		}
		return
	}
	c.state = StateReconnecting
	c.ready = make(chan struct{})
	c.reconnWG.Add(1)
	c.mu.Unlock()
	go c.reconnect(err)
}

// reconnect redials with backoff until the connection is back (and the
// sessions are claimed), the policy gives up, or Close is called.
func (c *Client) reconnect(cause error) {
	defer c.reconnWG.Done()
	c.log.Warn("janus: connection lost, reconnecting", "err", cause)
	c.notify(StateReconnecting, cause)
	p := c.opts.reconnect
	start := time.Now()
	wait := p.Initial
	for attempt := 1; ; attempt++ {
		if (p.MaxAttempts > 0 && attempt > p.MaxAttempts) || (p.MaxElapsed > 0 && time.Since(start) > p.MaxElapsed) {
			err := errorf("%w: gave up reconnecting after %d attempts: %w", ErrDisconnected, attempt-1, cause)
			c.log.Error("janus: connection lost for good", "err", err)
			c.finish(err)
			c.notify(StateLost, err)
			return
		}
		if !c.sleep(jitter(wait, p.Jitter)) {
			return // Close
		}
		wait = min(time.Duration(float64(wait)*max(p.Multiplier, 1)), max(p.Max, p.Initial))
		e, err := c.redial()
		if err != nil {
			cause = err
			c.log.Info("janus: reconnect attempt failed", "attempt", attempt, "err", err)
			continue
		}
		c.mu.Lock()
		select {
		case <-c.stopping:
			c.mu.Unlock()
			e.close()
			return
		default:
		}
		if err := e.failed(); err != nil {
			// The new connection dropped before it was adopted: its
			// engineClosed saw another current engine and did nothing,
			// so this loop goes on. (Checked under c.mu: a drop after
			// this point finds e current and starts a new reconnect.)
			c.mu.Unlock()
			cause = err
			c.log.Info("janus: reconnect attempt failed", "attempt", attempt, "err", err)
			continue
		}
		c.e = e
		c.state = StateConnected
		close(c.ready)
		c.mu.Unlock()
		c.log.Info("janus: reconnected", "attempt", attempt)
		c.notify(StateReconnected, nil)
		return
	}
}

// sleep waits d unless Close is called first.
func (c *Client) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.stopping:
		return false
	}
}

// redial opens a new connection and claims every live session on it.
func (c *Client) redial() (*engine, error) {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.stopping:
			cancel()
		case <-base.Done():
		}
	}()
	dialCtx, cancelDial := context.WithTimeout(base, c.opts.txTimeout)
	tr, err := c.dial(dialCtx)
	cancelDial()
	if err != nil {
		return nil, err
	}
	e := c.newEngine(tr)
	e.start()
	obs, _ := tr.(transport.SessionObserver)
	for _, s := range c.Sessions() {
		r := &request{Janus: "claim", SessionID: s.id}
		s.cred.apply(r)
		_, err := e.do(base, r, waitReply, nil) // e.do applies the transaction timeout
		switch {
		case err == nil:
			if obs != nil {
				obs.SessionOpened(transport.Session{ID: s.id, APISecret: s.cred.apiSecret, Token: s.cred.token})
			}
		case errors.Is(err, ErrDisconnected) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrClosed) || base.Err() != nil:
			e.close()
			return nil, err
		default:
			// The server no longer knows the session (restarted, or past
			// its reclaim_session_timeout).
			c.log.Warn("janus: session could not be claimed after reconnect", logIDs(s.id, 0, "err", err)...)
			s.end(err)
		}
	}
	return e, nil
}

// jitter varies d by up to ±f.
func jitter(d time.Duration, f float64) time.Duration {
	if f <= 0 || d <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 + f*(2*rand.Float64()-1)))
}
