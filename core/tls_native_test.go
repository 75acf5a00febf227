//go:build !js

package core_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// tlsProxy puts a TLS-terminating TCP relay with a self-signed
// certificate in front of a Janus listener, as a deployment behind a TLS
// proxy would be. It returns the relay's https:// URL and its CA pool.
func tlsProxy(t *testing.T, backend string) (string, *x509.CertPool) {
	t.Helper()
	u, err := url.Parse(backend)
	require.NoError(t, err)
	// httptest makes the certificate (for 127.0.0.1) and the pool.
	certSrv := httptest.NewUnstartedServer(nil)
	certSrv.StartTLS()
	cert := certSrv.TLS.Certificates[0]
	pool := x509.NewCertPool()
	pool.AddCert(certSrv.Certificate())
	certSrv.Close()

	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", u.Host)
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			relay := func(dst, src net.Conn) {
				defer wg.Done()
				_, _ = io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			go relay(b, c)
			go relay(c, b)
		}
	}()
	return "https://" + ln.Addr().String(), pool
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
		{"wss", strings.Replace(wsProxy, "https://", "wss://", 1), wsPool},
		{"https", httpProxy + "/janus", httpPool},
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
			janustest.CheckVersion(t, srv, info.VersionString)
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
