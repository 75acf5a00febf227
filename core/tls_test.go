//go:build !js

package core_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// tlsProxy puts a TLS terminating reverse proxy with a self-signed
// certificate in front of a Janus listener, as a deployment behind nginx
// would be.
func tlsProxy(t *testing.T, backend string) (*httptest.Server, *x509.CertPool) {
	t.Helper()
	u, err := url.Parse(backend)
	require.NoError(t, err)
	u.Scheme = "http"
	u.Path = ""
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(u))
	t.Cleanup(proxy.Close)
	pool := x509.NewCertPool()
	pool.AddCert(proxy.Certificate())
	return proxy, pool
}

func TestRealTLSWithCustomCA(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	wsProxy, wsPool := tlsProxy(t, srv.WSURL)
	httpProxy, httpPool := tlsProxy(t, srv.HTTPURL)
	cases := []struct {
		name string
		url  string
		pool *x509.CertPool
	}{
		{"wss", strings.Replace(wsProxy.URL, "https://", "wss://", 1), wsPool},
		{"https", httpProxy.URL + "/janus", httpPool},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			// Verified by default: an unknown CA is rejected.
			c, err := core.Dial(ctx, tc.url)
			if err == nil {
				_, err = c.Info(ctx)
				_ = c.Close()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "certificate")

			// With the caller's CA it works end to end, events included.
			c = dial(t, tc.url, core.WithTLSConfig(&tls.Config{RootCAs: tc.pool}))
			info, err := c.Info(ctx)
			require.NoError(t, err)
			assert.Equal(t, "1.1.2", info.VersionString)
			s, err := c.CreateSession(ctx)
			require.NoError(t, err)
			h, err := s.Attach(ctx, echoTest)
			require.NoError(t, err)
			res, err := h.Message(ctx, map[string]any{"audio": true})
			require.NoError(t, err)
			assert.True(t, res.Async)
			require.NoError(t, s.Destroy(ctx))
		})
	}
}
