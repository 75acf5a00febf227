//go:build !js

package ws

import (
	"net/http"

	"github.com/coder/websocket"

	"github.com/gojanus/gojanus/core/transport"
)

func dialOptions(opts transport.Options) *websocket.DialOptions {
	client := opts.HTTPClient
	if client == nil && opts.TLSConfig != nil {
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: opts.TLSConfig}}
	}
	return &websocket.DialOptions{
		Subprotocols: []string{opts.Subprotocol},
		HTTPClient:   client,
		HTTPHeader:   http.Header(opts.Header),
	}
}

// closeNow closes conn without waiting for the closing handshake.
func closeNow(conn *websocket.Conn) error {
	return conn.CloseNow()
}
