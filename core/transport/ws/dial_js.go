//go:build js

package ws

import (
	"github.com/coder/websocket"

	"github.com/gojanus/gojanus/core/transport"
)

// In JavaScript the runtime's WebSocket does the handshake and TLS; only
// the subprotocol can be chosen.
func dialOptions(opts transport.Options) *websocket.DialOptions {
	return &websocket.DialOptions{Subprotocols: []string{opts.Subprotocol}}
}

// closeNow closes conn. Browsers (and the WebSocket of the specification)
// accept only the close codes 1000 and 3000-4999, and close() throws for
// others: coder/websocket's CloseNow sends 1001 and so would leave the
// socket open. Close with 1000 waits for the closing handshake, which the
// runtime bounds.
func closeNow(conn *websocket.Conn) error {
	return conn.Close(websocket.StatusNormalClosure, "")
}
