package longpoll

import (
	"context"
	"errors"
	"strings"
	"syscall/js"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/internal/jsrt"
)

// fetchRequester sends requests with the JavaScript runtime's fetch, in
// browsers and in Node alike. Cancelling a request's context aborts the
// fetch (AbortController).
type fetchRequester struct{}

func newRequester(transport.Options) (requester, error) {
	if js.Global().Get("fetch").Type() != js.TypeFunction {
		return nil, errors.New("longpoll: this JavaScript runtime has no fetch")
	}
	return fetchRequester{}, nil
}

func (fetchRequester) closeIdle() {}

func (fetchRequester) request(ctx context.Context, method, url string, body []byte, limit int64) (int, string, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, "", nil, err
	}
	global := js.Global()
	init := global.Get("Object").New()
	init.Set("method", method)
	init.Set("cache", "no-store")
	headers := global.Get("Object").New()
	target := withCredentials(url, headers)
	if body != nil {
		headers.Set("Content-Type", "application/json")
		init.Set("body", string(body))
	}
	init.Set("headers", headers)
	var abort js.Value
	if ac := global.Get("AbortController"); ac.Type() == js.TypeFunction {
		abort = ac.New()
		init.Set("signal", abort.Get("signal"))
	}
	stop := context.AfterFunc(ctx, func() {
		if abort.Type() == js.TypeObject {
			_ = jsrt.Catch(func() { abort.Call("abort") })
		}
	})
	defer stop()

	var p js.Value
	if err := jsrt.Catch(func() { p = global.Get("fetch").Invoke(target, init) }); err != nil {
		return 0, "", nil, fetchError(method, url, err)
	}
	resp, err := jsrt.Await(ctx, p)
	if err != nil {
		return 0, "", nil, fetchError(method, url, err)
	}
	status, text := resp.Get("status").Int(), resp.Get("statusText").String()
	buf, err := jsrt.Await(ctx, resp.Call("arrayBuffer"))
	if err != nil {
		return 0, "", nil, fetchError(method, url, err)
	}
	if int64(buf.Get("byteLength").Int()) > limit {
		return 0, "", nil, errTooLarge(limit, url)
	}
	b, _ := jsrt.Bytes(buf)
	return status, text, b, nil
}

// fetchError describes a failed fetch without the URL's userinfo, query
// and fragment (they may hold credentials, the API secret or a token): the
// runtime's message quotes the URL, so it is cleaned too.
func fetchError(method, url string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	clean := dialerr.CleanURL(url)
	msg := dialerr.HideString(strings.ReplaceAll(err.Error(), url, clean), url)
	return errors.New("fetch " + method + " " + clean + ": " + msg)
}

// withCredentials moves a URL's userinfo into a Basic Authorization header
// (fetch refuses URLs with credentials; net/http sends them this way).
func withCredentials(url string, headers js.Value) string {
	user, ok := dialerr.Userinfo(url)
	if !ok {
		return url
	}
	headers.Set("Authorization", "Basic "+js.Global().Call("btoa", user).String())
	return strings.Replace(url, user+"@", "", 1)
}
