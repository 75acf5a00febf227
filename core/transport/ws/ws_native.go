//go:build !js

package ws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/coder/websocket"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/transport"
)

// Transport is a Janus connection over one WebSocket (github.com/coder/websocket).
type Transport struct {
	conn      *websocket.Conn
	closeOnce sync.Once
	closed    chan struct{}
}

var _ transport.Transport = (*Transport)(nil)

// Dial opens a WebSocket to url ("ws://" or "wss://"). opts.Subprotocol
// defaults to [Protocol].
//
// Errors are short and start with "janus:", with the cause in the chain
// (errors.Is(err, syscall.ECONNREFUSED) holds for a refused connection).
// When the server rejects the handshake and accepts the other Janus
// subprotocol ([Protocol] / [AdminProtocol]), the URL is the other API:
// the error then says so and matches transport.ErrWrongEndpoint.
func Dial(ctx context.Context, url string, opts transport.Options) (*Transport, error) {
	if opts.Subprotocol == "" {
		opts.Subprotocol = Protocol
	}
	conn, status, err := dial(ctx, url, opts)
	if err != nil {
		if other := otherProtocol(opts.Subprotocol); other != "" && ctx.Err() == nil && rejected(status, err) {
			// Janus drops a handshake with the wrong subprotocol: is this
			// the other API?
			o := opts
			o.Subprotocol = other
			if c, _, err2 := dial(ctx, url, o); err2 == nil {
				_ = c.CloseNow()
				return nil, dialerr.WrongEndpoint(url, other == Protocol, err)
			}
		}
		return nil, dialerr.New(dialerr.WebSocket, url, describe(status, err), err)
	}
	if got := conn.Subprotocol(); got != opts.Subprotocol {
		_ = conn.CloseNow()
		return nil, dialerr.New(dialerr.WebSocket, url, "the server did not accept subprotocol "+strconv.Quote(opts.Subprotocol)+" (got "+strconv.Quote(got)+"): is this Janus?", nil)
	}
	limit := opts.ReadLimit
	if limit <= 0 {
		limit = transport.DefaultReadLimit
	}
	conn.SetReadLimit(limit)
	return &Transport{conn: conn, closed: make(chan struct{})}, nil
}

// dial runs one handshake; status is the HTTP status of the server's
// answer (0 without one).
func dial(ctx context.Context, url string, opts transport.Options) (*websocket.Conn, int, error) {
	conn, resp, err := websocket.Dial(ctx, url, dialOptions(opts))
	status := 0
	if resp != nil {
		status = resp.StatusCode
		if resp.Body != nil {
			_ = resp.Body.Close()
		}
	}
	return conn, status, err
}

// rejected reports whether a handshake failed the way Janus refuses a
// subprotocol: the connection closed without an answer, or an answer
// other than 101.
func rejected(status int, err error) bool {
	return (status != 0 && status != 101) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// describe words a failed handshake.
func describe(status int, err error) string {
	switch {
	case status == 404 || status == 400 || status == 426:
		return "answered HTTP " + strconv.Itoa(status) + " instead of a WebSocket handshake (is this Janus's HTTP port? Janus's WebSocket transport usually listens on port 8188, its HTTP transport on 8088 at http://HOST:8088/janus)"
	case status != 0 && status != 101:
		return "answered HTTP " + strconv.Itoa(status) + " instead of a WebSocket handshake (is this the Janus WebSocket port? usually 8188, or 7188 for the admin API)"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection during the handshake (is this the Janus WebSocket port? usually 8188, or 7188 for the admin API)"
	}
	return dialerr.Describe(dialerr.WebSocket, err)
}

// Send writes one text message.
func (t *Transport) Send(ctx context.Context, req transport.Request) error {
	select {
	case <-t.closed:
		return transport.ErrClosed
	default:
	}
	if err := t.conn.Write(ctx, websocket.MessageText, req.Body); err != nil {
		if ctx.Err() != nil {
			return t.wrap(err)
		}
		// A write that failed left the message incomplete: a server that
		// got part of it cannot have read it (a message is one frame).
		return errfmt.Errorf("%w: %w", transport.ErrNotDelivered, t.wrap(err))
	}
	return nil
}

// Recv reads the next message.
func (t *Transport) Recv(ctx context.Context) ([]byte, error) {
	_, data, err := t.conn.Read(ctx)
	if err != nil {
		return nil, t.wrap(err)
	}
	return data, nil
}

// Close closes the WebSocket without waiting for the closing handshake.
func (t *Transport) Close() error {
	t.closeOnce.Do(func() {
		close(t.closed)
		_ = t.conn.CloseNow()
	})
	return nil
}

func (t *Transport) wrap(err error) error {
	select {
	case <-t.closed:
		return errfmt.Errorf("%w: %v", transport.ErrClosed, err)
	default:
	}
	if isReadLimit(err) {
		return errfmt.Errorf("%w: %v", transport.ErrFrameTooLarge, err)
	}
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Errorf("websocket closed by server (status %d %s): %w", int(ce.Code), ce.Reason, err)
	}
	return err
}

// isReadLimit reports whether err is the library's read-limit error (it has
// no exported sentinel; the close status is 1009 "message too big").
func isReadLimit(err error) bool {
	return err != nil && strings.Contains(err.Error(), "read limited at")
}

func dialOptions(opts transport.Options) *websocket.DialOptions {
	client := opts.HTTPClient
	if client == nil && opts.TLSConfig != nil {
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: opts.TLSConfig}}
	}
	return &websocket.DialOptions{
		Subprotocols: []string{opts.Subprotocol},
		HTTPClient:   client,
		HTTPHeader:   opts.Header,
	}
}
