//go:build !js

package dialerr

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClosedBeforeTheRequest: net/http says "server closed idle
// connection" when the server closed the new connection before the
// request went out, EOF when after; both are the same closing server.
func TestClosedBeforeTheRequest(t *testing.T) {
	idle := &url.Error{Op: "Post", URL: "http://127.0.0.1:8088/janus", Err: errors.New("http: server closed idle connection")}
	assert.Equal(t, closedMsg, Describe(HTTP, idle))
	assert.Equal(t, closedMsg, Describe(WebSocket, fmt.Errorf("failed to WebSocket dial: %w", idle)))
	assert.Equal(t, closedMsg, Describe(HTTP, &url.Error{Op: "Post", URL: "http://127.0.0.1:8088/janus", Err: io.EOF}))
}
