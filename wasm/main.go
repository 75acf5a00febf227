//go:build js && wasm

// Command wasm is gojanus for JavaScript: built with GOOS=js GOARCH=wasm
// (go tool mage wasm writes web/gojanus.wasm), it is a Promise-based
// client of the Janus WebRTC Server on top of the same core and plugin
// packages as the native build. gojanus.d.ts describes the API.
//
// Two ways to start it:
//   - the ES module web/gojanus.mjs (or gojanus-node.mjs in Node): its
//     load() instantiates the module and resolves to the API object, which
//     then lives nowhere else;
//   - Go's wasm_exec.js and go.run(instance) from a script tag: the API is
//     set on globalThis.gojanus (and handed to globalThis.onGojanusReady,
//     if that is a function).
//
// In browsers, media goes through the browser's RTCPeerConnection and
// getUserMedia. In Node (no RTCPeerConnection) the signalling API works
// and every media call rejects with a NotSupportedError. Node 22 and later
// have a WebSocket; on Node 20 the loader passes the ws package's, when it
// is installed, or connect rejects with a NotSupportedError naming the fix.
package main

import (
	"context"
	"log/slog"
	"strings"
	"syscall/js"

	"github.com/gojanus/gojanus/core/transport/ws"
)

// version is the API version reported as gojanus.version.
const version = "0.2.0"

// loaderHook is the global the ES module sets while go.run starts this
// program: {ready(api), WebSocket?}. When it is there, the API goes to
// ready instead of globalThis.gojanus.
const loaderHook = "__gojanusLoader"

func main() {
	initClientProtos()
	initVideoRoomProtos()
	initEchoTestProto()
	initAdminProto()

	g := jsObject.New()
	g.Set("version", version)
	g.Set("connect", js.FuncOf(connect))
	g.Set("connectAdmin", js.FuncOf(connectAdmin))
	g.Set("mediaAvailable", js.FuncOf(func(js.Value, []js.Value) any { return mediaAvailable() }))
	g.Set("liveObjects", js.FuncOf(func(js.Value, []js.Value) any { return objects.count() }))
	g.Set("setLogLevel", js.FuncOf(func(_ js.Value, args []js.Value) any {
		lvl, err := parseLevel(arg(args, 0))
		if err != nil {
			// A Go callback cannot throw: the error is returned, and
			// shown on the console so that it is not missed.
			e := jsError(err)
			jsGlobal.Get("console").Call("warn", e)
			return e
		}
		slog.SetDefault(newLogger(lvl))
		return js.Undefined()
	}))
	slog.SetDefault(newLogger(slog.LevelWarn))

	if hook := jsGlobal.Get(loaderHook); hook.Type() == js.TypeObject {
		if c := hook.Get("WebSocket"); c.Type() == js.TypeFunction {
			ws.SetWebSocket(c)
		}
		callJS(hook.Get("ready"), g)
	} else {
		jsGlobal.Set("gojanus", g)
		if cb := jsGlobal.Get("onGojanusReady"); cb.Type() == js.TypeFunction {
			callJS(cb, g)
		}
	}
	select {} // serve JavaScript until the page or process ends
}

// silent is above every level: nothing is logged.
const silent = slog.Level(100)

// parseLevel reads a log level name: "debug", "info", "warn", "error" or
// "silent".
func parseLevel(v js.Value) (slog.Level, error) {
	if v.Type() == js.TypeString {
		switch v.String() {
		case "debug":
			return slog.LevelDebug, nil
		case "info":
			return slog.LevelInfo, nil
		case "warn":
			return slog.LevelWarn, nil
		case "error":
			return slog.LevelError, nil
		case "silent":
			return silent, nil
		}
	}
	return 0, typeError("gojanus: log level must be \"debug\", \"info\", \"warn\", \"error\" or \"silent\"")
}

// newLogger logs to the console at level l and above.
func newLogger(l slog.Level) *slog.Logger {
	return slog.New(&consoleHandler{level: l})
}

// consoleHandler is a slog.Handler that writes each record as one line
// ("gojanus: msg key=value ...") to console.debug, info, warn or error, so
// that the runtime's console filters and colours them. It is much smaller
// in the wasm module than slog's text handler.
type consoleHandler struct {
	level slog.Level
	attrs []slog.Attr
	group string
}

func (h *consoleHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		if a.Key == "" {
			return true
		}
		b.WriteByte(' ')
		if h.group != "" {
			b.WriteString(h.group + ".")
		}
		b.WriteString(a.Key)
		b.WriteByte('=')
		b.WriteString(a.Value.Resolve().String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	method := "error"
	switch {
	case r.Level < slog.LevelInfo:
		method = "debug"
	case r.Level < slog.LevelWarn:
		method = "info"
	case r.Level < slog.LevelError:
		method = "warn"
	}
	if c := jsGlobal.Get("console"); c.Type() == js.TypeObject {
		c.Call(method, b.String())
	}
	return nil
}

func (h *consoleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *consoleHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}

// loggerFor returns the logger of a connection's options.logLevel, or nil
// for the default.
func loggerFor(opts js.Value) (*slog.Logger, error) {
	if opts.Type() != js.TypeObject || !isSet(opts.Get("logLevel")) {
		return nil, nil
	}
	l, err := parseLevel(opts.Get("logLevel"))
	if err != nil {
		return nil, err
	}
	return newLogger(l), nil
}

func logWarn(msg string, err error) {
	slog.Warn("gojanus: "+msg, "err", err)
}
