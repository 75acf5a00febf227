package longpoll

import (
	"net/http"

	"github.com/gojanus/gojanus/core/transport"
)

// newHTTPTransport returns an http.Transport that keeps enough idle
// connections for many concurrent requests to one server. In WebAssembly
// the runtime's fetch is used and these knobs are ignored.
func newHTTPTransport(opts transport.Options) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	if opts.TLSConfig != nil {
		tr.TLSClientConfig = opts.TLSConfig
	}
	return tr
}
