package core

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/ws"
)

// Admin is a client of the Janus admin/monitor API (WebSocket subprotocol
// janus-admin-protocol, or HTTP POST to /admin). Every request carries the
// admin secret given with WithAdminSecret. It is safe for concurrent use.
type Admin struct {
	e      *engine
	secret *string // a pointer, so fmt prints no secret
}

// DialAdmin connects to the admin API at rawURL ("ws://host:7188" or
// "http://host:7088/admin"). Errors are worded as Dial's; the Janus API's
// URL, or an HTTP path that is no Janus endpoint, fails here with an error
// matching ErrWrongEndpoint.
func DialAdmin(ctx context.Context, rawURL string, opts ...Option) (*Admin, error) {
	o := buildOptions(opts)
	tr, err := dialTransport(ctx, rawURL, ws.AdminProtocol, o)
	if err != nil {
		return nil, err
	}
	return newAdmin(tr, o), nil
}

// NewAdmin returns an admin client over an existing transport.
func NewAdmin(tr transport.Transport, opts ...Option) *Admin {
	return newAdmin(tr, buildOptions(opts))
}

func newAdmin(tr transport.Transport, o options) *Admin {
	secret := o.adminSecret
	a := &Admin{e: newEngine(tr, o.logger, o.txTimeout), secret: &secret}
	a.e.admin = true
	a.e.onEvent = func(f *frame) {
		if f.Janus != "keepalive" {
			o.logger.Debug("janus admin: unexpected message dropped", logIDs(f.SessionID, f.Sender, "janus", f.Janus)...)
		}
	}
	a.e.start()
	return a
}

// Close closes the connection and waits for the read loop to end.
func (a *Admin) Close() error {
	a.e.close()
	return nil
}

// adminRequest is an outgoing admin API message.
type adminRequest struct {
	janus   string
	session uint64
	handle  uint64
	secret  string
	fields  map[string]any
}

func (r *adminRequest) kind() string                    { return r.janus }
func (r *adminRequest) route() (session, handle uint64) { return r.session, r.handle }
func (r *adminRequest) encode(tx string) ([]byte, error) {
	m := make(map[string]any, len(r.fields)+5)
	for k, v := range r.fields {
		m[k] = v
	}
	m["janus"] = r.janus
	m["transaction"] = tx
	if r.secret != "" {
		m["admin_secret"] = r.secret
	}
	if r.session != 0 {
		m["session_id"] = r.session
	}
	if r.handle != 0 {
		m["handle_id"] = r.handle
	}
	return json.Marshal(m)
}

// Request sends any admin request (janus is the request name, fields its
// other members) and returns the whole answer. Use it for requests
// without a method here (query_logger, start_pcap, message_plugin, ...).
func (a *Admin) Request(ctx context.Context, janus string, fields map[string]any) (json.RawMessage, error) {
	return a.HandleRequest(ctx, 0, 0, janus, fields)
}

// HandleRequest is Request addressed to a session and handle (0 for none).
func (a *Admin) HandleRequest(ctx context.Context, session, handle uint64, janus string, fields map[string]any) (json.RawMessage, error) {
	f, err := a.e.do(ctx, &adminRequest{janus: janus, session: session, handle: handle, secret: *a.secret, fields: fields}, waitReply, nil)
	if err != nil {
		return nil, err
	}
	return f.raw, nil
}

func (a *Admin) decode(ctx context.Context, session, handle uint64, janus string, fields map[string]any, v any) error {
	raw, err := a.HandleRequest(ctx, session, handle, janus, fields)
	if err != nil {
		return err
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("janus admin: %s: %w", janus, err)
	}
	return nil
}

// Ping checks that the admin API answers ("pong").
func (a *Admin) Ping(ctx context.Context) error {
	var r struct {
		Janus string `json:"janus"`
	}
	if err := a.decode(ctx, 0, 0, "ping", nil, &r); err != nil {
		return err
	}
	if r.Janus != "pong" {
		return fmt.Errorf("janus admin: ping: unexpected answer %q", r.Janus)
	}
	return nil
}

// Info returns the server information (as Client.Info).
func (a *Admin) Info(ctx context.Context) (*ServerInfo, error) {
	raw, err := a.Request(ctx, "info", nil)
	if err != nil {
		return nil, err
	}
	return decodeServerInfo(raw)
}

// Status is the answer to get_status: the server's runtime settings.
type Status struct {
	TokenAuth             bool `json:"token_auth"`
	APISecret             bool `json:"api_secret"`
	SessionTimeout        int  `json:"session_timeout"`
	ReclaimSessionTimeout int  `json:"reclaim_session_timeout"`
	CandidatesTimeout     int  `json:"candidates_timeout"`
	LogLevel              int  `json:"log_level"`
	LogTimestamps         bool `json:"log_timestamps"`
	LogColors             bool `json:"log_colors"`
	Locking               bool `json:"locking_debug"`
	RefCount              bool `json:"refcount_debug"`
	LibniceDebug          bool `json:"libnice_debug"`
	MinNACKQueue          int  `json:"min_nack_queue"`
	NoMediaTimer          int  `json:"no_media_timer"`
	SlowlinkThreshold     int  `json:"slowlink_threshold"`
	// Raw is the whole status object.
	Raw json.RawMessage `json:"-"`
}

// GetStatus returns the server's runtime settings.
func (a *Admin) GetStatus(ctx context.Context) (*Status, error) {
	var r struct {
		Status json.RawMessage `json:"status"`
	}
	if err := a.decode(ctx, 0, 0, "get_status", nil, &r); err != nil {
		return nil, err
	}
	st := new(Status)
	if err := json.Unmarshal(r.Status, st); err != nil {
		return nil, fmt.Errorf("janus admin: get_status: %w", err)
	}
	st.Raw = r.Status
	return st, nil
}

// ListSessions returns the ids of the server's sessions.
func (a *Admin) ListSessions(ctx context.Context) ([]uint64, error) {
	var r struct {
		Sessions []uint64 `json:"sessions"`
	}
	if err := a.decode(ctx, 0, 0, "list_sessions", nil, &r); err != nil {
		return nil, err
	}
	return r.Sessions, nil
}

// ListHandles returns the ids of a session's handles.
func (a *Admin) ListHandles(ctx context.Context, session uint64) ([]uint64, error) {
	var r struct {
		Handles []uint64 `json:"handles"`
	}
	if err := a.decode(ctx, session, 0, "list_handles", nil, &r); err != nil {
		return nil, err
	}
	return r.Handles, nil
}

// HandleInfo is the answer to handle_info: the state of one handle, its
// plugin and its PeerConnection. The most used members are decoded; Raw
// has everything.
type HandleInfo struct {
	SessionID      uint64          `json:"session_id"`
	HandleID       uint64          `json:"handle_id"`
	OpaqueID       string          `json:"opaque_id"`
	Created        int64           `json:"created"`
	CurrentTime    int64           `json:"current_time"`
	Plugin         string          `json:"plugin"`
	PluginSpecific json.RawMessage `json:"plugin_specific"`
	Flags          map[string]bool `json:"flags"`
	SDPs           json.RawMessage `json:"sdps"`
	ICEMode        string          `json:"ice-mode"`
	ICERole        string          `json:"ice-role"`
	Streams        json.RawMessage `json:"streams"`
	Raw            json.RawMessage `json:"-"`
}

// HandleInfo returns the state of one handle.
func (a *Admin) HandleInfo(ctx context.Context, session, handle uint64) (*HandleInfo, error) {
	var r struct {
		Info json.RawMessage `json:"info"`
	}
	if err := a.decode(ctx, session, handle, "handle_info", nil, &r); err != nil {
		return nil, err
	}
	hi := new(HandleInfo)
	if err := json.Unmarshal(r.Info, hi); err != nil {
		return nil, fmt.Errorf("janus admin: handle_info: %w", err)
	}
	if hi.SessionID == 0 {
		hi.SessionID = session
	}
	if hi.HandleID == 0 {
		hi.HandleID = handle
	}
	hi.Raw = r.Info
	return hi, nil
}

// TokenInfo is one stored auth token and the plugins it may use.
type TokenInfo struct {
	Token          string   `json:"token"`
	AllowedPlugins []string `json:"allowed_plugins"`
}

// AddToken stores an auth token (the server must run with token_auth).
// With no plugins the token may use every plugin. It returns the plugins
// the token may use.
func (a *Admin) AddToken(ctx context.Context, token string, plugins ...string) ([]string, error) {
	return a.tokenRequest(ctx, "add_token", token, plugins)
}

// AllowToken lets a stored token use more plugins.
func (a *Admin) AllowToken(ctx context.Context, token string, plugins ...string) ([]string, error) {
	return a.tokenRequest(ctx, "allow_token", token, plugins)
}

// DisallowToken forbids a stored token some plugins.
func (a *Admin) DisallowToken(ctx context.Context, token string, plugins ...string) ([]string, error) {
	return a.tokenRequest(ctx, "disallow_token", token, plugins)
}

func (a *Admin) tokenRequest(ctx context.Context, janus, token string, plugins []string) ([]string, error) {
	fields := map[string]any{"token": token}
	if len(plugins) > 0 {
		fields["plugins"] = plugins
	}
	var r struct {
		Data struct {
			Plugins []string `json:"plugins"`
		} `json:"data"`
	}
	if err := a.decode(ctx, 0, 0, janus, fields, &r); err != nil {
		return nil, err
	}
	return r.Data.Plugins, nil
}

// ListTokens returns the stored auth tokens.
func (a *Admin) ListTokens(ctx context.Context) ([]TokenInfo, error) {
	var r struct {
		Data struct {
			Tokens []TokenInfo `json:"tokens"`
		} `json:"data"`
	}
	if err := a.decode(ctx, 0, 0, "list_tokens", nil, &r); err != nil {
		return nil, err
	}
	return r.Data.Tokens, nil
}

// RemoveToken deletes a stored auth token.
func (a *Admin) RemoveToken(ctx context.Context, token string) error {
	return a.decode(ctx, 0, 0, "remove_token", map[string]any{"token": token}, nil)
}

// SetLogLevel changes the server's log level (0 none ... 7 huge).
func (a *Admin) SetLogLevel(ctx context.Context, level int) error {
	return a.decode(ctx, 0, 0, "set_log_level", map[string]any{"level": level}, nil)
}

// SetSessionTimeout changes the server's session_timeout, in seconds.
func (a *Admin) SetSessionTimeout(ctx context.Context, seconds int) error {
	return a.decode(ctx, 0, 0, "set_session_timeout", map[string]any{"timeout": seconds}, nil)
}
