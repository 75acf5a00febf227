package streaming

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
)

func TestRequestBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  any
		want string
	}{
		{"list", nil, `{"request":"list"}`},
		{"list", ListRequest{}, `{"request":"list"}`},
		{"info", InfoRequest{ID: core.StrID("x")}, `{"request":"info","id":"x"}`},
		{"create", CreateRequest{Type: SourceRTP, Media: []StreamConfig{{Type: MediaAudio, Mid: "a", RTCPPort: core.Ptr(0)}}},
			`{"request":"create","type":"rtp","media":[{"type":"audio","mid":"a","port":0,"rtcpport":0}]}`},
		{"create", CreateRequest{Type: SourceRTP, ID: core.NumID(3), Audio: true, AudioPort: core.Ptr(0)},
			`{"request":"create","type":"rtp","id":3,"audio":true,"audioport":0}`},
		{"disable", disableWire{DisableRequest: DisableRequest{ID: core.NumID(1), StopRecording: true}},
			`{"request":"disable","id":1,"stop_recording":false}`},
		{"recording", startRecordingWire{Action: "start", StartRecordingRequest: StartRecordingRequest{ID: core.NumID(1),
			Media: []RecordingTarget{{Mid: "a", Filename: "/tmp/x"}}}},
			`{"request":"recording","action":"start","id":1,"media":[{"mid":"a","filename":"/tmp/x"}]}`},
		{"recording", stopRecordingWire{Action: "stop", StopRecordingRequest: StopRecordingRequest{ID: core.NumID(1), Audio: true}},
			`{"request":"recording","action":"stop","id":1,"audio":true}`},
		{"edit", EditRequest{ID: core.NumID(1), NewPIN: core.Ptr("")}, `{"request":"edit","id":1,"new_pin":""}`},
		{"configure", ConfigureRequest{Mid: "v", Send: core.Ptr(false)}, `{"request":"configure","mid":"v","send":false}`},
		{"watch", WatchRequest{ID: core.NumID(1), Media: []string{"a"}, OfferData: core.Ptr(false)},
			`{"request":"watch","id":1,"media":["a"],"offer_data":false}`},
	} {
		b, err := body(tc.name, tc.req)
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, string(b), tc.name)
	}
	_, err := body("list", []int{1})
	assert.Error(t, err)
}

func TestCreatedFlatForm(t *testing.T) {
	var w createdWire
	w.Name = "mp-2"
	w.Warning = "deprecated_api"
	w.Stream.ID = core.NumID(2)
	w.Stream.AudioHost, w.Stream.AudioPort = "127.0.0.1", 10002
	w.Stream.VideoPort, w.Stream.VideoRTCPPort, w.Stream.VideoPort2, w.Stream.VideoPort3 = 10003, 10004, 10005, 10006
	w.Stream.DataPort = 10007
	c := w.created()
	assert.Equal(t, "127.0.0.1", c.Host)
	assert.Equal(t, []PortBinding{
		{Type: "audio", Mid: "a", Port: 10002},
		{Type: "video", Mid: "v", Port: 10003, RTCPPort: 10004, Port2: 10005, Port3: 10006},
		{Type: "data", Mid: "d", Port: 10007},
	}, c.Ports)
}
