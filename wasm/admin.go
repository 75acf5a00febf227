//go:build js && wasm

package main

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
)

var adminProto js.Value

func initAdminProto() {
	adminProto = newProto(jsGlobal.Get("EventTarget").Get("prototype"), map[string]func(js.Value, []js.Value) any{
		"info":              method("admin client", adminInfo),
		"ping":              method("admin client", adminPing),
		"getStatus":         method("admin client", adminGetStatus),
		"listSessions":      method("admin client", adminListSessions),
		"listHandles":       method("admin client", adminListHandles),
		"handleInfo":        method("admin client", adminHandleInfo),
		"addToken":          method("admin client", adminAddToken),
		"allowToken":        method("admin client", adminAllowToken),
		"disallowToken":     method("admin client", adminDisallowToken),
		"listTokens":        method("admin client", adminListTokens),
		"removeToken":       method("admin client", adminRemoveToken),
		"setLogLevel":       method("admin client", adminSetLogLevel),
		"setSessionTimeout": method("admin client", adminSetSessionTimeout),
		"request":           method("admin client", adminRequest),
		"handleRequest":     method("admin client", adminHandleRequest),
		"close":             closeMethod("admin client", adminClose),
	})
}

// adminState is the Go side of an Admin object.
type adminState struct {
	id int
	a  *core.Admin
}

// connectAdmin(url, {adminSecret, transactionTimeout, connectTimeout}) -> Admin.
func connectAdmin(_ js.Value, args []js.Value) any {
	u := arg(args, 0)
	if u.Type() != js.TypeString {
		return rejected(typeError("gojanus: connectAdmin needs the admin API URL (ws://host:7188 or http://host:7088/admin)"))
	}
	opts := arg(args, 1)
	return async(opts, func(ctx context.Context) (any, error) {
		var o []core.Option
		r := readOptions(opts, "connectAdmin options")
		if s := r.str("adminSecret"); s != "" {
			o = append(o, core.WithAdminSecret(s))
		}
		if d, ok := r.millis("transactionTimeout"); ok && d > 0 {
			o = append(o, core.WithTransactionTimeout(d))
		}
		timeout := defaultConnectTimeout
		if d, ok := r.millis("connectTimeout"); ok && d > 0 {
			timeout = d
		}
		if r.err != nil {
			return nil, r.err
		}
		l, err := loggerFor(opts)
		if err != nil {
			return nil, err
		}
		if l != nil {
			o = append(o, core.WithLogger(l))
		}
		dctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		a, err := core.DialAdmin(dctx, u.String(), o...)
		if err != nil {
			return nil, &connectError{urls: []string{u.String()}, err: err}
		}
		as := &adminState{a: a}
		as.id = objects.add(as)
		return newObject(adminProto, as.id), nil
	})
}

func adminInfo(ctx context.Context, as *adminState, _ []js.Value) (any, error) {
	info, err := as.a.Info(ctx)
	if err != nil {
		return nil, err
	}
	return info.Raw, nil
}

func adminPing(ctx context.Context, as *adminState, _ []js.Value) (any, error) {
	return nil, as.a.Ping(ctx)
}

func adminGetStatus(ctx context.Context, as *adminState, _ []js.Value) (any, error) {
	st, err := as.a.GetStatus(ctx)
	if err != nil {
		return nil, err
	}
	return st.Raw, nil
}

func adminListSessions(ctx context.Context, as *adminState, _ []js.Value) (any, error) {
	ids, err := as.a.ListSessions(ctx)
	if ids == nil && err == nil {
		ids = []uint64{}
	}
	return ids, err
}

func adminListHandles(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	s, err := uintArg(args, 0, "session id")
	if err != nil {
		return nil, err
	}
	ids, err := as.a.ListHandles(ctx, s)
	if ids == nil && err == nil {
		ids = []uint64{}
	}
	return ids, err
}

func adminHandleInfo(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	s, err := uintArg(args, 0, "session id")
	if err != nil {
		return nil, err
	}
	h, err := uintArg(args, 1, "handle id")
	if err != nil {
		return nil, err
	}
	info, err := as.a.HandleInfo(ctx, s, h)
	if err != nil {
		return nil, err
	}
	return info.Raw, nil
}

// tokenArgs reads (token, plugins?).
func tokenArgs(args []js.Value) (string, []string, error) {
	t := arg(args, 0)
	if t.Type() != js.TypeString || t.String() == "" {
		return "", nil, typeError("gojanus: a token must be a non-empty string")
	}
	var plugins []string
	if err := fromJS(arg(args, 1), &plugins); err != nil {
		return "", nil, err
	}
	return t.String(), plugins, nil
}

func adminAddToken(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	t, p, err := tokenArgs(args)
	if err != nil {
		return nil, err
	}
	return as.a.AddToken(ctx, t, p...)
}

func adminAllowToken(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	t, p, err := tokenArgs(args)
	if err != nil {
		return nil, err
	}
	return as.a.AllowToken(ctx, t, p...)
}

func adminDisallowToken(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	t, p, err := tokenArgs(args)
	if err != nil {
		return nil, err
	}
	return as.a.DisallowToken(ctx, t, p...)
}

func adminListTokens(ctx context.Context, as *adminState, _ []js.Value) (any, error) {
	ts, err := as.a.ListTokens(ctx)
	if ts == nil && err == nil {
		ts = []core.TokenInfo{}
	}
	return ts, err
}

func adminRemoveToken(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	t, _, err := tokenArgs(args)
	if err != nil {
		return nil, err
	}
	return nil, as.a.RemoveToken(ctx, t)
}

func adminSetLogLevel(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	n, err := uintArg(args, 0, "log level")
	if err != nil {
		return nil, err
	}
	return nil, as.a.SetLogLevel(ctx, int(n))
}

func adminSetSessionTimeout(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	n, err := uintArg(args, 0, "session timeout")
	if err != nil {
		return nil, err
	}
	return nil, as.a.SetSessionTimeout(ctx, int(n))
}

// adminRequest(janus, fields) sends any admin request; resolves with the
// whole answer.
func adminRequest(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	j := arg(args, 0)
	if j.Type() != js.TypeString || j.String() == "" {
		return nil, typeError("gojanus: request needs the request name, e.g. \"query_logger\"")
	}
	var fields map[string]any
	if err := fromJS(arg(args, 1), &fields); err != nil {
		return nil, err
	}
	return as.a.Request(ctx, j.String(), fields)
}

// adminHandleRequest(session, handle, janus, fields).
func adminHandleRequest(ctx context.Context, as *adminState, args []js.Value) (any, error) {
	s, err := uintArg(args, 0, "session id")
	if err != nil {
		return nil, err
	}
	h, err := uintArg(args, 1, "handle id")
	if err != nil {
		return nil, err
	}
	j := arg(args, 2)
	if j.Type() != js.TypeString || j.String() == "" {
		return nil, typeError("gojanus: handleRequest needs the request name")
	}
	var fields map[string]any
	if err := fromJS(arg(args, 3), &fields); err != nil {
		return nil, err
	}
	return as.a.HandleRequest(ctx, s, h, j.String(), fields)
}

func adminClose(_ context.Context, as *adminState, _ []js.Value) (any, error) {
	objects.remove(as.id)
	err := as.a.Close()
	if errors.Is(err, core.ErrClosed) {
		err = nil
	}
	releaseIdleTimeout()
	return nil, err
}
