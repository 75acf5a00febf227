//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport/ws"
	"github.com/gojanus/gojanus/internal/jsrt"
)

// apiError is an error of this program with a JavaScript error name.
type apiError struct {
	name string
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func typeError(format string, a ...any) error {
	return &apiError{name: "TypeError", msg: fmt.Sprintf(format, a...)}
}

// errNoMedia is the error of every media call where the runtime has no
// RTCPeerConnection (Node).
var errNoMedia = &apiError{name: "NotSupportedError", msg: "media needs a browser: RTCPeerConnection is not available in this runtime"}

// connectError is a connect or connectAdmin that reached no server.
type connectError struct {
	urls []string
	err  error
}

// Error names the servers and what went wrong with each: core words each
// server's failure in one short line ("janus: <transport> <URL>: what
// happened (what to check)"), which is kept without its "janus: ".
func (e *connectError) Error() string {
	parts := serverErrors(e.err)
	for i, p := range parts {
		parts[i] = strings.TrimPrefix(p, "janus: ")
	}
	urls := make([]string, len(e.urls))
	for i, u := range e.urls {
		urls[i] = core.RedactURL(u) // credentials stay out of messages
	}
	return "gojanus: cannot connect to " + strings.Join(urls, ", ") + ": " + strings.Join(parts, "; ")
}

// serverErrors returns the messages of the errors joined in err (one per
// server tried), or err's own.
func serverErrors(err error) []string {
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range u.Unwrap() {
			out = append(out, serverErrors(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

func (e *connectError) Unwrap() error { return e.err }

// errorName tells the JavaScript name of an error, and for errors of a
// JavaScript API the thrown value.
func errorName(err error) (string, *jsrt.Thrown) {
	var (
		pe  *core.PluginError
		je  *core.Error
		ae  *apiError
		th  *jsrt.Thrown
		ce  *connectError
		ute *json.UnmarshalTypeError
	)
	if errors.As(err, &ce) {
		return connectErrorName(err)
	}
	switch {
	case errors.As(err, &pe):
		return "PluginError", nil
	case errors.As(err, &je):
		return "JanusError", nil
	case errors.As(err, &ae):
		return ae.name, nil
	case errors.Is(err, core.ErrBadURL):
		return "SyntaxError", nil // as new WebSocket("nonsense") throws
	case errors.Is(err, ws.ErrNoWebSocket):
		return "NotSupportedError", nil
	case errors.Is(err, core.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "TimeoutError", nil
	case errors.Is(err, context.Canceled):
		return "AbortError", nil
	case errors.Is(err, core.ErrClosed):
		return "ClosedError", nil
	case errors.Is(err, core.ErrDisconnected):
		return "DisconnectedError", nil
	case errors.Is(err, core.ErrSessionDestroyed), errors.Is(err, core.ErrSessionTimeout):
		return "SessionEndedError", nil
	case errors.Is(err, core.ErrUnsupported):
		return "UnsupportedError", nil
	case errors.As(err, &th):
		// A runtime error (NotAllowedError from getUserMedia, the
		// SyntaxError of a malformed URL, ...) keeps its name.
		if n := th.Name(); n != "" && n != "Error" {
			return n, th
		}
		return "GojanusError", th
	case errors.As(err, &ute):
		return "TypeError", nil
	}
	return "GojanusError", nil
}

// connectErrorName names the error of a connect that reached no server:
// a SyntaxError for a malformed URL, NotSupportedError without a
// WebSocket, TimeoutError or AbortError when the wait ended, and
// otherwise NetworkError.
func connectErrorName(err error) (string, *jsrt.Thrown) {
	var th *jsrt.Thrown
	errors.As(err, &th)
	switch {
	case errors.Is(err, core.ErrBadURL):
		return "SyntaxError", nil
	case th != nil && th.Name() == "SyntaxError":
		return "SyntaxError", th
	case errors.Is(err, ws.ErrNoWebSocket):
		return "NotSupportedError", nil
	case errors.Is(err, context.DeadlineExceeded):
		return "TimeoutError", nil
	case errors.Is(err, context.Canceled):
		return "AbortError", nil
	}
	return "NetworkError", th
}

// jsMessage is err's message in the terms of the JavaScript API: the
// context package's words become the DOM's.
func jsMessage(err error) string {
	msg := strings.ReplaceAll(err.Error(), "context canceled", "aborted")
	return strings.ReplaceAll(msg, "context deadline exceeded", "timed out")
}

// jsError converts a Go error into a JavaScript Error whose name tells the
// kind (JanusError, PluginError, TimeoutError, AbortError, NetworkError,
// ...) and which carries code and reason for Janus and plugin errors, and
// the original JavaScript error as its cause.
func jsError(err error) js.Value {
	name, thrown := errorName(err)
	ctor := jsGlobal.Get("Error")
	if name == "TypeError" || name == "SyntaxError" {
		ctor = jsGlobal.Get(name)
	}
	e := ctor.New(jsMessage(err))
	e.Set("name", name)
	var (
		pe *core.PluginError
		je *core.Error
		ue *core.UnsupportedError
	)
	switch {
	case errors.As(err, &ue):
		e.Set("since", ue.Since.String())
		e.Set("server", ue.Server.String())
	case errors.As(err, &pe):
		e.Set("code", pe.Code)
		e.Set("reason", pe.Reason)
		e.Set("plugin", pe.Plugin)
	case errors.As(err, &je):
		e.Set("code", je.Code)
		e.Set("reason", je.Reason)
		if je.Request != "" {
			e.Set("request", je.Request)
		}
	}
	if thrown != nil {
		e.Set("cause", thrown.Value)
	}
	return e
}

// argError turns an error of decoding argument what (through JSON) into
// a TypeError that speaks of JavaScript values: which member has the
// wrong type, and what it should be.
func argError(what string, err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		member := "the argument"
		if ute.Field != "" {
			member = quoteMember(ute.Field)
		}
		return typeError("gojanus: %s: %s must be %s, not %s", what, member, jsType(ute.Type), article(ute.Value))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return typeError("gojanus: %s: not a JSON value", what)
	}
	// A type's own decoder (a plugin id, ...): its message is ours.
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return typeError("gojanus: %s: %s", what, msg)
}

// quoteMember quotes a member path for a message: "room", "streams.feed".
func quoteMember(field string) string { return `"` + field + `"` }

// jsType names the JavaScript type a Go type is decoded from.
func jsType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if t == reflect.TypeFor[core.ID]() {
		return "a number or a string"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsType(t.Elem())
	}
	return "another type"
}

// article puts "a" or "an" before a JSON type name from encoding/json
// ("string", "number", "object", "array", "bool").
func article(v string) string {
	switch v {
	case "bool":
		return "a boolean"
	case "object", "array":
		return "an " + v
	case "":
		return "this value"
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return "a number (" + n + ")"
	}
	return "a " + v
}
