package native_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// TestStreamingWatchOffer watches an RTP mountpoint fed by ffmpeg with
// the native peer making the offer (WatchOfferPeer, the WHEP way; Janus
// 1.1.4 and later), turns the video off and on again with one batched
// Configure (Janus 1.2.0 and later) while audio goes on, records both
// tracks and decodes them. Against an older Janus it checks the
// core.ErrUnsupported error, which comes before anything is sent.
func TestStreamingWatchOffer(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 60*time.Second)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		_, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
		require.NoError(t, err)
	}
	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
		err := h.WatchOfferPeer(ctx, streaming.WatchRequest{Mountpoint: core.NumID(1)}, peer, nil)
		require.ErrorIs(t, err, core.ErrUnsupported)
		assert.Nil(t, pc.LocalDescription(), "no offer was made")
		return
	}
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")

	vport, aport := avPorts(t)
	mp, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Description: "ffmpeg test pattern",
		Media: []streaming.StreamConfig{
			{Type: streaming.MediaVideo, Mid: "v", Port: vport, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
			{Type: streaming.MediaAudio, Mid: "a", Port: aport, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
		}})
	require.NoError(t, err)
	const gop = 15
	ff := startFFmpegRTP(t, ctx, vport, aport, gop, 6)
	ff.sending(t, gop)

	dir := t.TempDir()
	recs := recordTracks(t, pc, dir)
	connected := waitConnected(peer)
	events := logPluginEvents(h.Events())
	require.NoError(t, h.WatchOfferPeer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, peer, func(err error) { t.Logf("trickle: %v", err) }))
	require.NotNil(t, pc.RemoteDescription())
	assert.Equal(t, webrtc.SDPTypeAnswer, pc.RemoteDescription().Type, "Janus answered our offer")
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("PeerConnection did not connect")
	}
	events.await(t, ctx, "started", isStatus(streaming.StatusStarted))
	require.Eventually(t, func() bool { n := recs.frames(); return n["video"] > gop && n["audio"] > 0 },
		10*time.Second, 10*time.Millisecond, "no media after the watch")

	// Video off, audio on, in one request: audio goes on for a second
	// (50 frames) while video stops.
	off := streaming.ConfigureRequest{Streams: []streaming.StreamSettings{{Mid: "v", Send: core.Ptr(false)}, {Mid: "a", Send: core.Ptr(true)}}}
	require.NoError(t, h.Configure(ctx, off))
	before := recs.frames()
	waitCounts(t, ctx, "audio while video is off", map[string]uint64{"audio": before["audio"] + 50}, recs.frames)
	paused := recs.frames()
	t.Logf("with video off: %v -> %v frames", before, paused)
	// Frames on their way when Configure was answered still count: up to
	// 8 (a quarter second), against the 30 of a second of video.
	assert.LessOrEqual(t, paused["video"], before["video"]+8, "video stopped while audio went on")

	// Video on again.
	require.NoError(t, h.Configure(ctx, streaming.ConfigureRequest{Streams: []streaming.StreamSettings{{Mid: "v", Send: core.Ptr(true)}}}))
	waitCounts(t, ctx, "video after turning it on", map[string]uint64{"video": paused["video"] + 30}, recs.frames)

	sent := ff.wait(t)
	// Destroying the mountpoint ends the subscription and the
	// PeerConnection.
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint}))
	events.await(t, ctx, "hangup", func(ev core.Event) bool { _, ok := ev.(*core.Hangup); return ok })
	require.NoError(t, peer.Close())
	done := recs.finish(t, ctx)
	require.Len(t, done, 2, "audio and video tracks")
	video, audio := done["video.ivf"].Stats(), done["audio.ogg"].Stats()
	decodedVideo := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	decodedAudio := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("ffmpeg sent %d video frames; the viewer received %d video frames (decoded %d) and %d audio frames (decoded %d)",
		sent, video.Frames, decodedVideo, audio.Frames, decodedAudio)
	assert.GreaterOrEqual(t, video.Frames, paused["video"]+30)
	// Turning the video back on resumes mid-group: what precedes the next
	// keyframe may not decode.
	assert.GreaterOrEqual(t, decodedVideo, int(video.Frames)-2*gop-2, "decoded video frames")
	assert.GreaterOrEqual(t, decodedAudio, int(audio.Frames)*95/100, "decoded Opus frames")
	require.NoError(t, s.Destroy(ctx))
}
