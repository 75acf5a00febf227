package streaming

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// capture is a plugin.Sender that keeps the bodies it is given and
// answers each with an "ok".
type capture struct{ bodies []string }

func (c *capture) ServerVersion(context.Context) (core.Version, error) { return core.V(1, 4, 1), nil }

func (c *capture) Send(_ context.Context, body json.RawMessage, _ ...core.CallOption) (*core.PluginResult, error) {
	c.bodies = append(c.bodies, string(body))
	return &core.PluginResult{Plugin: Plugin, Data: json.RawMessage(`{"streaming":"ok"}`)}, nil
}

func TestRequestBodies(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		send func(r requests)
		want []string
	}{
		{func(r requests) { _, _ = r.List(ctx) }, []string{`{"request":"list"}`}},
		{func(r requests) { _, _ = r.Info(ctx, InfoRequest{Mountpoint: core.StrID("x")}) }, []string{`{"request":"info","id":"x"}`}},
		{func(r requests) {
			_, _ = r.Create(ctx, CreateRequest{Type: SourceRTP, Media: []StreamConfig{{Type: MediaAudio, Mid: "a", Codec: core.Opus, RTCPPort: core.Ptr(0)}}})
		}, []string{`{"request":"create","type":"rtp","media":[{"type":"audio","mid":"a","port":0,"rtcpport":0,"codec":"opus"}]}`}},
		{func(r requests) {
			_, _ = r.Create(ctx, CreateRequest{Type: SourceRTP, Mountpoint: core.NumID(3), Audio: true, AudioPort: core.Ptr(0)})
		}, []string{`{"request":"create","type":"rtp","id":3,"audio":true,"audioport":0}`}},
		{func(r requests) { _ = r.Disable(ctx, DisableRequest{Mountpoint: core.NumID(1), StopRecording: true}) }, []string{
			`{"request":"recording","action":"stop","id":1,"audio":true,"video":true,"data":true}`,
			`{"request":"disable","id":1,"stop_recording":false}`,
		}},
		{func(r requests) {
			_ = r.StartRecording(ctx, StartRecordingRequest{Mountpoint: core.NumID(1), Media: []RecordingTarget{{Mid: "a", Filename: "/tmp/x"}}})
		}, []string{`{"request":"recording","action":"start","id":1,"media":[{"mid":"a","filename":"/tmp/x"}]}`}},
		{func(r requests) {
			_ = r.StopRecording(ctx, StopRecordingRequest{Mountpoint: core.NumID(1), Audio: true})
		},
			[]string{`{"request":"recording","action":"stop","id":1,"audio":true}`}},
		{func(r requests) { _, _ = r.Edit(ctx, EditRequest{Mountpoint: core.NumID(1), NewPin: core.Ptr("")}) },
			[]string{`{"request":"edit","id":1,"new_pin":""}`}},
	} {
		var c capture
		tc.send(requests{&c})
		require.Len(t, c.bodies, len(tc.want))
		for i, want := range tc.want {
			assert.JSONEq(t, want, c.bodies[i])
		}
	}
	for _, tc := range []struct {
		verb string
		req  any
		want string
	}{
		{"configure", ConfigureRequest{Mid: "v", Send: core.Ptr(false)}, `{"request":"configure","mid":"v","send":false}`},
		{"watch", WatchRequest{Mountpoint: core.NumID(1), Media: []string{"a"}, OfferData: core.Ptr(false)},
			`{"request":"watch","id":1,"media":["a"],"offer_data":false}`},
	} {
		b, err := plugin.Body(tc.verb, tc.req)
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, string(b), tc.verb)
	}
}

func TestCreatedFlatForm(t *testing.T) {
	var w createdWire
	w.Name = "mp-2"
	w.Warning = "deprecated_api"
	w.Stream.ID = core.NumID(2)
	w.Stream.AudioHost, w.Stream.AudioPort = "127.0.0.1", 10002
	w.Stream.VideoPort, w.Stream.VideoRTCPPort, w.Stream.VideoPort2, w.Stream.VideoPort3 = 10003, 10004, 10005, 10006
	w.Stream.DataPort = 10007
	c := w.result()
	assert.Equal(t, core.NumID(2), c.Mountpoint)
	assert.Equal(t, "127.0.0.1", c.Host)
	assert.Equal(t, []PortBinding{
		{Type: "audio", Mid: "a", Host: "127.0.0.1", Port: 10002},
		{Type: "video", Mid: "v", Port: 10003, RTCPPort: 10004, Port2: 10005, Port3: 10006},
		{Type: "data", Mid: "d", Port: 10007},
	}, c.Ports)
}

// Janus 1.1.2 sends the host of the new form's mountpoint beside the
// streams, Janus 1.4.1 in each stream.
func TestCreatedHost(t *testing.T) {
	for name, tc := range map[string]struct {
		json      string
		portHosts []string
	}{
		"1.1.2": {`{"streaming":"created","created":"a","permanent":false,"stream":{"id":1,"type":"live","description":"a","is_private":false,"host":"127.0.0.1","ports":[{"type":"audio","mid":"a","port":5000},{"type":"video","mid":"v","port":5002}]}}`, []string{"", ""}},
		"1.4.1": {`{"streaming":"created","created":"a","permanent":false,"stream":{"id":1,"type":"live","description":"a","is_private":false,"ports":[{"type":"audio","mid":"a","host":"127.0.0.1","port":5000},{"type":"video","mid":"v","host":"127.0.0.2","port":5002}]}}`, []string{"127.0.0.1", "127.0.0.2"}},
	} {
		var w createdWire
		require.NoError(t, json.Unmarshal([]byte(tc.json), &w), name)
		c := w.result()
		assert.Equal(t, "127.0.0.1", c.Host, name)
		require.Len(t, c.Ports, 2, name)
		assert.Equal(t, tc.portHosts, []string{c.Ports[0].Host, c.Ports[1].Host}, name)
	}
}
