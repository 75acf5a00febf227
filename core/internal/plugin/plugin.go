// Package plugin is the foundation under core's plugin packages
// (videoroom, audiobridge, streaming, textroom, videocall, echotest): one
// way to build a request's body, one typed call (request, expected kind of
// answer, decoded result, plugin errors through one path and named after
// the request), and one relay for plugin requests sent through the admin
// API. It is internal to core.
package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// API describes one plugin's requests.
type API struct {
	// Plugin is the plugin's package name, "janus.plugin.videoroom".
	Plugin string
	// Name names the plugin in errors, "videoroom".
	Name string
	// KindKey is the member of the plugin's answers that says what kind
	// of answer it is ("videoroom": "created"), often Name.
	KindKey string
}

// Sender sends the body of a plugin request and returns the plugin's
// answer, with plugin errors as *core.PluginError: over a handle
// (OverHandle) or through the admin API (OverAdmin). It knows the version
// of the server it sends to (for Require).
type Sender interface {
	Send(ctx context.Context, body json.RawMessage, opts ...core.CallOption) (*core.PluginResult, error)
	core.VersionSource
}

// Require returns a *core.UnsupportedError naming "<plugin> <feature>"
// when the server s sends to is older than since (core.Require): the
// check for requests and options a Janus release added, made before
// sending because older servers ignore options they do not know.
func (a API) Require(ctx context.Context, s Sender, feature string, since core.Version) error {
	return core.Require(ctx, s, a.Name+" "+feature, since)
}

// OverHandle sends plugin requests as messages of h, waiting for their
// answer (core.Handle.Message).
func OverHandle(h *core.Handle) Sender { return handleSender{h} }

type handleSender struct{ h *core.Handle }

func (s handleSender) ServerVersion(ctx context.Context) (core.Version, error) {
	return s.h.Session().Client().ServerVersion(ctx)
}

func (s handleSender) Send(ctx context.Context, body json.RawMessage, opts ...core.CallOption) (*core.PluginResult, error) {
	return s.h.Message(ctx, body, opts...)
}

// Call sends request verb with the fields of req (a struct, a map or nil),
// checks that the answer's kind member is want (when want is not empty)
// and decodes the answer into out (when out is not nil). It returns the
// answer, for its JSEP. A plugin error comes back as *core.PluginError
// naming verb; an answer of another kind, or one that does not decode,
// as an error matching core.ErrBadAnswer.
func (a API) Call(ctx context.Context, s Sender, verb string, req any, want string, out any, opts ...core.CallOption) (*core.PluginResult, error) {
	body, err := Body(verb, req)
	if err != nil {
		return nil, a.errorf(verb, "%w", err)
	}
	res, err := s.Send(ctx, body, opts...)
	if err != nil {
		return nil, a.Named(verb, err)
	}
	if err := a.Check(verb, res, want, out); err != nil {
		return nil, err
	}
	return res, nil
}

// Check checks that res's kind member is want (when not empty) and
// decodes res into out (when not nil), for answers that came another way
// than Call (a request with a JSEP, an answer on an event stream).
func (a API) Check(verb string, res *core.PluginResult, want string, out any) error {
	if want != "" {
		if kind := a.Kind(res.Data); kind != want {
			return a.errorf(verb, "%w: %q answer, %q expected: %s", core.ErrBadAnswer, kind, want, snippet(res.Data))
		}
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			return a.errorf(verb, "%w: %w", core.ErrBadAnswer, err)
		}
	}
	return nil
}

// Kind returns the kind member of a plugin answer's data ("" when absent).
func (a API) Kind(data json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	var kind string
	_ = json.Unmarshal(m[a.KindKey], &kind)
	return kind
}

// Expect sends request verb as Call does, with no check of the answer's
// kind, and returns the answer turned into an event by decode when it is
// a T (a *videoroom.Joined, a *videocall.Accepted...); any other answer is
// an error matching core.ErrBadAnswer.
func Expect[T core.Event](ctx context.Context, a API, s Sender, verb string, req any, decode func(*core.PluginResult) core.Event, opts ...core.CallOption) (T, error) {
	var zero T
	res, err := a.Call(ctx, s, verb, req, "", nil, opts...)
	if err != nil {
		return zero, err
	}
	if t, ok := decode(res).(T); ok {
		return t, nil
	}
	return zero, a.errorf(verb, "%w: %T expected: %s", core.ErrBadAnswer, zero, snippet(res.Data))
}

// Named names verb as the request of a plugin error in err's chain (the
// plugin's errors are made fresh for each answer), and returns err.
func (a API) Named(verb string, err error) error {
	var pe *core.PluginError
	if errors.As(err, &pe) && pe.Request == "" {
		pe.Request = verb
	}
	return err
}

// errorf builds the error of request verb: "janus: videoroom: create: ...".
func (a API) errorf(verb, format string, args ...any) error {
	return errfmt.Errorf("janus: %s: %s: "+format, append([]any{a.Name, verb}, args...)...)
}

// Body returns the body of plugin request verb: req (a struct, a map or
// nil) marshalled as a JSON object with "request": verb first.
func Body(verb string, req any) (json.RawMessage, error) {
	return Prepend(req, "request", verb)
}

// Prepend returns req (a struct, a map or nil) marshalled as a JSON
// object with the members given as key, value pairs of strings first, in
// order (TextRoom's data-channel requests start with "textroom" and
// "transaction").
func Prepend(req any, kv ...string) (json.RawMessage, error) {
	out := []byte{'{'}
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(append(appendString(out, kv[i]), ':'), kv[i+1])
	}
	if req == nil {
		return append(out, '}'), nil
	}
	b, err := json.Marshal(req)
	if me := (*json.MarshalerError)(nil); errors.Is(err, core.ErrIDOutOfRange) && errors.As(err, &me) {
		return nil, me.Err // without encoding/json's "error calling MarshalJSON for type core.ID"
	}
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("request is not a JSON object: %s", snippet(b))
	}
	if inner := bytes.TrimSpace(b[1 : len(b)-1]); len(inner) == 0 {
		return append(out, '}'), nil
	}
	if len(kv) >= 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// appendString appends s as a JSON string. Verbs, keys and transaction
// ids are plain ASCII; anything else goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// snippet is the start of a message, for errors.
func snippet(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// errorfBad is an error matching core.ErrBadAnswer.
func errorfBad(format string, args ...any) error {
	return errfmt.Errorf("%w: "+format, append([]any{core.ErrBadAnswer}, args...)...)
}

// Optional returns the request of a call whose inputs are all optional
// (`List(ctx, ...ListRequest)`): the first given, or the zero value.
func Optional[T any](given []T) T {
	var zero T
	if len(given) == 0 {
		return zero
	}
	return given[0]
}
