package streaming_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/versiontest"
)

// The tests of this file cover the requests and options Janus added after
// 1.1.2: each checks the feature against a server that has it and the
// core.ErrUnsupported error (sent before anything reaches the server)
// against one that does not, as the started server's version says.

// newerSetup starts a server and attaches a handle to it.
func newerSetup(t *testing.T, timeout time.Duration) (*janusserver.Server, context.Context, *core.Session, *streaming.Handle) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)
	return srv, ctx, s, h
}

// avMountpoint creates an RTP mountpoint with an Opus and a VP8 stream on
// 127.0.0.1.
func avMountpoint(t *testing.T, ctx context.Context, h *streaming.Handle, req streaming.CreateRequest) *streaming.CreateResult {
	t.Helper()
	ports := freePorts(t, 2)
	req.Type = streaming.SourceRTP
	req.Media = []streaming.StreamConfig{
		{Type: streaming.MediaAudio, Mid: "a", Port: ports[0], PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
		{Type: streaming.MediaVideo, Mid: "v", Port: ports[1], PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
	}
	mp, err := h.Create(ctx, req)
	require.NoError(t, err)
	return mp
}

// TestWatchOffer subscribes with the client's offer: Janus answers it
// (sendonly, the mountpoint's codecs) and counts a viewer, without Start.
// The media of such a subscription is checked in
// native.TestStreamingWatchOffer.
func TestWatchOffer(t *testing.T) {
	srv, ctx, s, h := newerSetup(t, 20*time.Second)
	mp := avMountpoint(t, ctx, h, streaming.CreateRequest{Secret: "s"})
	sdp, err := os.ReadFile("../../testdata/sdp/recvonly-av-offer.sdp")
	require.NoError(t, err)
	offer := &core.JSEP{Type: "offer", SDP: string(sdp)}
	if versiontest.Server(t, srv) < core.V(1, 1, 4) {
		_, err := h.WatchOffer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, offer)
		versiontest.RequireUnsupported(t, err, "streaming watch with an offer", core.V(1, 1, 4))
		info, err := h.Info(ctx, streaming.InfoRequest{Mountpoint: mp.Mountpoint, Secret: "s"})
		require.NoError(t, err)
		assert.Zero(t, info.Viewers, "nothing was sent")
		return
	}

	// A failed WatchOffer leaves Janus's ICE agent on the handle: Janus
	// refuses another offer there ("Agent already exists"), so the good
	// one goes on a new handle.
	_, err = h.WatchOffer(ctx, streaming.WatchRequest{Mountpoint: core.NumID(999999)}, offer)
	require.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)
	_, err = h.WatchOffer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, offer)
	var ce *core.Error
	require.ErrorAs(t, err, &ce, "Janus refuses a second offer on the handle")
	h, err = streaming.Attach(ctx, s)
	require.NoError(t, err)
	answer, err := h.WatchOffer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, offer)
	require.NoError(t, err)
	assert.Equal(t, "answer", answer.Type)
	assert.Contains(t, answer.SDP, "opus/48000")
	assert.Contains(t, answer.SDP, "VP8/90000")
	assert.Contains(t, answer.SDP, "a=sendonly")
	assert.NotContains(t, answer.SDP, "a=recvonly")
	info, err := h.Info(ctx, streaming.InfoRequest{Mountpoint: mp.Mountpoint, Secret: "s"})
	require.NoError(t, err)
	assert.Equal(t, 1, info.Viewers)
	_, err = h.WatchOffer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, offer)
	require.ErrorIs(t, err, streaming.ErrInvalidState, "one subscription per handle")
	require.NoError(t, s.Destroy(ctx))
}

// TestConfigureStreams sets the playout delay of two video streams, each
// its own, in one configure; the Admin API's handle_info shows both (it
// shows the delays of video streams only, the only ones that have them).
func TestConfigureStreams(t *testing.T) {
	srv, ctx, s, h := newerSetup(t, 20*time.Second)
	ports := freePorts(t, 2)
	mp, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, PlayoutDelayExt: true, Media: []streaming.StreamConfig{
		{Type: streaming.MediaVideo, Mid: "v1", Port: ports[0], PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
		{Type: streaming.MediaVideo, Mid: "v2", Port: ports[1], PT: 97, Codec: core.VP8, Iface: "127.0.0.1"},
	}})
	require.NoError(t, err)
	_, err = h.Watch(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint})
	require.NoError(t, err)
	req := streaming.ConfigureRequest{Streams: []streaming.StreamSettings{
		{Mid: "v1", MinDelay: core.Ptr(1), MaxDelay: core.Ptr(2)},
		{Mid: "v2", MinDelay: core.Ptr(3), MaxDelay: core.Ptr(4), Send: core.Ptr(false)},
	}}
	if versiontest.Server(t, srv) < core.V(1, 2, 0) {
		versiontest.RequireUnsupported(t, h.Configure(ctx, req), "streaming configure streams", core.V(1, 2, 0))
		require.NoError(t, h.Configure(ctx, streaming.ConfigureRequest{Mid: "v1", MinDelay: core.Ptr(1)}), "the single-stream form works")
		return
	}
	require.NoError(t, h.Configure(ctx, req))

	admin, err := core.DialAdmin(ctx, srv.AdminWSURL, core.WithAdminSecret(srv.AdminSecret))
	require.NoError(t, err)
	defer admin.Close()
	hi, err := admin.HandleInfo(ctx, s.ID(), h.ID())
	require.NoError(t, err)
	var ps struct {
		Media []struct {
			Mid   string `json:"mid"`
			Delay struct {
				Min int `json:"min-delay"`
				Max int `json:"max-delay"`
			} `json:"playout-delay"`
		} `json:"media"`
	}
	require.NoError(t, json.Unmarshal(hi.PluginSpecific, &ps), "%s", hi.PluginSpecific)
	delays := map[string][2]int{}
	for _, m := range ps.Media {
		delays[m.Mid] = [2]int{m.Delay.Min, m.Delay.Max}
	}
	assert.Equal(t, map[string][2]int{"v1": {1, 2}, "v2": {3, 4}}, delays, "%s", hi.PluginSpecific)

	// Several streams need their mids.
	err = h.Configure(ctx, streaming.ConfigureRequest{Streams: []streaming.StreamSettings{{Send: core.Ptr(true)}, {Mid: "v1"}}})
	require.ErrorIs(t, err, streaming.ErrInvalidElement)
	require.NoError(t, s.Destroy(ctx))
}

// TestNewerCreateOptions creates mountpoints with the options newer than
// Janus 1.1.2: keyframe buffering (shown by Info), the abs-capture-time
// extension (offered to viewers) and H.264 parameter sets.
func TestNewerCreateOptions(t *testing.T) {
	srv, ctx, s, h := newerSetup(t, 20*time.Second)
	v := versiontest.Server(t, srv)
	ports := freePorts(t, 1)
	h264 := streaming.CreateRequest{Type: streaming.SourceRTP, Media: []streaming.StreamConfig{
		{Type: streaming.MediaVideo, Mid: "v", Port: ports[0], PT: 126, Codec: core.H264, Iface: "127.0.0.1",
			FMTP: "profile-level-id=42e01f;packetization-mode=1", H264SPS: "Z0LgH9oBQBbpUgAAAwACAAADAGQeMGVA,aM4xUg=="},
	}}
	if v < core.V(1, 1, 3) {
		_, err := h.Create(ctx, h264)
		versiontest.RequireUnsupported(t, err, "streaming create h264sps", core.V(1, 1, 3))
	} else {
		mp, err := h.Create(ctx, h264)
		require.NoError(t, err)
		require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint}))
	}

	// Info reports the type of data streams since Janus 1.1.3.
	dports := freePorts(t, 1)
	data, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Secret: "s", DataType: "binary",
		Media: []streaming.StreamConfig{{Type: streaming.MediaData, Mid: "d", Port: dports[0], Iface: "127.0.0.1"}}})
	require.NoError(t, err)
	info, err := h.Info(ctx, streaming.InfoRequest{Mountpoint: data.Mountpoint, Secret: "s"})
	require.NoError(t, err)
	require.Len(t, info.Media, 1)
	if v < core.V(1, 1, 3) {
		assert.Empty(t, info.Media[0].DataType)
	} else {
		assert.Equal(t, "binary", info.Media[0].DataType)
	}
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: data.Mountpoint, Secret: "s"}))

	if v < core.V(1, 2, 2) {
		_, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, AbsCaptureTimeExtID: 3})
		versiontest.RequireUnsupported(t, err, "streaming create abscapturetime_src_ext_id", core.V(1, 2, 2))
	} else {
		_, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, AbsCaptureTimeExtID: 15,
			Media: []streaming.StreamConfig{{Type: streaming.MediaAudio, Mid: "a", Port: 0, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"}}})
		require.ErrorIs(t, err, streaming.ErrInvalidElement, "the id is 1-14")
		mp := avMountpoint(t, ctx, h, streaming.CreateRequest{AbsCaptureTimeExtID: 3})
		v, err := streaming.Attach(ctx, s)
		require.NoError(t, err)
		offer, err := v.Watch(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint})
		require.NoError(t, err)
		assert.Contains(t, offer.SDP, "abs-capture-time", "the viewers are offered the extension")
		require.NoError(t, v.Detach(ctx))
	}

	if v < core.V(1, 3, 3) {
		_, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, BufferKFMS: 2000})
		versiontest.RequireUnsupported(t, err, "streaming create bufferkf_ms", core.V(1, 3, 3))
		_, err = h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, BufferKFBytes: 1 << 20})
		versiontest.RequireUnsupported(t, err, "streaming create bufferkf_ms", core.V(1, 3, 3))
		_, err = h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTSP, URL: "rtsp://127.0.0.1:1/x", Audio: true, RTSPNotifyChanges: true})
		versiontest.RequireUnsupported(t, err, "streaming create rtsp_notify_changes", core.V(1, 3, 3))
		require.NoError(t, s.Destroy(ctx))
		return
	}
	mp := avMountpoint(t, ctx, h, streaming.CreateRequest{Secret: "s", BufferKFMS: 2000, BufferKFBytes: 1 << 20})
	info, err = h.Info(ctx, streaming.InfoRequest{Mountpoint: mp.Mountpoint, Secret: "s"})
	require.NoError(t, err)
	assert.Equal(t, 2000, info.BufferKFMS)
	assert.Equal(t, 1<<20, info.BufferKFBytes)
	_, err = h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, BufferKFMS: 70000,
		Media: []streaming.StreamConfig{{Type: streaming.MediaVideo, Mid: "v", Port: 0, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"}}})
	require.ErrorIs(t, err, streaming.ErrCantCreate, "bufferkf_ms fits 16 bits")
	require.NoError(t, s.Destroy(ctx))
}

// TestDecodeNewerEvents decodes the events Janus added after 1.1.2, as
// the plugin builds them (Janus 1.3.3's RTSP notifications carry no
// "streaming" member).
func TestDecodeNewerEvents(t *testing.T) {
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: streaming.Plugin, Data: []byte(data)}
	}
	lost := streaming.DecodeEvent(ev(`{"event":"rtsp-disconnected","id":7}`)).(*streaming.RTSPDisconnected)
	assert.Equal(t, core.NumID(7), lost.Mountpoint)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, lost.EventSource())
	back := streaming.DecodeEvent(ev(`{"event":"rtsp-reconnected","id":"cam"}`)).(*streaming.RTSPReconnected)
	assert.Equal(t, core.StrID("cam"), back.Mountpoint)
	assert.IsType(t, &core.PluginEvent{}, streaming.DecodeEvent(ev(`{"event":"rtsp-something","id":7}`)))

	b, err := json.Marshal(streaming.ConfigureRequest{Streams: []streaming.StreamSettings{{Mid: "v", Send: core.Ptr(false), Substream: core.Ptr(0)}, {Mid: "a"}}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"streams":[{"mid":"v","send":false,"substream":0},{"mid":"a"}]}`, string(b))
	b, err = json.Marshal(streaming.CreateRequest{Type: streaming.SourceRTSP, BufferKFMS: 1, BufferKFBytes: 2, RTSPNotifyChanges: true, AbsCaptureTimeExtID: 3})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"rtsp","bufferkf_ms":1,"bufferkf_bytes":2,"rtsp_notify_changes":true,"abscapturetime_src_ext_id":3}`, string(b))
}
