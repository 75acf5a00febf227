package ws

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/internal/jsrt"
)

// ErrNoWebSocket is returned by Dial when the JavaScript runtime has no
// WebSocket and none was given with SetWebSocket.
var ErrNoWebSocket = errors.New("janus: this JavaScript runtime has no WebSocket: use Node 22 or later, or on Node 20 install the ws package (npm install ws)")

var (
	ctorMu sync.Mutex
	ctor   js.Value // set by SetWebSocket; undefined: globalThis.WebSocket
)

// SetWebSocket makes Dial use ctor, a WebSocket constructor with the
// browser's interface (such as the npm ws package's WebSocket), instead of
// globalThis.WebSocket. undefined or null goes back to the global one.
func SetWebSocket(c js.Value) {
	ctorMu.Lock()
	defer ctorMu.Unlock()
	ctor = c
}

// constructor returns the WebSocket constructor to use, or undefined.
func constructor() js.Value {
	ctorMu.Lock()
	c := ctor
	ctorMu.Unlock()
	if c.Type() == js.TypeFunction {
		return c
	}
	return js.Global().Get("WebSocket")
}

// Close codes of the WebSocket protocol this file uses.
const (
	statusNormal   = 1000
	statusAbnormal = 1006 // no close frame: the connection failed or dropped
)

// Transport is a Janus connection over one of the JavaScript runtime's
// WebSockets.
//
// The runtime calls the socket's handlers on its event loop, where Go must
// never block: they only append to a queue under a short lock and wake the
// reader, so a slow reader costs memory, not a stalled event loop. Every
// wait (dial, Recv) also ends with its context.
type Transport struct {
	sock      js.Value
	limit     int64
	funcs     []js.Func
	closed    chan struct{} // closed by Close
	ended     chan struct{} // closed when the socket has closed
	opened    chan struct{} // closed by the open event
	wake      chan struct{} // one pending wake-up for Recv
	closeOnce sync.Once
	endOnce   sync.Once
	openOnce  sync.Once
	freeOnce  sync.Once

	mu    sync.Mutex
	queue [][]byte
	err   error // why the socket ended; nil while open
}

var _ transport.Transport = (*Transport)(nil)

// Dial opens a WebSocket to url ("ws://" or "wss://") with the runtime's
// WebSocket. opts.Subprotocol defaults to [Protocol]; the other options of
// native builds do not exist here. Errors are worded as natively, as far
// as the runtime tells why a dial failed; a handshake that fails but
// succeeds with the other Janus subprotocol gives an error matching
// transport.ErrWrongEndpoint.
func Dial(ctx context.Context, url string, opts transport.Options) (*Transport, error) {
	if opts.Subprotocol == "" {
		opts.Subprotocol = Protocol
	}
	t, err := dial(ctx, url, opts)
	if err == nil || ctx.Err() != nil || errors.Is(err, ErrNoWebSocket) {
		return t, err
	}
	if other := otherProtocol(opts.Subprotocol); other != "" && !strings.Contains(err.Error(), "connection refused") {
		// Janus drops a handshake with the wrong subprotocol: is this
		// the other API?
		o := opts
		o.Subprotocol = other
		if t2, err2 := dial(ctx, url, o); err2 == nil {
			_ = t2.Close()
			return nil, dialerr.WrongEndpoint(url, other == Protocol, err)
		}
	}
	return nil, err
}

// dial runs one handshake.
func dial(ctx context.Context, url string, opts transport.Options) (*Transport, error) {
	c := constructor()
	if c.Type() != js.TypeFunction {
		return nil, ErrNoWebSocket
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := &Transport{
		limit:  opts.ReadLimit,
		closed: make(chan struct{}),
		ended:  make(chan struct{}),
		opened: make(chan struct{}),
		wake:   make(chan struct{}, 1),
	}
	if t.limit <= 0 {
		t.limit = transport.DefaultReadLimit
	}
	// A malformed URL makes the constructor throw a SyntaxError.
	if err := jsrt.Catch(func() { t.sock = c.New(url, opts.Subprotocol) }); err != nil {
		return nil, dialerr.New(dialerr.WebSocket, url, err.Error(), err)
	}
	_ = jsrt.Catch(func() { t.sock.Set("binaryType", "arraybuffer") })
	t.on("onopen", func(js.Value) { t.openOnce.Do(func() { close(t.opened) }) })
	t.on("onmessage", t.onMessage)
	t.on("onerror", t.onError)
	t.on("onclose", t.onClose)

	select {
	case <-t.opened:
	case <-t.ended:
		t.free()
		err := t.endErr()
		return nil, dialerr.New(dialerr.WebSocket, url, dialerr.Describe(dialerr.WebSocket, err), err)
	case <-ctx.Done():
		_ = t.Close()
		return nil, dialerr.New(dialerr.WebSocket, url, dialerr.Describe(dialerr.WebSocket, ctx.Err()), ctx.Err())
	}
	if got := t.sock.Get("protocol").String(); got != opts.Subprotocol {
		_ = t.Close()
		return nil, dialerr.New(dialerr.WebSocket, url, "the server did not accept subprotocol "+strconv.Quote(opts.Subprotocol)+" (got "+strconv.Quote(got)+"): is this Janus?", nil)
	}
	return t, nil
}

// on sets the socket's handler property name (onopen, ...) to fn.
func (t *Transport) on(name string, fn func(ev js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		// A panic here would end the whole program: end the connection
		// instead.
		defer func() {
			if r := recover(); r != nil {
				t.fail(fmt.Errorf("websocket %s handler failed: %v", name, r))
			}
		}()
		ev := js.Undefined()
		if len(args) > 0 {
			ev = args[0]
		}
		fn(ev)
		return nil
	})
	t.funcs = append(t.funcs, f)
	t.sock.Set(name, f)
}

// free removes the handlers from the socket and releases them, once.
func (t *Transport) free() {
	t.freeOnce.Do(func() {
		for _, name := range []string{"onopen", "onmessage", "onerror", "onclose"} {
			t.sock.Set(name, js.Null())
		}
		for _, f := range t.funcs {
			f.Release()
		}
		t.funcs = nil
	})
}

func (t *Transport) onMessage(ev js.Value) {
	data := ev.Get("data")
	// A binary message over the limit is refused before it is copied into
	// Go; a text message can only be measured once it is (syscall/js reads
	// no property of a string).
	if data.Type() == js.TypeObject {
		if n := data.Get("byteLength"); n.Type() == js.TypeNumber && int64(n.Int()) > t.limit {
			t.fail(errfmt.Errorf("%w: a message of %d bytes", transport.ErrFrameTooLarge, n.Int()))
			return
		}
	}
	b, ok := jsrt.Bytes(data)
	if !ok {
		return // neither text nor binary (a Blob, with binaryType unset): not Janus
	}
	if int64(len(b)) > t.limit {
		t.fail(errfmt.Errorf("%w: a message of %d bytes", transport.ErrFrameTooLarge, len(b)))
		return
	}
	t.mu.Lock()
	if t.err == nil {
		t.queue = append(t.queue, b)
	}
	t.mu.Unlock()
	t.signal()
}

// onError ends the connection: per the specification a close event
// follows, but Node 22's WebSocket sends none after a failed handshake
// (its readyState stays CONNECTING), so waiting for it would wait forever.
func (t *Transport) onError(ev js.Value) {
	// Browsers say nothing; Node's WebSocket and the ws package give an
	// ErrorEvent with a message or an error.
	msg := ""
	if ev.Type() == js.TypeObject {
		if m := ev.Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
		if e := ev.Get("error"); msg == "" && e.Type() == js.TypeObject {
			msg = jsrt.Describe(e)
		}
	}
	if msg == "" {
		t.fail(errors.New("websocket connection failed"))
		return
	}
	t.fail(fmt.Errorf("websocket connection failed: %s", msg))
}

func (t *Transport) onClose(ev js.Value) {
	code, reason := statusAbnormal, ""
	if ev.Type() == js.TypeObject {
		if c := ev.Get("code"); c.Type() == js.TypeNumber {
			code = c.Int()
		}
		if r := ev.Get("reason"); r.Type() == js.TypeString {
			reason = r.String()
		}
	}
	if code == statusAbnormal {
		t.fail(errors.New("websocket connection failed or dropped (close code 1006)"))
	} else {
		t.fail(fmt.Errorf("websocket closed by server (status %d %s)", code, reason))
	}
	t.free()
}

// fail ends the socket with err (the first error wins), closes it and
// wakes the reader.
func (t *Transport) fail(err error) {
	t.mu.Lock()
	first := t.err == nil
	if first {
		t.err = err
	}
	t.mu.Unlock()
	if first {
		_ = jsrt.Catch(func() { t.sock.Call("close", statusNormal) })
	}
	t.endOnce.Do(func() { close(t.ended) })
	t.signal()
}

func (t *Transport) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *Transport) endErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Send sends one text message. The runtime queues it and returns at once.
func (t *Transport) Send(ctx context.Context, req transport.Request) error {
	select {
	case <-t.closed:
		return transport.ErrClosed
	case <-t.ended:
		return t.endErr()
	default:
	}
	// A socket that is closing drops what it is given without a word:
	// refuse instead, so that the request counts as not sent.
	if st := t.sock.Get("readyState"); st.Type() == js.TypeNumber && st.Int() != 1 {
		return errfmt.Errorf("%w: websocket is not open", transport.ErrNotDelivered)
	}
	if err := jsrt.Catch(func() { t.sock.Call("send", string(req.Body)) }); err != nil {
		return errfmt.Errorf("%w: websocket send: %w", transport.ErrNotDelivered, err)
	}
	return nil
}

// Recv returns the next message; after the socket ended, the messages that
// arrived before, then the reason it ended.
func (t *Transport) Recv(ctx context.Context) ([]byte, error) {
	for {
		t.mu.Lock()
		if len(t.queue) > 0 {
			b := t.queue[0]
			t.queue[0] = nil
			t.queue = t.queue[1:]
			t.mu.Unlock()
			return b, nil
		}
		err := t.err
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
		select {
		case <-t.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close closes the WebSocket with a normal closure and releases its
// handlers at once; Recv and Send then return ErrClosed.
func (t *Transport) Close() error {
	t.closeOnce.Do(func() {
		close(t.closed)
		t.mu.Lock()
		if t.err == nil {
			t.err = transport.ErrClosed
		} else {
			t.err = errfmt.Errorf("%w: %v", transport.ErrClosed, t.err)
		}
		t.queue = nil
		t.mu.Unlock()
		t.free()
		_ = jsrt.Catch(func() { t.sock.Call("close", statusNormal) })
		t.endOnce.Do(func() { close(t.ended) })
		t.signal()
	})
	return nil
}
