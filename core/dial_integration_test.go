package core_test

import (
	"net"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/longpoll"
	"github.com/gojanus/gojanus/core/transport/ws"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// deadPort returns a port of 127.0.0.1 nothing listens on (it did a
// moment ago).
func deadPort(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "js" {
		// net.Listen is a fake in js/wasm (it always says port 1, which
		// fetch refuses outright): take a high port nothing here uses.
		return "49151"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	require.NoError(t, l.Close())
	return port
}

// TestRealDialNothingListens: both transports say the same short words
// for a refused connection, without the URL's userinfo or query, and
// keep the cause for errors.Is.
func TestRealDialNothingListens(t *testing.T) {
	ctx := ctxT(t)
	port := deadPort(t)
	for _, tc := range []struct{ url, want string }{
		{"ws://user:pw-s3cr3t@127.0.0.1:" + port + "/?apisecret=q-s3cr3t",
			"janus: websocket ws://127.0.0.1:" + port + "/: connection refused (nothing listens there: is Janus running with its WebSocket transport on that port?)"},
		{"http://user:pw-s3cr3t@127.0.0.1:" + port + "/janus?apisecret=q-s3cr3t",
			"janus: http http://127.0.0.1:" + port + "/janus: connection refused (nothing listens there: is Janus running with its HTTP transport on that port?)"},
	} {
		_, err := core.Dial(ctx, tc.url)
		require.Error(t, err)
		t.Logf("Dial: %v", err)
		assert.Equal(t, tc.want, err.Error())
		assert.ErrorIs(t, err, syscall.ECONNREFUSED)
		assert.NotErrorIs(t, err, core.ErrWrongEndpoint)

		_, err = core.DialAdmin(ctx, tc.url)
		require.Error(t, err)
		assert.Equal(t, tc.want, err.Error())
		assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	}
}

// TestRealDialWrongEndpoint: each API given to the other's dial fails in
// the dial, saying which endpoint the URL is and where the wanted one
// usually is, and matches ErrWrongEndpoint.
func TestRealDialWrongEndpoint(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{APISecret: "we-api-secret"})
	ctx := ctxT(t)
	secret := core.WithAdminSecret(srv.AdminSecret)
	base := strings.TrimSuffix(srv.HTTPURL, "/janus")
	for _, tc := range []struct {
		name  string
		admin bool
		url   string
		want  []string
	}{
		{"admin ws port to Dial", false, srv.AdminWSURL, []string{"janus: " + srv.AdminWSURL + " is the Janus admin API (subprotocol janus-admin-protocol), not the Janus API", "port 8188"}},
		{"API ws port to DialAdmin", true, srv.WSURL, []string{"janus: " + srv.WSURL + " is the Janus API (subprotocol janus-protocol), not the admin API", "port 7188"}},
		{"admin http URL to Dial", false, srv.AdminHTTPURL, []string{"janus: " + srv.AdminHTTPURL + " is the Janus admin API endpoint, not the Janus API", ":8088/janus"}},
		{"API http URL to DialAdmin", true, srv.HTTPURL, []string{"janus: " + srv.HTTPURL + " is the Janus API endpoint, not the admin API", ":7088/admin"}},
		{"wrong http path to Dial", false, base, []string{"janus: " + base + " is not a Janus endpoint (POST answered 404 Not Found)", "/janus", "/admin"}},
		{"wrong http path to DialAdmin", true, base + "/nope", []string{"janus: " + base + "/nope is not a Janus endpoint (POST answered 404 Not Found)", "/janus", "/admin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.admin {
				var a *core.Admin
				a, err = core.DialAdmin(ctx, tc.url, secret)
				if a != nil {
					_ = a.Close()
				}
			} else {
				var c *core.Client
				c, err = core.Dial(ctx, tc.url, core.WithAPISecret("we-api-secret"))
				if c != nil {
					_ = c.Close()
				}
			}
			require.Error(t, err)
			t.Logf("%s", err)
			assert.True(t, strings.HasPrefix(err.Error(), "janus: "), err.Error())
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.ErrorIs(t, err, core.ErrWrongEndpoint)
			assert.ErrorIs(t, err, transport.ErrWrongEndpoint)
			assert.NotContains(t, err.Error(), srv.AdminSecret)
		})
	}

	// The right URLs dial, with or without credentials.
	for _, u := range []string{srv.WSURL, srv.HTTPURL} {
		c, err := core.Dial(ctx, u)
		require.NoError(t, err, u)
		require.NoError(t, c.Close())
	}
	for _, u := range []string{srv.AdminWSURL, srv.AdminHTTPURL} {
		a, err := core.DialAdmin(ctx, u, secret)
		require.NoError(t, err, u)
		require.NoError(t, a.Ping(ctx))
		require.NoError(t, a.Close())
		a, err = core.DialAdmin(ctx, u)
		require.NoError(t, err, "no secret: still the admin endpoint %s", u)
		require.NoError(t, a.Close())
	}
}

// TestRealWrongEndpointRequest: over HTTP without the dial's check, an
// admin request to the Janus API endpoint fails with 457, which says
// which endpoint the URL is and matches ErrWrongEndpoint while still
// being the *core.Error.
func TestRealWrongEndpointRequest(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx := ctxT(t)
	tr, err := longpoll.New(srv.HTTPURL, transport.Options{Subprotocol: ws.AdminProtocol})
	require.NoError(t, err)
	a := core.NewAdmin(tr, core.WithAdminSecret(srv.AdminSecret))
	defer a.Close()
	_, err = a.ListSessions(ctx)
	require.Error(t, err)
	t.Logf("%s", err)
	assert.ErrorIs(t, err, core.ErrWrongEndpoint)
	assert.ErrorIs(t, err, core.ErrInvalidRequestPath)
	var je *core.Error
	require.ErrorAs(t, err, &je)
	assert.Equal(t, core.CodeInvalidRequestPath, je.Code)
	assert.Contains(t, err.Error(), "the URL is the Janus API endpoint, not the admin API")
	assert.True(t, strings.HasPrefix(err.Error(), "janus: list_sessions: error 457"), err.Error())

	// An unknown admin request is a plain 457.
	_, err = a.Request(ctx, "no_such_admin_request", nil)
	require.ErrorIs(t, err, core.ErrInvalidRequestPath)
	assert.NotErrorIs(t, err, core.ErrWrongEndpoint)
}
