package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gojanus/gojanus/core"
)

// Kinds of failure (ErrorInfo.Kind).
const (
	kindUsage    = "usage"
	kindURL      = "url"
	kindConnect  = "connect"
	kindJanus    = "janus"
	kindPlugin   = "plugin"
	kindTimeout  = "timeout"
	kindCanceled = "canceled"
	kindICE      = "ice"
	kindMedia    = "media"
	kindFailure  = "failure"
)

// cliError is a failure the command classified itself.
type cliError struct {
	kind string
	err  error
	hint string
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }

// usageErr marks err as a usage error (exit code 2).
func usageErr(err error) error {
	var ce *cliError
	if errors.As(err, &ce) {
		return err
	}
	return &cliError{kind: kindUsage, err: err}
}

// usagef is a usage error.
func usagef(format string, args ...any) error {
	return &cliError{kind: kindUsage, err: fmt.Errorf(format, args...)}
}

// mediaErr marks err as a failure of a media source or recording.
func mediaErr(err error) error {
	return &cliError{kind: kindMedia, err: err}
}

// connectErr marks a failed connection to the server named by flag.
func connectErr(flag string, err error) error {
	var ue *core.URLError
	switch {
	case errors.As(err, &ue):
		return &cliError{kind: kindURL, err: err, hint: urlHint(flag, ue.URL)}
	case errors.Is(err, core.ErrWrongEndpoint):
		// The server answered, but it is not what flag wants.
		return &cliError{kind: kindURL, err: fmt.Errorf("connect: %w", err), hint: endpointHint(flag)}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, core.ErrTimeout):
		return fmt.Errorf("connect: %w", err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return &cliError{kind: kindConnect, err: fmt.Errorf("connect: %w", err), hint: endpointHint(flag)}
	}
	return &cliError{kind: kindConnect, err: fmt.Errorf("connect: %w", err)}
}

// endpointHint says what each server flag takes.
func endpointHint(flag string) string {
	if flag == "--admin-server" {
		return "--admin-server takes the admin API (ws://HOST:7188, or http://HOST:7088/admin); the Janus API goes to --server"
	}
	return "--server takes the Janus API (ws://HOST:8188, or http://HOST:8088/janus); the admin API goes to --admin-server"
}

// checkURL rejects a server URL that cannot work, before anything is sent:
// no scheme, an unknown one, or an HTTP URL without the endpoint's path.
func checkURL(flag, raw, httpPath string) error {
	bad := func(reason string) error {
		return &cliError{kind: kindURL, err: fmt.Errorf("%s %q: %s", flag, raw, reason), hint: urlHint(flag, raw)}
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return bad("no scheme")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL")
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
	case "http", "https":
		if u.Path == "" || u.Path == "/" {
			return bad("an HTTP URL needs the endpoint's path (usually " + httpPath + ")")
		}
	default:
		return bad(fmt.Sprintf("unknown scheme %q (want ws://, wss://, http:// or https://)", scheme))
	}
	if u.Host == "" || strings.HasPrefix(rest, "/") {
		return bad("no host")
	}
	return nil
}

// urlHint proposes the URL the user probably meant.
func urlHint(flag, raw string) string {
	host := raw
	if _, rest, ok := strings.Cut(raw, "://"); ok {
		host = rest
	}
	host, _, _ = strings.Cut(host, "/")
	if host == "" {
		host = "127.0.0.1"
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = host, ""
	}
	wsPort, httpPort, path := "8188", "8088", "/janus"
	if flag == "--admin-server" {
		wsPort, httpPort, path = "7188", "7088", "/admin"
	}
	ws, http := wsPort, httpPort
	if port != "" {
		ws, http = port, port
	}
	return fmt.Sprintf("write %s ws://%s (WebSocket) or %s http://%s%s (HTTP long poll)",
		flag, net.JoinHostPort(name, ws), flag, net.JoinHostPort(name, http), path)
}

// iceError is a PeerConnection that did not come up.
func iceError(what string, cause error) error {
	msg := what + ": ICE failed"
	if cause != nil {
		msg = what + ": the PeerConnection did not come up (" + cause.Error() + ")"
	}
	return &cliError{kind: kindICE, err: errors.New(msg), hint: iceHint()}
}

// iceHint names the likely cause of an ICE failure.
func iceHint() string {
	if onlyLoopback() {
		return "this machine has only loopback interfaces up, and Janus gathers no ICE candidates on loopback: " +
			"run Janus and gojanus in a network namespace with a veth pair (as go tool mage demo does; see the README), " +
			"or use a machine with a network interface"
	}
	return "Janus and this machine found no common network path: check that Janus's ice_enforce_list, ice_ignore_list " +
		"and nat_1_1_mapping leave it an interface this machine reaches (Janus skips loopback), and pick ours with --ice-interface"
}

// onlyLoopback reports whether every interface that is up is a loopback
// one.
func onlyLoopback() bool {
	ifs, err := net.Interfaces()
	if err != nil {
		return false
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 {
			if addrs, err := i.Addrs(); err == nil && len(addrs) > 0 {
				return false
			}
		}
	}
	return true
}

// describe turns an error into its JSON form, with the exit code.
func describe(err error, timeout time.Duration) ErrorInfo {
	info := ErrorInfo{Kind: kindFailure, Reason: err.Error(), Message: err.Error(), ExitCode: exitError}
	var ce *cliError
	var pe *core.PluginError
	var je *core.Error
	switch {
	case errors.As(err, &ce):
		info.Kind, info.Hint = ce.kind, ce.hint
		if je2 := (*core.Error)(nil); errors.As(ce.err, &je2) {
			info.Code, info.Reason = je2.Code, je2.Reason
		}
	case errors.As(err, &pe):
		info.Kind, info.Code, info.Reason = kindPlugin, pe.Code, pe.Reason
	case errors.As(err, &je):
		info.Kind, info.Code, info.Reason = kindJanus, je.Code, je.Reason
		info.Hint = janusHint(je)
		if janusICEFailure(je) {
			info.Kind = kindICE
		}
	case errors.Is(err, core.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		info.Kind = kindTimeout
		info.Message = fmt.Sprintf("%s (no result within --timeout %s)", err, timeout)
		info.Hint = "raise --timeout if the server is slow"
	case errors.Is(err, context.Canceled):
		info.Kind = kindCanceled
	case errors.Is(err, core.ErrDisconnected), errors.Is(err, core.ErrClosed):
		info.Kind = kindConnect
	}
	if info.Kind == kindUsage || info.Kind == kindURL {
		info.ExitCode = exitUsage
	}
	return info
}

// janusHint says what to do about some Janus core errors.
func janusHint(e *core.Error) string {
	switch e.Code {
	case core.CodeUnauthorized:
		return "the server wants a secret or token: --api-secret or --token (--admin-secret for the admin API)"
	case core.CodeUnauthorizedPlugin:
		return "the token does not allow this plugin: add it with gojanus admin tokens add"
	}
	if janusICEFailure(e) {
		return iceHint()
	}
	if strings.Contains(e.Reason, "Token based authentication disabled") {
		return "the server runs without stored tokens: set token_auth = true in janus.jcfg"
	}
	return ""
}

// janusICEFailure reports whether Janus refused an SDP because it could
// not set up ICE on its side ("Error setting ICE locally": it found no
// interface to gather candidates on, e.g. only loopback).
func janusICEFailure(e *core.Error) bool {
	return e.Code == core.CodeUnknown && strings.Contains(e.Reason, "ICE")
}
