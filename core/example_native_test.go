//go:build !js

package core_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log"
	"net/http"
	"os"

	"github.com/gojanus/gojanus/core"
)

// Connect over wss:// to a server whose certificate is signed by a
// private CA.
func ExampleWithTLSConfig() {
	pem, err := os.ReadFile("ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c, err := core.Dial(context.Background(), "wss://janus.example.test/ws",
		core.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Reach Janus through a proxy that wants a header of its own.
func ExampleWithHeader() {
	c, err := core.Dial(context.Background(), "https://janus.example.test/janus",
		core.WithHeader(http.Header{"X-Proxy-Auth": {"..."}}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}
