package dialerr

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClosedAtTLSHandshake checks that a connection closed by the server
// of an https or wss URL is worded as the plain-port mistake it usually
// is, and a plain URL's as a closed connection.
func TestClosedAtTLSHandshake(t *testing.T) {
	err := New(HTTP, "https://127.0.0.1:8088/janus", closedMsg, io.EOF)
	assert.EqualError(t, err, "janus: http https://127.0.0.1:8088/janus: the server closed the connection at the TLS handshake: "+
		"it may not speak TLS (use http://, not https://)")
	assert.ErrorIs(t, err, io.EOF)
	err = New(WebSocket, "wss://127.0.0.1:8188", closedMsg, io.EOF)
	assert.Contains(t, err.Error(), "it may not speak TLS (use ws://, not wss://)")
	err = New(HTTP, "http://127.0.0.1:8088/janus", closedMsg, io.EOF)
	assert.EqualError(t, err, "janus: http http://127.0.0.1:8088/janus: the server closed the connection")
}
