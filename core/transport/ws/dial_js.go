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
