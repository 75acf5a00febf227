//go:build !js

package ws

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/core/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer accepts the given subprotocols and echoes every message,
// followed by one large message when asked for "big".
func echoServer(t *testing.T, protocols ...string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: protocols})
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if string(b) == "big" {
				b = []byte(strings.Repeat("x", 4096))
			}
			if string(b) == "bye" {
				_ = c.Close(websocket.StatusGoingAway, "shutting down")
				return
			}
			if err := c.Write(r.Context(), typ, b); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestSendRecvAndClose(t *testing.T) {
	url := echoServer(t, Protocol)
	tr, err := Dial(ctx(t), url, transport.Options{})
	require.NoError(t, err)
	require.NoError(t, tr.Send(ctx(t), transport.Request{Body: []byte(`{"janus":"ping"}`)}))
	b, err := tr.Recv(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, `{"janus":"ping"}`, string(b))
	require.NoError(t, tr.Close())
	require.NoError(t, tr.Close())
	assert.ErrorIs(t, tr.Send(ctx(t), transport.Request{Body: []byte(`{}`)}), transport.ErrClosed)
	_, err = tr.Recv(ctx(t))
	assert.ErrorIs(t, err, transport.ErrClosed)
}

func TestSubprotocolIsRequired(t *testing.T) {
	url := echoServer(t, "something-else")
	_, err := Dial(ctx(t), url, transport.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), Protocol)

	admin := echoServer(t, AdminProtocol)
	tr, err := Dial(ctx(t), admin, transport.Options{Subprotocol: AdminProtocol})
	require.NoError(t, err)
	require.NoError(t, tr.Close())
}

func TestHeaderOnHandshake(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Proxy-Auth")
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Protocol}})
		if err != nil {
			return
		}
		c.CloseNow()
	}))
	defer srv.Close()
	tr, err := Dial(ctx(t), "ws"+strings.TrimPrefix(srv.URL, "http"), transport.Options{
		NativeOptions: transport.NativeOptions{Header: http.Header{"X-Proxy-Auth": {"yes"}}},
	})
	require.NoError(t, err)
	defer tr.Close()
	assert.Equal(t, "yes", <-got)
}

func TestReadLimitAndServerClose(t *testing.T) {
	url := echoServer(t, Protocol)
	tr, err := Dial(ctx(t), url, transport.Options{ReadLimit: 1024})
	require.NoError(t, err)
	defer tr.Close()
	require.NoError(t, tr.Send(ctx(t), transport.Request{Body: []byte("big")}))
	_, err = tr.Recv(ctx(t))
	assert.ErrorIs(t, err, transport.ErrFrameTooLarge)

	tr2, err := Dial(ctx(t), url, transport.Options{})
	require.NoError(t, err)
	defer tr2.Close()
	require.NoError(t, tr2.Send(ctx(t), transport.Request{Body: []byte("bye")}))
	_, err = tr2.Recv(ctx(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status 1001 shutting down")
}
