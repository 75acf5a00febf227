//go:build !js

package ws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"

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
func Dial(ctx context.Context, url string, opts transport.Options) (*Transport, error) {
	if opts.Subprotocol == "" {
		opts.Subprotocol = Protocol
	}
	conn, resp, err := websocket.Dial(ctx, url, dialOptions(opts))
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("websocket dial %s: %w", url, err)
	}
	if got := conn.Subprotocol(); got != opts.Subprotocol {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("websocket dial %s: server did not accept subprotocol %q (got %q)", url, opts.Subprotocol, got)
	}
	limit := opts.ReadLimit
	if limit <= 0 {
		limit = transport.DefaultReadLimit
	}
	conn.SetReadLimit(limit)
	return &Transport{conn: conn, closed: make(chan struct{})}, nil
}

// Send writes one text message.
func (t *Transport) Send(ctx context.Context, req transport.Request) error {
	select {
	case <-t.closed:
		return transport.ErrClosed
	default:
	}
	if err := t.conn.Write(ctx, websocket.MessageText, req.Body); err != nil {
		return t.wrap(err)
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
		return fmt.Errorf("%w: %v", transport.ErrClosed, err)
	default:
	}
	if isReadLimit(err) {
		return fmt.Errorf("%w: %v", transport.ErrFrameTooLarge, err)
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
