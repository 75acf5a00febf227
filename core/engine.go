package core

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/randhex"
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
	done func(*frame, error)
	// session and handle are the ids the request addresses, for logs.
	session, handle uint64
	// deadline is when the call times out, in nanoseconds since the
	// engine's epoch (monotonic).
	deadline int64
}

// engine matches answers to transactions over one transport and hands
// every other message to onEvent. Client and Admin are built on it.
type engine struct {
	tr      transport.Transport
	log     *slog.Logger
	timeout time.Duration
	onEvent func(*frame)               // runs in the read loop
	onClose func(e *engine, err error) // runs once, in the read loop, after failing calls
	// admin: the engine speaks the admin API (for the hint of a 457 answer,
	// see wrongEndpoint).
	admin bool

	lastRecv atomic.Int64 // unix nanoseconds of the last message received
	// serverVersion is the Janus version learnt on this connection, 0
	// until asked (Client.ServerVersion).
	serverVersion atomic.Int64
	abortErr      atomic.Pointer[error]

	prefix string
	seq    atomic.Uint64

	// epoch is the origin of call deadlines (a monotonic clock reading).
	epoch time.Time

	mu      sync.Mutex
	pending map[string]*call
	err     error // set once the engine is closed
	// expiry fires at the earliest deadline of the pending calls;
	// expiryAt is that deadline, 0 when expiry is not armed. One timer
	// for all calls: a timer per call cost a wake of the network poller
	// per request (see expire).
	expiry   *time.Timer
	expiryAt int64

	done     chan struct{} // closed when the read loop has ended
	stopping atomic.Bool
}

func newEngine(tr transport.Transport, log *slog.Logger, timeout time.Duration) *engine {
	return &engine{
		tr:      tr,
		log:     log,
		timeout: timeout,
		prefix:  randhex.String(12) + "-",
		pending: make(map[string]*call),
		done:    make(chan struct{}),
		epoch:   time.Now(),
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
// The timeout is the engine's one expiry timer (see expire), not a
// context derived from ctx nor a timer per call: each of those cost a
// wake of the runtime's network poller per request, and sending with the
// caller's own ctx keeps the WebSocket transport from arming a
// context.AfterFunc per write when the caller has no deadline (a write
// blocked by a stuck server is ended by the stall check or Close).
func (e *engine) do(ctx context.Context, msg outgoing, mode waitMode, onReply func(*frame)) (*frame, error) {
	return e.doUntil(ctx, msg, mode, onReply, time.Time{})
}

// doUntil is do with the answer due by due instead of the engine's timeout
// from now (a zero due): a request sent again after a reconnect keeps the
// deadline it started with.
func (e *engine) doUntil(ctx context.Context, msg outgoing, mode waitMode, onReply func(*frame), due time.Time) (*frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(msg.kind(), err)
	}
	c := &call{mode: mode, request: msg.kind(), ch: make(chan *frame, 1), onReply: onReply}
	c.session, c.handle = msg.route()
	if !due.IsZero() {
		c.deadline = int64(due.Sub(e.epoch))
	}
	tx, err := e.register(c)
	if err != nil {
		return nil, err
	}
	if err := e.send(ctx, tx, msg, e.due(c), false); err != nil {
		e.forget(tx)
		return nil, err
	}
	select {
	case f := <-c.ch:
		return e.result(c.request, f)
	case <-ctx.Done():
		if !e.forget(tx) {
			return e.late(c) // the answer won the race
		}
		return nil, ctxError(c.request, ctx.Err())
	case <-e.done:
		return e.late(c)
	}
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
	c.session, c.handle = msg.route()
	tx, err := e.register(c)
	if err != nil {
		done(nil, err)
		return
	}
	if err := e.send(ctx, tx, msg, e.due(c), true); err != nil {
		if e.forget(tx) {
			done(nil, err)
		}
	}
}

func (e *engine) register(c *call) (string, error) {
	tx := e.newTx()
	if c.deadline == 0 {
		c.deadline = int64(time.Since(e.epoch) + e.timeout)
	}
	e.mu.Lock()
	closed := e.err != nil
	if !closed {
		e.pending[tx] = c
		if e.expiryAt == 0 || c.deadline < e.expiryAt {
			e.armExpiry(c.deadline)
		}
	}
	e.mu.Unlock()
	if closed {
		return "", notSent{e.closedErr(c.request)}
	}
	return tx, nil
}

// armExpiry sets the expiry timer to fire at deadline. e.mu is held.
// Every call gets the same timeout, so a new call's deadline is almost
// never earlier than the armed one: the timer is armed about once per
// timeout, not once per request.
func (e *engine) armExpiry(deadline int64) {
	e.expiryAt = deadline
	d := time.Duration(deadline) - time.Since(e.epoch)
	if e.expiry == nil {
		e.expiry = time.AfterFunc(d, e.expire)
		return
	}
	e.expiry.Reset(d)
}

// expire fails the pending calls whose deadline passed with a timeout
// error, and arms the timer for the earliest deadline left.
func (e *engine) expire() {
	now := int64(time.Since(e.epoch))
	var expired []*call
	e.mu.Lock()
	next := int64(0)
	for tx, c := range e.pending {
		if c.deadline <= now {
			delete(e.pending, tx)
			expired = append(expired, c)
		} else if next == 0 || c.deadline < next {
			next = c.deadline
		}
	}
	e.expiryAt = 0
	if next != 0 && e.err == nil {
		e.armExpiry(next)
	}
	e.mu.Unlock()
	for _, c := range expired {
		if c.done != nil {
			c.done(nil, &timeoutError{request: c.request})
		} else {
			c.ch <- nil // the waiter's result is a timeout
		}
	}
}

// forget removes a pending call; false means it was already answered.
func (e *engine) forget(tx string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.pending[tx]
	if ok {
		delete(e.pending, tx)
	}
	return ok
}

// due is when call c's answer is due, as a time.
func (e *engine) due(c *call) time.Time { return e.epoch.Add(time.Duration(c.deadline)) }

// send hands msg to the transport. A transport that waits for the answer
// (HTTP) stops waiting at due, or does not wait at all when background
// (post: nobody waits for the answer but a callback); an error after due
// is the request's timeout.
func (e *engine) send(ctx context.Context, tx string, msg outgoing, due time.Time, background bool) error {
	body, err := msg.encode(tx)
	if err != nil {
		return errorf("janus: %s: encoding request: %w", msg.kind(), err)
	}
	s, h := msg.route()
	if e.log.Enabled(ctx, slog.LevelDebug) {
		e.log.Debug("janus: send", logIDs(s, h, frameAttr(body))...)
	}
	err = e.tr.Send(ctx, transport.Request{Janus: msg.kind(), Session: s, Handle: h, Body: body, Due: due, Background: background})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctxError(msg.kind(), ctx.Err())
	}
	if !time.Now().Before(due) && !errors.Is(err, transport.ErrNotDelivered) && !errors.Is(err, transport.ErrClosed) {
		return &timeoutError{request: msg.kind()}
	}
	if errors.Is(err, transport.ErrClosed) {
		return notSent{e.closedErr(msg.kind())}
	}
	if errors.Is(err, transport.ErrNotDelivered) {
		// The connection failed under the write: the request never
		// reached the server, and goes out again on the next connection.
		return notSent{errorf("janus: %s: %w: %w", msg.kind(), ErrDisconnected, err)}
	}
	if errors.Is(err, transport.ErrFrameTooLarge) {
		return errorf("janus: %s: %w", msg.kind(), err)
	}
	return errorf("janus: %s: %w: %w", msg.kind(), ErrDisconnected, err)
}

// result turns an answer into the value or error a call returns; a nil
// answer is the expiry timer's (a timeout).
func (e *engine) result(request string, f *frame) (*frame, error) {
	if f == nil {
		return nil, &timeoutError{request: request}
	}
	if f.failed != nil {
		return nil, f.failed
	}
	if f.Janus == "error" {
		err := apiError(request, f)
		if err.Code == CodeInvalidRequestPath {
			if w := e.wrongEndpoint(request, err); w != nil {
				return nil, w
			}
		}
		return nil, err
	}
	return f, nil
}

// adminRequests are the admin API requests Janus knows, between spaces
// (a string, not a map: smaller in the wasm build). The Janus API
// endpoint answers each with 457 "Unhandled request ... at this path", as
// the admin endpoint answers create.
const adminRequests = " get_status list_sessions list_handles handle_info add_token list_tokens" +
	" allow_token disallow_token remove_token set_session_timeout set_log_level set_locking_debug" +
	" set_refcount_debug set_log_timestamps set_log_colors set_libnice_debug set_min_nack_queue" +
	" set_no_media_timer set_slowlink_threshold accept_new_sessions query_eventhandler" +
	" query_logger query_transport message_plugin start_pcap stop_pcap start_text2pcap" +
	" stop_text2pcap hangup_webrtc detach_handle destroy_session custom_event custom_logline" +
	" resolve_address test_stun "

// wrongEndpoint returns the error of a 457 answer that means the URL is
// the other API's endpoint (over HTTP, where both answer the same
// requests' paths), or nil. The error matches ErrWrongEndpoint and keeps
// err in its chain.
func (e *engine) wrongEndpoint(request string, err *Error) error {
	var hint string
	switch {
	case e.admin && request != "" && !strings.Contains(request, " ") && strings.Contains(adminRequests, " "+request+" "):
		hint = "the URL is the Janus API endpoint, not the admin API; the admin API usually is http://HOST:7088/admin"
	case !e.admin && request == "create":
		hint = "the URL is the Janus admin API endpoint, not the Janus API; the Janus API usually is http://HOST:8088/janus"
	default:
		return nil
	}
	return &dialerr.Error{Msg: err.Error() + " (" + hint + ")", Err: err, Match: ErrWrongEndpoint}
}

// closedErr is the error of a call on a closed engine or transport. A
// transport closed before the read loop recorded why (dropped, or aborted
// by the stall check) is a lost connection, not a closed client.
func (e *engine) closedErr(request string) error {
	e.mu.Lock()
	err := e.err
	e.mu.Unlock()
	if err == nil && !e.stopping.Load() {
		cause := transport.ErrClosed
		if a := e.abortErr.Load(); a != nil {
			cause = *a
		}
		err = errorf("%w: %w", ErrDisconnected, cause)
	}
	if err == nil || errors.Is(err, ErrClosed) {
		return errorf("janus: %s: %w", request, ErrClosed)
	}
	return errorf("janus: %s: %w", request, err)
}

func (e *engine) readLoop() {
	ctx := context.Background()
	var err error
	for {
		var b []byte
		b, err = e.tr.Recv(ctx)
		if lost := (*transport.EventsLost)(nil); errors.As(err, &lost) {
			e.eventsLost(lost)
			continue
		}
		if err != nil {
			break
		}
		e.lastRecv.Store(time.Now().UnixNano())
		e.handle(b)
	}
	e.shutdown(err)
}

// eventsLost fails the calls that wait for an event of the session whose
// events the transport may have lost (a long poll cut on its way back):
// their answers may have been among them. They reached the server, so
// they end as a call cut off by a dropped WebSocket does.
func (e *engine) eventsLost(lost *transport.EventsLost) {
	var failed []*call
	e.mu.Lock()
	for tx, c := range e.pending {
		if c.mode == waitEvent && c.session == lost.Session && c.done == nil {
			delete(e.pending, tx)
			failed = append(failed, c)
		}
	}
	e.mu.Unlock()
	switch {
	case errors.Is(lost.Err, transport.ErrFrameTooLarge):
		e.log.Warn("janus: dropping a poll's answer over the read limit, with the events in it", logIDs(lost.Session, 0, "calls_ended", len(failed), "err", lost.Err)...)
	case len(failed) > 0:
		e.log.Info("janus: a poll failed; calls waiting for an event of the session end", logIDs(lost.Session, 0, "calls", len(failed), "err", lost.Err)...)
	}
	for _, c := range failed {
		c.ch <- &frame{failed: errorf("janus: %s: %w: %w", c.request, ErrDisconnected, lost)}
	}
}

// handle dispatches one transport message.
func (e *engine) handle(b []byte) {
	frames, err := decodeFrames(b)
	debug := e.log.Enabled(context.Background(), slog.LevelDebug)
	for _, f := range frames {
		if debug {
			s, h := e.frameIDs(f)
			e.log.Debug("janus: recv", logIDs(s, h, frameAttr(f.raw))...)
		}
		e.dispatch(f)
	}
	if err != nil {
		e.log.Warn("janus: dropping malformed message", "err", err, frameAttr(b))
	}
}

// frameIDs returns the session and handle a received frame is about, for
// logs: its own session_id and sender, else those of the request it
// answers (an answer to detach names no handle), and the new id of an
// answer to create or attach.
func (e *engine) frameIDs(f *frame) (session, handle uint64) {
	session, handle = f.SessionID, f.Sender
	if f.Transaction != "" && (session == 0 || handle == 0) {
		e.mu.Lock()
		c := e.pending[f.Transaction]
		e.mu.Unlock()
		if c != nil {
			session = cmp.Or(session, c.session)
			handle = cmp.Or(handle, c.handle)
			// The answers to create and attach name the new id in data.
			if f.Janus == "success" && (c.request == "create" || c.request == "attach") {
				if id, err := decodeID(f.Data); err == nil && c.request == "create" {
					session = cmp.Or(session, id)
				} else if err == nil {
					handle = cmp.Or(handle, id)
				}
			}
		}
	}
	return session, handle
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
			e.log.Debug("janus: answer for a finished transaction", logIDs(f.SessionID, f.Sender, "janus", f.Janus)...)
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
		err = errorf("%w: %w", ErrDisconnected, cause)
		e.log.Warn("janus: connection lost", "err", cause)
	}
	e.mu.Lock()
	e.err = err
	pending := e.pending
	e.pending = make(map[string]*call)
	if e.expiry != nil {
		e.expiry.Stop()
	}
	e.expiryAt = 0
	e.mu.Unlock()
	_ = e.tr.Close()
	for _, c := range pending {
		if c.done != nil {
			c.done(nil, errorf("janus: %s: %w", c.request, err))
		}
	}
	if e.onClose != nil {
		e.onClose(e, err)
	}
	close(e.done)
}

// failed returns why the engine shut down, or nil while it runs.
func (e *engine) failed() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
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
