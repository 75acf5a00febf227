package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
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

// mediaErr marks err as a failure of a media source or recording, unless
// the run ended because its Janus session did (a *sessionLost) or its
// PeerConnection (a *mediaLost).
func mediaErr(err error) error {
	var lost *sessionLost
	if errors.As(err, &lost) {
		return lost
	}
	var ml *mediaLost
	if errors.As(err, &ml) {
		return ml
	}
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
	case strings.Contains(err.Error(), "does not speak TLS"), strings.Contains(err.Error(), "may not speak TLS"): // core's words
		return &cliError{kind: kindURL, err: fmt.Errorf("connect: %w", err),
			hint: "the server does not speak TLS there: write " + flag + " with ws:// or http://, not wss:// or https://"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &cliError{kind: kindConnect, err: fmt.Errorf("connect: %w", err),
			hint: "start Janus there, or point " + flag + " at the running one (" + endpointHint(flag) + ")"}
	}
	return &cliError{kind: kindConnect, err: fmt.Errorf("connect: %w", err), hint: endpointHint(flag)}
}

// endpointHint says what each server flag takes.
func endpointHint(flag string) string {
	if flag == "--admin-server" {
		return "--admin-server takes the admin API (ws://HOST:7188, or http://HOST:7088/admin); the Janus API goes to --server"
	}
	return "--server takes the Janus API (ws://HOST:8188, or http://HOST:8088/janus); the admin API goes to --admin-server"
}

// checkURL rejects a server URL that cannot work, before anything is sent:
// no scheme, an unknown one, no host, a bad port, or an HTTP URL without
// the endpoint's path. name is how the user gave it (the flag, or the
// environment variable).
func checkURL(flag, name, raw string) error {
	bad := func(reason string) error {
		return &cliError{kind: kindURL, err: fmt.Errorf("%s %q: %s", name, core.RedactURL(raw), reason), hint: urlHint(flag, raw)}
	}
	scheme, u, reason := urlProblem(raw)
	if reason != "" {
		return bad(reason)
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
	case "http", "https":
		if u.Path == "" || u.Path == "/" {
			return bad("an HTTP URL needs the endpoint's path (usually " + endpointPath(flag) + ")")
		}
	default:
		return bad(fmt.Sprintf("unknown scheme %q (want ws://, wss://, http:// or https://)", scheme))
	}
	return nil
}

// checkEndpointURL rejects the URL argument of a WHIP or WHEP client
// command that cannot work, with checkURL's words: it wants http:// or
// https:// and a host.
func checkEndpointURL(raw string) error {
	scheme, _, reason := urlProblem(raw)
	if reason == "" {
		if s := strings.ToLower(scheme); s != "http" && s != "https" {
			reason = fmt.Sprintf("unknown scheme %q (want http:// or https://)", scheme)
		}
	}
	if reason == "" {
		return nil
	}
	return &cliError{kind: kindUsage, err: fmt.Errorf("URL %q: %s", core.RedactURL(raw), reason),
		hint: "give the endpoint's URL as the server publishes it: http(s)://HOST[:PORT]/PATH"}
}

// urlProblem parses raw and says what makes it unusable as a server URL:
// no scheme, no host, a bad port; reason is empty when none.
func urlProblem(raw string) (scheme string, u *url.URL, reason string) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", nil, "no scheme"
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return scheme, nil, ue.Err.Error()
		}
		return scheme, nil, "not a URL"
	}
	if u.Hostname() == "" || strings.HasPrefix(rest, "/") {
		return scheme, u, "no host"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return scheme, u, "port " + p + " is not between 1 and 65535"
		}
	}
	return scheme, u, ""
}

// endpointPath is the usual HTTP path of the API a flag takes.
func endpointPath(flag string) string {
	if flag == "--admin-server" {
		return "/admin"
	}
	return "/janus"
}

// urlHint proposes the URLs the user probably meant: the WebSocket and
// the HTTP endpoint of the API flag takes, on the host given, keeping the
// port given for the transport it belongs to.
func urlHint(flag, raw string) string {
	raw = core.RedactURL(raw) // no credentials in the hint
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		scheme, rest = "", raw
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		host = "127.0.0.1"
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.Trim(host, "[]"), ""
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		port = "" // not a port: propose the usual ones
	}
	wsPort, httpPort := "8188", "8088"
	if flag == "--admin-server" {
		wsPort, httpPort = "7188", "7088"
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
		if port != "" {
			wsPort = port
		}
	case "http", "https":
		if port != "" {
			httpPort = port
		}
	default: // no or an unknown scheme: the port says which transport
		switch port {
		case "", "8188", "7188", "8088", "7088":
			if port == "8088" || port == "7088" {
				httpPort = port
			} else if port != "" {
				wsPort = port
			}
		default:
			wsPort, httpPort = port, port
		}
	}
	return fmt.Sprintf("write %s ws://%s (WebSocket) or %s http://%s%s (HTTP long poll)",
		flag, net.JoinHostPort(name, wsPort), flag, net.JoinHostPort(name, httpPort), endpointPath(flag))
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

// onlyLoopback reports whether no interface but loopback could carry
// media.
func onlyLoopback() bool { return len(usableInterfaces()) == 0 }

// describe turns an error into its JSON form, with the exit code.
func describe(err error, timeout time.Duration) ErrorInfo {
	info := ErrorInfo{Kind: kindFailure, Reason: err.Error(), Message: err.Error(), ExitCode: exitError}
	var ce *cliError
	var pe *core.PluginError
	var je *core.Error
	var lost *sessionLost
	var ml *mediaLost
	switch {
	case errors.Is(err, core.ErrIDOutOfRange):
		info.Kind = kindUsage
	case errors.As(err, &lost):
		info.Kind = kindConnect
		info.Hint = "Janus went away during the run (stopped or restarted, or the connection was lost for good): is it still running?"
	case errors.As(err, &ml):
		info.Kind = kindMedia
		info.Hint = "Janus ends a PeerConnection when its room is destroyed, the participant is kicked, or ICE or DTLS fail; its log says which"
	case errors.As(err, &ce):
		info.Kind, info.Hint = ce.kind, ce.hint
		if je2 := (*core.Error)(nil); errors.As(ce.err, &je2) {
			info.Code, info.Reason = je2.Code, je2.Reason
		}
	case errors.As(err, &pe):
		info.Kind, info.Code, info.Reason = kindPlugin, pe.Code, pe.Reason
		info.Hint = pluginHint(pe)
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
		info.Kind, info.Message, info.Reason = kindCanceled, "interrupted", "interrupted"
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

// pluginHint says what to do about the VideoRoom errors the commands meet.
func pluginHint(e *core.PluginError) string {
	if e.Plugin != videoroom.Plugin {
		return ""
	}
	switch {
	case errors.Is(e, videoroom.ErrNoSuchRoom):
		return "gojanus rooms list shows the rooms; rooms create makes one, and publish --create makes it when missing"
	case errors.Is(e, videoroom.ErrRoomExists), errors.Is(e, videoroom.ErrIDExists):
		return "the id is taken: pick another, or leave it out and the plugin picks one"
	case errors.Is(e, videoroom.ErrMissingElement), errors.Is(e, videoroom.ErrUnauthorized):
		if strings.Contains(e.Reason, "secret") || errors.Is(e, videoroom.ErrUnauthorized) {
			return "the room has a secret (or a PIN): give it with --secret (--pin to join)"
		}
	case errors.Is(e, videoroom.ErrInvalidElement):
		if strings.Contains(e.Reason, "room") || strings.Contains(e.Reason, "feed") || strings.Contains(e.Reason, "id") {
			return "this server's ids are numbers (or, with string_ids, strings): check the room or feed id"
		}
	}
	return ""
}

// janusICEFailure reports whether Janus refused an SDP because it could
// not set up ICE on its side ("Error setting ICE locally": it found no
// interface to gather candidates on, e.g. only loopback).
func janusICEFailure(e *core.Error) bool {
	return e.Code == core.CodeUnknown && strings.Contains(e.Reason, "ICE")
}
