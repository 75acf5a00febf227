// Package ws is the WebSocket transport for the Janus API and the admin
// API.
//
// Natively it is built on github.com/coder/websocket. In JavaScript builds
// (GOOS=js) it drives the runtime's own WebSocket through syscall/js: the
// browser's, Node 22's global one, or a constructor given with
// SetWebSocket (such as the npm ws package's on Node 20). That build has
// no net/http, crypto/tls or coder/websocket in it, which keeps the wasm
// module small; TLS, proxies and certificates are the runtime's business
// there, and a browser's WebSocket sends no custom headers.
package ws

// Subprotocols Janus requires on the WebSocket handshake.
const (
	Protocol      = "janus-protocol"
	AdminProtocol = "janus-admin-protocol"
)

// otherProtocol returns the other Janus subprotocol, or "".
func otherProtocol(p string) string {
	switch p {
	case Protocol:
		return AdminProtocol
	case AdminProtocol:
		return Protocol
	}
	return ""
}
