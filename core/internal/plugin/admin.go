package plugin

import (
	"context"
	"encoding/json"

	"github.com/gojanus/gojanus/core"
)

// OverAdmin relays plugin requests through the admin API's message_plugin
// request to the plugin named plugin ("janus.plugin.streaming"): the
// plugin answers as it would over a handle, and its errors come back as
// *core.PluginError through the same path. Call options do not apply
// there (no JSEP, no per-request credentials beyond the admin's).
func OverAdmin(a *core.Admin, plugin string) Sender { return adminSender{a, plugin} }

type adminSender struct {
	a      *core.Admin
	plugin string
}

func (s adminSender) ServerVersion(ctx context.Context) (core.Version, error) {
	return s.a.ServerVersion(ctx)
}

func (s adminSender) Send(ctx context.Context, body json.RawMessage, _ ...core.CallOption) (*core.PluginResult, error) {
	raw, err := s.a.Request(ctx, "message_plugin", map[string]any{"plugin": s.plugin, "request": body})
	if err != nil {
		return nil, err
	}
	var r struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Response) == 0 {
		return nil, errorfBad("message_plugin answer without a response: %s", snippet(raw))
	}
	if err := core.PluginErrorFrom(s.plugin, r.Response); err != nil {
		return nil, err
	}
	return &core.PluginResult{Plugin: s.plugin, Data: r.Response}, nil
}
