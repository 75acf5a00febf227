package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gojanus/gojanus/core/transport"
)

// outgoing is a message the engine can send: the Janus API's request or
// an admin request.
type outgoing interface {
	kind() string
	route() (session, handle uint64)
	encode(tx string) ([]byte, error)
}

// waitMode says which answer completes a transaction.
type waitMode uint8

const (
	// waitReply: the first answer (success, error, ack, server_info...).
	waitReply waitMode = iota
	// waitEvent: a plugin message; an ack is not enough, the call waits
	// for the success or the event that carries the same transaction.
	waitEvent
)

// call is one transaction waiting for its answer.
type call struct {
	mode    waitMode
	request string
	ch      chan *frame // buffered; receives the answer once
	// onReply runs in the read loop before the answer is handed over, so
	// that state (a new session or handle) exists before the next message
	// is read.
	onReply func(*frame)
	// done, when set, replaces ch (fire-and-forget calls such as
	// keepalives): it receives the answer or an error.
	done  func(*frame, error)
	timer *time.Timer
}

// engine matches answers to transactions over one transport and hands
// every other message to onEvent. Client and Admin are built on it.
type engine struct {
	tr      transport.Transport
	log     *slog.Logger
	timeout time.Duration
	onEvent func(*frame)               // runs in the read loop
	onClose func(e *engine, err error) // runs once, in the read loop, after failing calls

	lastRecv atomic.Int64 // unix nanoseconds of the last message received
	abortErr atomic.Pointer[error]

	prefix string
	seq    atomic.Uint64

	mu      sync.Mutex
	pending map[string]*call
	err     error // set once the engine is closed

	done     chan struct{} // closed when the read loop has ended
	stopping atomic.Bool
}

func newEngine(tr transport.Transport, log *slog.Logger, timeout time.Duration) *engine {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &engine{
		tr:      tr,
		log:     log,
		timeout: timeout,
		prefix:  hex.EncodeToString(b[:]) + "-",
		pending: make(map[string]*call),
		done:    make(chan struct{}),
	}
}

// start launches the read loop. It ends when the transport is closed
// (Recv then fails): the loop passes no cancellable context to Recv, which
// would cost the WebSocket transport a context.AfterFunc per message.
func (e *engine) start() {
	e.lastRecv.Store(time.Now().UnixNano())
	go e.readLoop()
}

func (e *engine) newTx() string {
	return e.prefix + strconv.FormatUint(e.seq.Add(1), 36)
}

// do sends msg and waits for its answer, at most the engine's timeout.
// Error answers become *Error.
//
// The timeout is a pooled timer, not a context derived from ctx: sending
// with the caller's own ctx keeps the WebSocket transport from arming a
// context.AfterFunc per write when the caller has no deadline (a write
// blocked by a stuck server is ended by the stall check or Close).
func (e *engine) do(ctx context.Context, msg outgoing, mode waitMode, onReply func(*frame)) (*frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(msg.kind(), err)
	}
	c := &call{mode: mode, request: msg.kind(), ch: make(chan *frame, 1), onReply: onReply}
	tx, err := e.register(c)
	if err != nil {
		return nil, err
	}
	if err := e.send(ctx, tx, msg); err != nil {
		e.forget(tx)
		return nil, err
	}
	timer := getTimer(e.timeout)
	defer putTimer(timer)
	select {
	case f := <-c.ch:
		return e.result(c.request, f)
	case <-ctx.Done():
		if !e.forget(tx) {
			return e.late(c) // the answer won the race
		}
		return nil, ctxError(c.request, ctx.Err())
	case <-timer.C:
		if !e.forget(tx) {
			return e.late(c)
		}
		return nil, &timeoutError{request: c.request}
	case <-e.done:
		return e.late(c)
	}
}

// timers recycles the timers of engine.do.
var timers sync.Pool

// getTimer returns a running timer that fires after d.
func getTimer(d time.Duration) *time.Timer {
	if t, ok := timers.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// putTimer stops t and keeps it for getTimer. Since Go 1.23 a stopped
// timer's channel holds no stale value, so Reset is safe on reuse.
func putTimer(t *time.Timer) {
	t.Stop()
	timers.Put(t)
}

// late collects the answer of a call that is no longer pending: either
// the read loop is handing it over, or the engine shut down without one.
func (e *engine) late(c *call) (*frame, error) {
	select {
	case f := <-c.ch:
		return e.result(c.request, f)
	case <-e.done:
		// Every dispatch happens before done is closed.
		select {
		case f := <-c.ch:
			return e.result(c.request, f)
		default:
			return nil, e.closedErr(c.request)
		}
	}
}

// post sends msg without waiting; done receives the answer or an error
// (from the read loop or a timer). No goroutine waits for it.
func (e *engine) post(ctx context.Context, msg outgoing, done func(*frame, error)) {
	c := &call{mode: waitReply, request: msg.kind(), done: done}
	tx, err := e.register(c)
	if err != nil {
		done(nil, err)
		return
	}
	e.mu.Lock()
	c.timer = time.AfterFunc(e.timeout, func() {
		if e.forget(tx) {
			done(nil, &timeoutError{request: c.request})
		}
	})
	e.mu.Unlock()
	if err := e.send(ctx, tx, msg); err != nil {
		if e.forget(tx) {
			done(nil, err)
		}
	}
}

func (e *engine) register(c *call) (string, error) {
	tx := e.newTx()
	e.mu.Lock()
	closed := e.err != nil
	if !closed {
		e.pending[tx] = c
	}
	e.mu.Unlock()
	if closed {
		return "", notSent{e.closedErr(c.request)}
	}
	return tx, nil
}

// forget removes a pending call; false means it was already answered.
func (e *engine) forget(tx string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.pending[tx]
	if ok {
		delete(e.pending, tx)
		if c.timer != nil {
			c.timer.Stop()
		}
	}
	return ok
}

func (e *engine) send(ctx context.Context, tx string, msg outgoing) error {
	body, err := msg.encode(tx)
	if err != nil {
		return fmt.Errorf("janus: %s: encoding request: %w", msg.kind(), err)
	}
	if e.log.Enabled(ctx, slog.LevelDebug) {
		e.log.Debug("janus: send", "msg", redact(body))
	}
	s, h := msg.route()
	err = e.tr.Send(ctx, transport.Request{Janus: msg.kind(), Session: s, Handle: h, Body: body})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctxError(msg.kind(), ctx.Err())
	}
	if errors.Is(err, transport.ErrClosed) {
		return notSent{e.closedErr(msg.kind())}
	}
	if errors.Is(err, transport.ErrFrameTooLarge) {
		return fmt.Errorf("janus: %s: %w", msg.kind(), err)
	}
	return fmt.Errorf("janus: %s: %w: %w", msg.kind(), ErrDisconnected, err)
}

// result turns an answer into the value or error a call returns.
func (e *engine) result(request string, f *frame) (*frame, error) {
	if f.Janus == "error" {
		return nil, apiError(request, f)
	}
	return f, nil
}

func (e *engine) closedErr(request string) error {
	e.mu.Lock()
	err := e.err
	e.mu.Unlock()
	if err == nil || errors.Is(err, ErrClosed) {
		return fmt.Errorf("janus: %s: %w", request, ErrClosed)
	}
	return fmt.Errorf("janus: %s: %w", request, err)
}

func (e *engine) readLoop() {
	ctx := context.Background()
	var err error
	for {
		var b []byte
		b, err = e.tr.Recv(ctx)
		if err != nil {
			break
		}
		e.lastRecv.Store(time.Now().UnixNano())
		e.handle(b)
	}
	e.shutdown(err)
}

// handle dispatches one transport message.
func (e *engine) handle(b []byte) {
	if e.log.Enabled(context.Background(), slog.LevelDebug) {
		e.log.Debug("janus: recv", "msg", redact(b))
	}
	frames, err := decodeFrames(b)
	if err != nil {
		e.log.Warn("janus: dropping malformed message", "err", err, "msg", redact(b))
	}
	for _, f := range frames {
		e.dispatch(f)
	}
}

func (e *engine) dispatch(f *frame) {
	if f.Transaction != "" {
		e.mu.Lock()
		c := e.pending[f.Transaction]
		complete := false
		if c != nil {
			switch {
			case f.Janus == "ack" && c.mode == waitEvent:
				// Keep waiting for the event (or success) with this transaction.
			case f.Janus == "event" && c.mode != waitEvent:
				// An event for a call that only wanted the ack: it belongs
				// on the event stream.
				c = nil
			default:
				complete = true
				delete(e.pending, f.Transaction)
				if c.timer != nil {
					c.timer.Stop()
				}
			}
		}
		e.mu.Unlock()
		if complete {
			if c.onReply != nil && f.Janus != "error" {
				c.onReply(f)
			}
			if c.done != nil {
				res, err := e.result(c.request, f)
				c.done(res, err)
			} else {
				c.ch <- f
			}
			return
		}
		if c != nil {
			return // an ack we keep waiting past
		}
		if f.Janus != "event" {
			// The answer to a call that stopped waiting. (A plugin event
			// with a transaction goes on to the handle's stream.)
			e.log.Debug("janus: answer for a finished transaction", "janus", f.Janus)
			return
		}
	}
	if e.onEvent != nil {
		e.onEvent(f)
	}
}

// close stops the engine: the transport is closed, waiting calls fail with
// ErrClosed, and close returns when the read loop has ended.
func (e *engine) close() {
	e.stopping.Store(true)
	_ = e.tr.Close()
	<-e.done
}

// abort drops the connection because of cause (a stalled server): the
// read loop ends and the engine shuts down with cause.
func (e *engine) abort(cause error) {
	e.abortErr.CompareAndSwap(nil, &cause)
	_ = e.tr.Close()
}

// shutdown fails every pending call and runs onClose. It runs once, at the
// end of the read loop.
func (e *engine) shutdown(cause error) {
	if a := e.abortErr.Load(); a != nil {
		cause = *a
	}
	var err error
	if e.stopping.Load() {
		err = ErrClosed
	} else {
		err = fmt.Errorf("%w: %w", ErrDisconnected, cause)
		e.log.Warn("janus: connection lost", "err", cause)
	}
	e.mu.Lock()
	e.err = err
	pending := e.pending
	e.pending = make(map[string]*call)
	e.mu.Unlock()
	_ = e.tr.Close()
	for _, c := range pending {
		if c.timer != nil {
			c.timer.Stop()
		}
		if c.done != nil {
			c.done(nil, fmt.Errorf("janus: %s: %w", c.request, err))
		}
	}
	if e.onClose != nil {
		e.onClose(e, err)
	}
	close(e.done)
}

// notSent marks the error of a request that never reached the server (the
// connection was already down), so it can be sent again after a
// reconnect.
type notSent struct{ error }

func (n notSent) Unwrap() error { return n.error }

func isNotSent(err error) bool {
	var ns notSent
	return errors.As(err, &ns)
}
