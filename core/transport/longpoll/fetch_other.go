//go:build !js

package longpoll

import (
	"net/http"

	"github.com/gojanus/gojanus/core/transport"
)

// defaultRoundTripper is what a transport without a caller's http.Client
// sends its requests with: natively, Go's own HTTP stack.
func defaultRoundTripper(opts transport.Options) http.RoundTripper {
	return newHTTPTransport(opts)
}
