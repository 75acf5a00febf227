//go:build js && wasm

// Package jsrt holds the few helpers every GOOS=js part of gojanus needs to
// call into the JavaScript runtime safely: JavaScript exceptions and
// promise rejections as Go errors, and waiting for a promise without
// blocking the event loop. The transports (the runtime's WebSocket and
// fetch) and the wasm bridge share them.
package jsrt

import (
	"context"
	"errors"
	"syscall/js"
)

// Thrown is a JavaScript value that was thrown, or a promise's rejection
// reason, as a Go error.
type Thrown struct {
	Value js.Value
}

// Error describes the value: "Name: message" for Error objects, with the
// message of its cause when it has one (Node's fetch and WebSocket put the
// network error there).
func (e *Thrown) Error() string { return Describe(e.Value) }

// Name returns the thrown Error's name ("TypeError", "NotAllowedError",
// ...), or "" when the value is not an Error.
func (e *Thrown) Name() string {
	if e.Value.Type() == js.TypeObject {
		if n := e.Value.Get("name"); n.Type() == js.TypeString {
			return n.String()
		}
	}
	return ""
}

// Describe describes a thrown JavaScript value or a rejection reason.
func Describe(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeObject:
		m := v.Get("message")
		if m.Type() != js.TypeString {
			break
		}
		s := m.String()
		if n := v.Get("name"); n.Type() == js.TypeString && n.String() != "" && n.String() != "Error" {
			s = n.String() + ": " + s
		}
		if c := v.Get("cause"); c.Type() == js.TypeObject {
			if cm := c.Get("message"); cm.Type() == js.TypeString && cm.String() != "" {
				s += ": " + cm.String()
			} else if code := c.Get("code"); code.Type() == js.TypeString {
				s += ": " + code.String()
			}
		}
		return s
	}
	return js.Global().Get("String").Invoke(v).String()
}

// Catch runs fn and returns a JavaScript exception it raised as a *Thrown.
// Other panics are not recovered.
func Catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var je js.Error
			if e, ok := r.(error); ok && errors.As(e, &je) {
				err = &Thrown{Value: je.Value}
				return
			}
			panic(r)
		}
	}()
	fn()
	return nil
}

// Await waits for a promise (or any value, which counts as resolved). It
// must run on a goroutine of its own, never inside a JavaScript callback.
// A rejection is returned as a *Thrown. When ctx ends first, Await returns
// ctx.Err() at once and the promise's callbacks are released once it
// settles.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{v: arg0(a)}
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{err: &Thrown{Value: arg0(a)}}
		return nil
	})
	js.Global().Get("Promise").Call("resolve", p).Call("then", onOK, onErr)
	release := func() {
		onOK.Release()
		onErr.Release()
	}
	select {
	case r := <-ch:
		release()
		return r.v, r.err
	case <-ctx.Done():
		go func() {
			<-ch
			release()
		}()
		return js.Undefined(), ctx.Err()
	}
}

func arg0(a []js.Value) js.Value {
	if len(a) > 0 {
		return a[0]
	}
	return js.Undefined()
}

// Bytes copies a message body into Go: a string (as UTF-8), an ArrayBuffer
// or a typed array. ok is false for other values.
func Bytes(v js.Value) (b []byte, ok bool) {
	if v.Type() == js.TypeString {
		return []byte(v.String()), true
	}
	if v.Type() != js.TypeObject {
		return nil, false
	}
	u8 := js.Global().Get("Uint8Array")
	if !v.InstanceOf(u8) {
		if !v.InstanceOf(js.Global().Get("ArrayBuffer")) {
			return nil, false
		}
		v = u8.New(v)
	}
	b = make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b, true
}
