//go:build !js

package longpoll

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/transport"
)

// httpRequester sends requests with net/http.
type httpRequester struct {
	client *http.Client
	own    bool // made here: its idle connections are closed by closeIdle
	header http.Header
}

func newRequester(opts transport.Options) (requester, error) {
	r := &httpRequester{client: opts.HTTPClient, header: opts.Header}
	if r.client == nil {
		// Enough idle connections for many concurrent requests to one
		// server.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		if opts.TLSConfig != nil {
			tr.TLSClientConfig = opts.TLSConfig
		}
		r.client = &http.Client{Transport: tr}
		r.own = true
	}
	return r, nil
}

func (r *httpRequester) request(ctx context.Context, method, url string, body []byte, limit int64) (int, string, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, "", nil, dialerr.Scrub(err, url)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		if isDialError(err) {
			// No connection was made: nothing was sent.
			err = errfmt.Errorf("%w: %w", transport.ErrNotDelivered, err)
		}
		// net/http hides a password in the URL it quotes, not a token
		// as userinfo nor the query (the poll's apisecret and token).
		return 0, "", nil, dialerr.Scrub(err, url)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, "", nil, err
	}
	if int64(len(b)) > limit {
		return 0, "", nil, errTooLarge(limit, url)
	}
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	return resp.StatusCode, text, b, nil
}

// isDialError reports whether an HTTP request failed while connecting
// (refused, unreachable, no route: the request never left).
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (r *httpRequester) closeIdle() {
	if r.own {
		r.client.CloseIdleConnections()
	}
}
