package main

import (
	"context"
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
		t.Run(adminURL, func(t *testing.T) {
			admin := func(args ...string) []string {
				// The admin flags after the action words.
				return append(append([]string{"admin"}, args...), "--admin-server", adminURL, "--admin-secret", srv.AdminSecret)
			}
			out := mustRun(t, admin("sessions")...)
			assert.Contains(t, out, fmt.Sprint(s.ID()))
			var sessions SessionsOutput
			checkSchema(t, mustRun(t, admin("sessions", "--json")...), &sessions)
			assert.Contains(t, sessions.SessionIDs, s.ID())

			var hs HandlesOutput
			checkSchema(t, mustRun(t, admin("--json", "handles", fmt.Sprint(s.ID()))...), &hs)
			assert.Equal(t, HandlesOutput{SessionID: s.ID(), HandleIDs: []uint64{h.ID()}}, hs)

			out = mustRun(t, admin("handle-info", fmt.Sprint(s.ID()), fmt.Sprint(h.ID()))...)
			assert.Contains(t, out, "janus.plugin.echotest")
			assert.Contains(t, out, "cli-test")
			var hi HandleInfoOutput
			checkSchema(t, mustRun(t, admin("handle-info", fmt.Sprint(s.ID()), fmt.Sprint(h.ID()), "--json")...), &hi)
			assert.Equal(t, s.ID(), hi.SessionID)
			assert.Equal(t, h.ID(), hi.HandleID)
			assert.Equal(t, "janus.plugin.echotest", hi.Plugin)
			assert.Equal(t, "cli-test", hi.OpaqueID)
			assert.Contains(t, string(hi.Raw), `"handle_id"`, "Janus's answer under raw")

			var tokens TokensOutput
			checkSchema(t, mustRun(t, admin("tokens", "add", "cli-token", "janus.plugin.echotest", "--json")...), &tokens)
			assert.Equal(t, "cli-token", tokens.Added)
			assert.Contains(t, tokens.Tokens, Token{Token: "cli-token", Plugins: []string{"janus.plugin.echotest"}})
			out = mustRun(t, admin("tokens")...)
			assert.Contains(t, out, "cli-token")
			checkSchema(t, mustRun(t, admin("--json", "tokens", "remove", "cli-token")...), &tokens)
			assert.Equal(t, "cli-token", tokens.Removed)
			assert.NotContains(t, tokens.Tokens, Token{Token: "cli-token", Plugins: []string{"janus.plugin.echotest"}})
			checkSchema(t, mustRun(t, admin("tokens", "list", "--json")...), &tokens)

			code, stdout, stderr := runCmd(t, admin("handles", "123", "--json")...)
			assert.Equal(t, 1, code)
			e := decodeError(t, stdout)
			assert.Equal(t, kindJanus, e.Kind)
			assert.Equal(t, core.CodeSessionNotFound, e.Code)
			assert.Contains(t, stderr, "458")
			code, _, stderr = runCmd(t, admin("frobnicate")...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, `unknown command "frobnicate"`)
		})
	}
	code, stdout, stderr := runCmd(t, "admin", "sessions", "--admin-server", srv.AdminWSURL, "--admin-secret", "wrong-secret-x", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "403")
	assert.NotContains(t, stderr+stdout, "wrong-secret-x")
	e := decodeError(t, stdout)
	assert.Equal(t, 403, e.Code)
	require.NoError(t, s.Destroy(ctx))
}
