//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/jsrt"
)

// JavaScript globals used everywhere.
var (
	jsGlobal  = js.Global()
	jsObject  = jsGlobal.Get("Object")
	jsJSON    = jsGlobal.Get("JSON")
	jsPromise = jsGlobal.Get("Promise")
	jsArray   = jsGlobal.Get("Array")
)

// idProp is the hidden (non-enumerable) property of every object this
// program hands to JavaScript that holds its registry id.
const idProp = "__gojanus"

// registry maps the ids of JavaScript objects to their Go state. An object
// whose id is no longer registered has ended: its methods reject.
type registry struct {
	mu   sync.Mutex
	next int
	objs map[int]any
}

var objects = &registry{objs: map[int]any{}}

func (r *registry) add(v any) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	r.objs[r.next] = v
	return r.next
}

func (r *registry) get(id int) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.objs[id]
}

func (r *registry) remove(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.objs, id)
}

// count returns how many objects are live (for leak checks in tests).
func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.objs)
}

// newProto returns a prototype object inheriting from parent with the given
// methods. The methods' js.Func values live as long as the program: there
// is one per method and class, never one per object, so nothing leaks when
// objects end.
func newProto(parent js.Value, methods map[string]func(this js.Value, args []js.Value) any) js.Value {
	proto := jsObject.Call("create", parent)
	for name, fn := range methods {
		define(proto, name, js.FuncOf(fn), false)
	}
	return proto
}

// define sets a read-only property.
func define(obj js.Value, name string, v any, enumerable bool) {
	d := jsObject.New()
	d.Set("value", v)
	d.Set("enumerable", enumerable)
	d.Set("configurable", true)
	d.Set("writable", false)
	jsObject.Call("defineProperty", obj, name, d)
}

// newObject returns a new EventTarget with the given prototype, linked to
// the registry id.
func newObject(proto js.Value, id int) js.Value {
	obj := jsGlobal.Get("EventTarget").New()
	jsObject.Call("setPrototypeOf", obj, proto)
	define(obj, idProp, id, false)
	return obj
}

// self returns the Go state of a method's receiver, or an error when the
// object has ended or is not one of ours.
func self[T any](this js.Value, what string) (T, error) {
	var zero T
	if this.Type() != js.TypeObject {
		return zero, typeError("gojanus: %s method called on a non-object", what)
	}
	id := this.Get(idProp)
	if id.Type() != js.TypeNumber {
		return zero, typeError("gojanus: %s method called on a foreign object", what)
	}
	v, ok := objects.get(id.Int()).(T)
	if !ok {
		return zero, &apiError{name: "InvalidStateError", msg: "gojanus: the " + what + " has ended"}
	}
	return v, nil
}

// method wraps an asynchronous method of the objects whose state is T: it
// looks the state up and runs fn on a new goroutine (a JavaScript callback
// must never block), returning a Promise of its result.
func method[T any](what string, fn func(ctx context.Context, s T, args []js.Value) (any, error)) func(js.Value, []js.Value) any {
	return func(this js.Value, args []js.Value) any {
		s, err := self[T](this, what)
		if err != nil {
			return rejected(err)
		}
		return async(optionsArg(args), func(ctx context.Context) (any, error) { return fn(ctx, s, args) })
	}
}

// closeMethod is method for close(): closing an object that has already
// ended resolves (closing twice, or after the connection was lost, is not
// an error), as cleanup code in finally blocks expects.
func closeMethod[T any](what string, fn func(ctx context.Context, s T, args []js.Value) (any, error)) func(js.Value, []js.Value) any {
	m := method(what, fn)
	return func(this js.Value, args []js.Value) any {
		if _, err := self[T](this, what); err != nil {
			var ae *apiError
			if errors.As(err, &ae) && ae.name == "InvalidStateError" {
				return jsPromise.Call("resolve")
			}
		}
		return m(this, args)
	}
}

// optionsArg returns the last argument when it is a plain object (where an
// AbortSignal may be given as "signal"), else undefined.
func optionsArg(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[len(args)-1]
}

// async returns a Promise settled by fn, which runs on a goroutine. If opts
// has an AbortSignal "signal", aborting it cancels fn's context, and the
// Promise rejects with an AbortError, or a TimeoutError when the signal's
// reason is one (AbortSignal.timeout).
func async(opts js.Value, fn func(ctx context.Context) (any, error)) js.Value {
	var resolve, reject js.Value
	exec := js.FuncOf(func(_ js.Value, a []js.Value) any {
		resolve, reject = a[0], a[1]
		return nil
	})
	p := jsPromise.New(exec) // the executor runs synchronously
	exec.Release()
	site := callSite()
	ctx, cancel := contextFor(opts)
	go func() {
		defer cancel()
		v, err := fn(ctx)
		if err != nil {
			if reason, ok := context.Cause(ctx).(*abortReason); ok && errors.Is(err, context.Canceled) {
				err = reason.wrap(err)
			}
			reject.Invoke(withCallSite(jsError(err), site))
		} else {
			resolve.Invoke(toJS(v))
		}
		if objects.count() == 0 {
			releaseIdleTimeout() // nothing is live: let Node exit
		}
	}()
	return p
}

// abortReason is the reason of an aborted AbortSignal, as the cause of
// the context it cancelled.
type abortReason struct{ v js.Value }

func (r *abortReason) Error() string { return jsrt.Describe(r.v) }

// wrap returns err as a TimeoutError when the reason is one (the reason is
// then its cause), else err itself.
func (r *abortReason) wrap(err error) error {
	if r.v.Type() == js.TypeObject && r.v.Get("name").Type() == js.TypeString && r.v.Get("name").String() == "TimeoutError" {
		return &apiError{name: "TimeoutError", msg: strings.Replace(jsMessage(err), "aborted", "timed out (AbortSignal)", 1)}
	}
	return err
}

// rejected returns a Promise rejected with err.
func rejected(err error) js.Value {
	return jsPromise.Call("reject", withCallSite(jsError(err), callSite()))
}

// callSite returns an Error made now, in the JavaScript call that entered
// Go: its stack holds the caller's frames, which the Error a Promise
// rejects with later (made on a goroutine, with only wasm frames) gets
// through withCallSite. The stack limit is raised for the moment, since
// the frames of Go and wasm_exec.js come first.
func callSite() js.Value {
	ctor := jsGlobal.Get("Error")
	limit := ctor.Get("stackTraceLimit")
	if limit.Type() == js.TypeNumber {
		ctor.Set("stackTraceLimit", 40)
		defer ctor.Set("stackTraceLimit", limit)
	}
	return ctor.New()
}

// withCallSite gives e the stack of site without the frames of Go's
// WebAssembly and wasm_exec.js, so that an uncaught rejection points at
// the caller's line, not at gojanus's internals. It returns e.
func withCallSite(e, site js.Value) js.Value {
	st := site.Get("stack")
	if st.Type() != js.TypeString {
		return e
	}
	lines := strings.Split(st.String(), "\n")
	var keep []string
	if len(lines) > 0 && strings.HasPrefix(lines[0], "Error") {
		// V8 starts the stack with "Name: message"; other engines list
		// frames only.
		keep = append(keep, e.Get("name").String()+": "+e.Get("message").String())
		lines = lines[1:]
	}
	for _, l := range lines {
		if l == "" || strings.Contains(l, "wasm://") || strings.Contains(l, "wasm-function") ||
			strings.Contains(l, "wasm_exec.js") || strings.Contains(l, ".wasm:") {
			continue
		}
		keep = append(keep, l)
	}
	e.Set("stack", strings.Join(keep, "\n"))
	return e
}

// contextFor returns a context cancelled when opts.signal (an AbortSignal)
// aborts, with the signal's reason as its cause. The cancel function also
// drops the abort listener.
func contextFor(opts js.Value) (context.Context, context.CancelFunc) {
	ctx, cancelCause := context.WithCancelCause(context.Background())
	cancel := func() { cancelCause(nil) }
	if opts.Type() != js.TypeObject {
		return ctx, cancel
	}
	signal := opts.Get("signal")
	if signal.Type() != js.TypeObject || signal.Get("addEventListener").Type() != js.TypeFunction {
		return ctx, cancel
	}
	abort := func() { cancelCause(&abortReason{v: signal.Get("reason")}) }
	if signal.Get("aborted").Truthy() {
		abort()
		return ctx, cancel
	}
	onAbort := js.FuncOf(func(js.Value, []js.Value) any {
		abort()
		return nil
	})
	signal.Call("addEventListener", "abort", onAbort)
	var once sync.Once
	return ctx, func() {
		cancel()
		once.Do(func() {
			signal.Call("removeEventListener", "abort", onAbort)
			onAbort.Release()
		})
	}
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// isSet reports whether v is neither undefined nor null.
func isSet(v js.Value) bool { return !v.IsUndefined() && !v.IsNull() }

// toJS converts a Go value into a plain JavaScript value: js.Value as it is,
// nil as undefined, anything else through JSON. Go values never reach
// JavaScript as opaque objects.
func toJS(v any) js.Value {
	switch v := v.(type) {
	case nil:
		return js.Undefined()
	case js.Value:
		return v
	case js.Func:
		return v.Value
	case json.RawMessage:
		if len(v) == 0 {
			return js.Undefined()
		}
		return jsJSON.Call("parse", string(v))
	case string, bool, int, float64:
		return js.ValueOf(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return js.ValueOf(fmt.Sprintf("gojanus: cannot convert %T: %v", v, err))
	}
	return jsJSON.Call("parse", string(b))
}

// fromJS decodes a plain JavaScript value into dst through JSON. undefined
// and null leave dst unchanged.
func fromJS(v js.Value, dst any) error {
	if !isSet(v) {
		return nil
	}
	s := jsJSON.Call("stringify", v)
	if s.Type() != js.TypeString {
		return typeError("gojanus: expected a JSON value, got %s", v.Type())
	}
	if err := json.Unmarshal([]byte(s.String()), dst); err != nil {
		return argError("bad argument", err)
	}
	return nil
}

// rawJS returns a JavaScript value as raw JSON (for request bodies); nil for
// undefined and null.
func rawJS(v js.Value) (json.RawMessage, error) {
	if !isSet(v) {
		return nil, nil
	}
	if v.Type() != js.TypeObject {
		return nil, typeError("gojanus: expected an object, got %s", v.Type())
	}
	s := jsJSON.Call("stringify", v)
	return json.RawMessage(s.String()), nil
}

// uintArg returns args[i] as an unsigned id (a number, or a decimal string).
func uintArg(args []js.Value, i int, what string) (uint64, error) {
	v := arg(args, i)
	switch v.Type() {
	case js.TypeNumber:
		f := v.Float()
		if f < 0 || f != float64(uint64(f)) {
			return 0, typeError("gojanus: %s must be a non-negative integer", what)
		}
		return uint64(f), nil
	case js.TypeString:
		// strconv, not fmt.Sscan, whose scanner would add 25 KB to the
		// module.
		if n, err := strconv.ParseUint(strings.TrimSpace(v.String()), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, typeError("gojanus: %s must be a number", what)
}

// idArg returns args[i] as a plugin id (number or string).
func idArg(args []js.Value, i int, what string) (core.ID, error) {
	v := arg(args, i)
	switch v.Type() {
	case js.TypeNumber:
		n, err := uintArg(args, i, what)
		return core.NumID(n), err
	case js.TypeString:
		return core.StrID(v.String()), nil
	}
	return core.ID{}, typeError("gojanus: %s must be a number or a string", what)
}

// errString returns err's message, or undefined for nil.
func errString(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

// callJS calls fn (if it is a function) with args, reporting an exception
// on the console, with its stack, instead of ending the program.
func callJS(fn js.Value, args ...any) {
	if fn.Type() != js.TypeFunction {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			reportThrown("gojanus: an event callback threw:", r)
		}
	}()
	fn.Invoke(args...)
}

// reportThrown logs what a recovered panic from a JavaScript call carried:
// the thrown value itself when it is one (the console shows its stack),
// else its description.
func reportThrown(what string, r any) {
	var v any = fmt.Sprint(r)
	if je, ok := r.(js.Error); ok {
		v = je.Value
	}
	jsGlobal.Get("console").Call("error", what, v)
}

// emit delivers an event (a plain object with a "type") to one of our
// objects: to its onevent callback, to its on<type> callback (for types
// other than "event"), and to its listeners as a DOM Event whose own
// properties are the event's (and whose detail is the plain object).
func emit(obj, ev js.Value) {
	typ := ev.Get("type").String()
	callJS(obj.Get("onevent"), ev)
	if typ != "event" {
		callJS(obj.Get("on"+typ), ev)
	}
	e := jsGlobal.Get("Event").New(typ)
	keys := jsObject.Call("keys", ev)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		if k != "type" {
			e.Set(k, ev.Get(k))
		}
	}
	e.Set("detail", ev)
	defer func() {
		if r := recover(); r != nil {
			reportThrown("gojanus: a listener of "+typ+" threw:", r)
		}
	}()
	obj.Call("dispatchEvent", e)
}
