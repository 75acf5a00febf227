//go:build !js

package transport

import (
	"crypto/tls"
	"net/http"
)

// NativeOptions are the transport settings that exist in native builds
// only.
type NativeOptions struct {
	// TLSConfig configures TLS for wss:// and https://. Nil means the
	// system roots with full verification.
	TLSConfig *tls.Config
	// HTTPClient, if set, is used for HTTP requests and the WebSocket
	// handshake.
	HTTPClient *http.Client
	// Header holds extra HTTP headers for the handshake or requests.
	Header http.Header
}
