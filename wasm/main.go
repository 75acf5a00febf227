//go:build js && wasm

// Command wasm is gojanus for JavaScript: built with GOOS=js GOARCH=wasm
// (go tool mage wasm writes web/gojanus.wasm) and started with Go's
// wasm_exec.js, it sets globalThis.gojanus, a Promise-based client of the
// Janus WebRTC Server on top of the same core and plugin packages as the
// native build. gojanus.d.ts describes the API.
//
// In browsers, media goes through the browser's RTCPeerConnection and
// getUserMedia. In Node (no RTCPeerConnection) the signalling API works
// (set globalThis.WebSocket, e.g. from the ws package, before starting the
// program, or run Node 22+) and every media call rejects with a
// NotSupportedError.
package main

import (
	"log/slog"
	"os"
	"syscall/js"
)

// version is the API version reported as gojanus.version.
const version = "0.1.0"

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
			return jsError(err)
		}
		slog.SetDefault(newLogger(lvl))
		return js.Undefined()
	}))
	slog.SetDefault(newLogger(slog.LevelWarn))
	jsGlobal.Set("gojanus", g)
	if cb := jsGlobal.Get("onGojanusReady"); cb.Type() == js.TypeFunction {
		callJS(cb, g)
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

// newLogger logs to the console (wasm_exec.js writes stderr there).
func newLogger(l slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
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
