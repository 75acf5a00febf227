package plugin

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport/mem"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var api = API{Plugin: "janus.plugin.videoroom", Name: "videoroom", KindKey: "videoroom"}

func TestBodyAndPrepend(t *testing.T) {
	for _, c := range []struct {
		got  func() (json.RawMessage, error)
		want string
	}{
		{func() (json.RawMessage, error) { return Body("list", nil) }, `{"request":"list"}`},
		{func() (json.RawMessage, error) { return Body("list", struct{}{}) }, `{"request":"list"}`},
		{func() (json.RawMessage, error) { return Body("exists", map[string]int{"room": 7}) }, `{"request":"exists","room":7}`},
		{func() (json.RawMessage, error) {
			return Prepend(struct {
				Room int `json:"room"`
			}{1}, "textroom", "join", "transaction", "t1")
		}, `{"textroom":"join","transaction":"t1","room":1}`},
		{func() (json.RawMessage, error) { return Prepend(map[string]int{"a": 1}) }, `{"a":1}`},
	} {
		b, err := c.got()
		require.NoError(t, err)
		assert.Equal(t, c.want, string(b))
	}
	_, err := Body("x", []int{1})
	assert.ErrorContains(t, err, "not a JSON object")
}

// fakeHandle is a handle on an in-memory Janus that answers each plugin
// message with the next of answers.
func fakeHandle(t *testing.T, answers ...map[string]any) *core.Handle {
	t.Helper()
	tr, srv := mem.New()
	c := core.NewClient(tr, core.WithKeepalive(0))
	t.Cleanup(func() { _ = c.Close() })
	go func() {
		reply := func(req map[string]any, m map[string]any) {
			m["transaction"] = req["transaction"]
			_ = srv.SendJSON(m)
		}
		for i := 0; ; i++ {
			req, err := srv.RecvJSON(context.Background())
			if err != nil {
				return
			}
			switch req["janus"] {
			case "create", "attach":
				reply(req, map[string]any{"janus": "success", "data": map[string]any{"id": 1 + i}})
			case "message":
				a := answers[0]
				answers = answers[1:]
				reply(req, map[string]any{"janus": "success", "sender": 2, "plugindata": map[string]any{"plugin": api.Plugin, "data": a}})
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, api.Plugin)
	require.NoError(t, err)
	return h
}

func TestCallChecksKindDecodesAndNamesErrors(t *testing.T) {
	h := fakeHandle(t,
		map[string]any{"videoroom": "created", "room": 7},
		map[string]any{"videoroom": "event", "error_code": 426, "error": "No such room (7)"},
		map[string]any{"videoroom": "success"},
		map[string]any{"videoroom": "created", "room": "seven"},
	)
	ctx := context.Background()
	var out struct{ Room int }
	_, err := api.Call(ctx, OverHandle(h), "create", map[string]int{"room": 7}, "created", &out)
	require.NoError(t, err)
	assert.Equal(t, 7, out.Room)

	_, err = api.Call(ctx, OverHandle(h), "destroy", map[string]int{"room": 7}, "destroyed", nil)
	noSuchRoom := core.PluginCode(api.Plugin, 426, "no such room")
	require.ErrorIs(t, err, noSuchRoom)
	assert.Equal(t, "janus: videoroom: destroy: error 426: No such room (7)", err.Error())

	_, err = api.Call(ctx, OverHandle(h), "create", nil, "created", nil)
	require.ErrorIs(t, err, core.ErrBadAnswer, "an answer of another kind")
	assert.Contains(t, err.Error(), `janus: videoroom: create: malformed answer: "success" answer, "created" expected`)

	_, err = api.Call(ctx, OverHandle(h), "create", nil, "created", &out)
	require.ErrorIs(t, err, core.ErrBadAnswer, "an answer that does not decode")
}

// joined is an event type for Expect.
type joined struct{ core.Source }

func TestExpect(t *testing.T) {
	h := fakeHandle(t, map[string]any{"videoroom": "joined"}, map[string]any{"videoroom": "event"})
	decode := func(res *core.PluginResult) core.Event {
		if api.Kind(res.Data) == "joined" {
			return &joined{}
		}
		return &core.PluginEvent{Data: res.Data}
	}
	j, err := Expect[*joined](context.Background(), api, OverHandle(h), "join", nil, decode)
	require.NoError(t, err)
	assert.NotNil(t, j)
	_, err = Expect[*joined](context.Background(), api, OverHandle(h), "join", nil, decode)
	require.ErrorIs(t, err, core.ErrBadAnswer)
	assert.Contains(t, err.Error(), "*plugin.joined expected")
}

func TestOverAdmin(t *testing.T) {
	tr, srv := mem.New()
	a := core.NewAdmin(tr)
	t.Cleanup(func() { _ = a.Close() })
	go func() {
		for _, resp := range []map[string]any{
			{"streaming": "list", "list": []any{}},
			{"streaming": "event", "error_code": 455, "error": "No such mountpoint"},
			nil,
		} {
			req, err := srv.RecvJSON(context.Background())
			if err != nil {
				return
			}
			m := map[string]any{"janus": "success", "transaction": req["transaction"]}
			if resp != nil {
				m["response"] = resp
			}
			_ = srv.SendJSON(m)
		}
	}()
	streaming := API{Plugin: "janus.plugin.streaming", Name: "streaming", KindKey: "streaming"}
	s := OverAdmin(a, streaming.Plugin)
	ctx := context.Background()
	_, err := streaming.Call(ctx, s, "list", nil, "list", nil)
	require.NoError(t, err)
	_, err = streaming.Call(ctx, s, "info", nil, "info", nil)
	require.ErrorIs(t, err, core.PluginCode(streaming.Plugin, 455, ""))
	assert.Equal(t, "janus: streaming: info: error 455: No such mountpoint", err.Error())
	_, err = streaming.Call(ctx, s, "list", nil, "list", nil)
	require.ErrorIs(t, err, core.ErrBadAnswer)
}
