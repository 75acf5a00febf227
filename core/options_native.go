//go:build !js

package core

import (
	"crypto/tls"
	"net/http"
)

// The options in this file exist in native builds only. In JavaScript the
// runtime's WebSocket and fetch do TLS and HTTP (certificates are the
// browser's or Node's business), and leaving net/http and crypto/tls out
// of that build keeps the wasm module megabytes smaller.

// WithTLSConfig sets the TLS configuration for wss:// and https:// (for a
// custom CA or client certificates). Verification stays on unless cfg
// turns it off.
func WithTLSConfig(cfg *tls.Config) Option { return func(o *options) { o.native.TLSConfig = cfg } }

// WithHTTPClient sets the HTTP client for the HTTP transport and the
// WebSocket handshake.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.native.HTTPClient = c } }

// WithHeader adds HTTP headers to the WebSocket handshake or to every HTTP
// request (for a proxy in front of Janus).
func WithHeader(h http.Header) Option { return func(o *options) { o.native.Header = h } }
