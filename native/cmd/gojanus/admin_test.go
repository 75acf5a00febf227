package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestAdminCommand(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{TokenAuth: true, APISecret: "api"})
	ctx := context.Background()
	c, err := core.Dial(ctx, srv.WSURL, core.WithAPISecret("api"))
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, "janus.plugin.echotest", core.WithOpaqueID("cli-test"))
	require.NoError(t, err)

	for _, adminURL := range []string{srv.AdminWSURL, srv.AdminHTTPURL} {
		cmd := func(args ...string) (string, string, int) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"admin", "--admin-server", adminURL, "--admin-secret", srv.AdminSecret}, args...), &stdout, &stderr)
			return stdout.String(), stderr.String(), code
		}
		out, errOut, code := cmd("sessions")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, fmt.Sprint(s.ID()))
		out, _, code = cmd("--json", "handles", fmt.Sprint(s.ID()))
		require.Equal(t, 0, code)
		var hs struct{ Handles []uint64 }
		require.NoError(t, json.Unmarshal([]byte(out), &hs))
		assert.Equal(t, []uint64{h.ID()}, hs.Handles)
		out, _, code = cmd("handle-info", fmt.Sprint(s.ID()), fmt.Sprint(h.ID()))
		require.Equal(t, 0, code)
		assert.Contains(t, out, "janus.plugin.echotest")
		assert.Contains(t, out, "cli-test")
		out, _, code = cmd("tokens", "add", "cli-token", "janus.plugin.echotest")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "cli-token")
		out, _, code = cmd("--json", "tokens", "remove", "cli-token")
		require.Equal(t, 0, code)
		assert.NotContains(t, out, "cli-token")

		_, errOut, code = cmd("handles", "notanumber")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "bad id")
		_, errOut, code = cmd("handles", "123")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "458")
		_, errOut, code = cmd("frobnicate")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "unknown admin request")
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"admin", "--admin-server", srv.AdminWSURL, "--admin-secret", "wrong-secret-x", "sessions"}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "403")
	assert.NotContains(t, stderr.String(), "wrong-secret-x")
	require.NoError(t, s.Destroy(ctx))
}
