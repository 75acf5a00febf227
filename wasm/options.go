//go:build js && wasm

package main

import (
	"math"
	"syscall/js"
	"time"
)

// optReader reads the members of an options argument, checking their
// types: a member of the wrong type (a keepalive of "x", a token of 5) is a
// TypeError naming it, not a setting silently ignored. Unknown members are
// left alone, as JavaScript APIs do. The first error is kept.
type optReader struct {
	v    js.Value
	what string // e.g. "connect options"
	err  error
}

// readOptions starts reading v, the options argument named what; it must
// be undefined, null or an object.
func readOptions(v js.Value, what string) *optReader {
	r := &optReader{v: v, what: what}
	if isSet(v) && v.Type() != js.TypeObject {
		r.err = typeError("gojanus: %s must be an object, not %s", what, jsTypeOf(v))
	}
	return r
}

// get returns the member name when it is set and of type want.
func (r *optReader) get(name string, want js.Type, wantName string) (js.Value, bool) {
	if r.err != nil || r.v.Type() != js.TypeObject {
		return js.Undefined(), false
	}
	v := r.v.Get(name)
	if !isSet(v) {
		return v, false
	}
	if v.Type() != want {
		r.err = typeError("gojanus: %s: %q must be %s, not %s", r.what, name, wantName, jsTypeOf(v))
		return v, false
	}
	return v, true
}

// str returns a string member ("" when unset).
func (r *optReader) str(name string) string {
	if v, ok := r.get(name, js.TypeString, "a string"); ok {
		return v.String()
	}
	return ""
}

// millis returns a member that is a number of milliseconds, zero or more,
// and whether it was given.
func (r *optReader) millis(name string) (time.Duration, bool) {
	v, ok := r.get(name, js.TypeNumber, "a number of milliseconds")
	if !ok {
		return 0, false
	}
	f := v.Float()
	if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		r.err = typeError("gojanus: %s: %q must be a number of milliseconds, zero or more, not %v", r.what, name, f)
		return 0, false
	}
	return time.Duration(f * float64(time.Millisecond)), true
}

// count returns a member that is a whole number, zero or more, and whether
// it was given.
func (r *optReader) count(name string) (int, bool) {
	v, ok := r.get(name, js.TypeNumber, "a whole number")
	if !ok {
		return 0, false
	}
	f := v.Float()
	if f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		r.err = typeError("gojanus: %s: %q must be a whole number, zero or more, not %v", r.what, name, f)
		return 0, false
	}
	return int(f), true
}

// jsTypeOf names the JavaScript type of v for messages: "a string", "an
// object", "null", ...
func jsTypeOf(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "a boolean"
	case js.TypeNumber:
		return "a number"
	case js.TypeString:
		return "a string"
	case js.TypeSymbol:
		return "a symbol"
	case js.TypeFunction:
		return "a function"
	}
	if jsArray.Call("isArray", v).Bool() {
		return "an array"
	}
	return "an object"
}
