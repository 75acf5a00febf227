package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// mediaSetup starts a Janus that does ICE on the namespace's interface
// (call it inside netns.Run), and returns a context bounded by timeout, a
// client over WebSocket and a session, all released when the test ends.
func mediaSetup(t *testing.T, timeout time.Duration) (*janusserver.Server, context.Context, *core.Client, *core.Session) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	return srv, ctx, c, s
}
