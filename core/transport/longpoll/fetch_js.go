//go:build js

package longpoll

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"syscall/js"

	"github.com/gojanus/gojanus/core/transport"
)

// defaultRoundTripper is what a transport without a caller's http.Client
// sends its requests with. In JavaScript that is the runtime's fetch, in
// browsers and in Node alike: net/http uses fetch in browsers too, but when
// it detects Node it turns fetch off and tries sockets Node does not give a
// wasm program.
func defaultRoundTripper(opts transport.Options) http.RoundTripper {
	return fetchTransport{}
}

// fetchTransport is an http.RoundTripper over the JavaScript fetch API.
// Cancelling a request's context aborts the fetch (AbortController). The
// response body is read whole before RoundTrip returns: Janus answers are
// small, and the transport reads them whole anyway.
type fetchTransport struct{}

func (fetchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	global := js.Global()
	fetch := global.Get("fetch")
	if fetch.Type() != js.TypeFunction {
		return nil, errors.New("longpoll: this JavaScript runtime has no fetch")
	}

	init := global.Get("Object").New()
	init.Set("method", req.Method)
	init.Set("mode", "cors")
	init.Set("cache", "no-store")
	headers := global.Get("Headers").New()
	for k, vs := range req.Header {
		for _, v := range vs {
			headers.Call("append", k, v)
		}
	}
	init.Set("headers", headers)
	if len(body) > 0 {
		buf := global.Get("Uint8Array").New(len(body))
		js.CopyBytesToJS(buf, body)
		init.Set("body", buf)
	}
	var abort js.Value
	if ac := global.Get("AbortController"); ac.Type() == js.TypeFunction {
		abort = ac.New()
		init.Set("signal", abort.Get("signal"))
	}

	// Both steps (the headers, then the body) are one promise chain, so
	// that one abort stops either.
	type result struct {
		status  int
		text    string
		headers http.Header
		body    []byte
		err     error
	}
	done := make(chan result, 1)
	var onResponse, onBody, onError js.Func
	var res result
	release := func() {
		onResponse.Release()
		onBody.Release()
		onError.Release()
	}
	onResponse = js.FuncOf(func(_ js.Value, args []js.Value) any {
		r := args[0]
		res.status = r.Get("status").Int()
		res.text = r.Get("statusText").String()
		res.headers = http.Header{}
		it := r.Get("headers").Call("entries")
		for {
			n := it.Call("next")
			if n.Get("done").Bool() {
				break
			}
			kv := n.Get("value")
			res.headers.Add(kv.Index(0).String(), kv.Index(1).String())
		}
		return r.Call("arrayBuffer")
	})
	onBody = js.FuncOf(func(_ js.Value, args []js.Value) any {
		arr := global.Get("Uint8Array").New(args[0])
		res.body = make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(res.body, arr)
		done <- res
		return nil
	})
	onError = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "unknown error"
		if len(args) > 0 {
			msg = jsErrorString(args[0])
		}
		// The query may hold the API secret or token: leave it out.
		done <- result{err: fmt.Errorf("fetch %s %s://%s%s: %s", req.Method, req.URL.Scheme, req.URL.Host, req.URL.Path, msg)}
		return nil
	})
	fetch.Invoke(req.URL.String(), init).
		Call("then", onResponse).
		Call("then", onBody).
		Call("catch", onError)

	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		if !abort.IsUndefined() {
			abort.Call("abort")
		}
		<-done // the chain settles (rejected) before its functions go
		release()
		return nil, ctx.Err()
	}
	release()
	if r.err != nil {
		return nil, r.err
	}
	return &http.Response{
		Status:        strconv.Itoa(r.status) + " " + r.text,
		StatusCode:    r.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        r.headers,
		Body:          io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)),
		Request:       req,
	}, nil
}

// jsErrorString describes a rejection value: an Error's name and message,
// with its cause (Node's fetch puts the network error there).
func jsErrorString(v js.Value) string {
	if v.Type() != js.TypeObject {
		return v.String()
	}
	s := v.Call("toString").String()
	if c := v.Get("cause"); c.Type() == js.TypeObject {
		if m := c.Get("message"); m.Type() == js.TypeString {
			s += ": " + m.String()
		}
	}
	return s
}
