package native_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// TestStreamingBufferKeyframe watches, in the middle of a five-second
// group of pictures, a mountpoint that buffers the last keyframe and the
// frames after it (BufferKFMS, Janus 1.3.3 and later): the viewer gets
// that burst at once, so its recording decodes from before the moment it
// joined, instead of starting at the source's next keyframe. Against an
// older Janus it checks the core.ErrUnsupported error of the option.
func TestStreamingBufferKeyframe(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 60*time.Second)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)
	vport, aport := avPorts(t)
	req := streaming.CreateRequest{Type: streaming.SourceRTP, Description: "buffered keyframes", BufferKFMS: 5000,
		Media: []streaming.StreamConfig{
			{Type: streaming.MediaVideo, Mid: "v", Port: vport, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
			{Type: streaming.MediaAudio, Mid: "a", Port: aport, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
		}}
	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 3, 3) {
		_, err := h.Create(ctx, req)
		require.ErrorIs(t, err, core.ErrUnsupported)
		return
	}
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	mp, err := h.Create(ctx, req)
	require.NoError(t, err)

	// A keyframe every 150 frames (5 s at 30 fps), 8 s in all: a viewer
	// joining after frame 45 would otherwise wait for frame 150.
	const gop, joinAt = 150, 45
	ff := startFFmpegRTP(t, ctx, vport, aport, gop, 8)
	ff.sending(t, joinAt)
	peer := namespacePeer(t)
	dir := t.TempDir()
	recs := recordTracks(t, peer.PeerConnection(), dir)
	events := logPluginEvents(h.Events())
	_, err = h.WatchPeer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, peer, func(err error) { t.Logf("trickle: %v", err) })
	require.NoError(t, err)
	events.await(t, ctx, "started", isStatus(streaming.StatusStarted))
	watchFrom, _ := ff.progress.get()
	require.Less(t, watchFrom, gop, "the watch started before the second keyframe")

	sent := ff.wait(t)
	waitCounts(t, ctx, "video frames", map[string]uint64{"video": uint64(sent - watchFrom)}, recs.frames)
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint}))
	events.await(t, ctx, "hangup", func(ev core.Event) bool { _, ok := ev.(*core.Hangup); return ok })
	require.NoError(t, peer.Close())
	done := recs.finish(t, ctx)
	require.Contains(t, done, "video.ivf")
	decoded := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	t.Logf("ffmpeg sent %d frames, the viewer joined after %d; %d frames of its recording decode (without the burst: about %d)",
		sent, watchFrom, decoded, sent-gop)
	// Every frame from the watch on decodes, and the buffered ones before
	// it: far more than the frames after the next keyframe.
	assert.GreaterOrEqual(t, decoded, (sent-watchFrom)*95/100, "decoded frames from the join on")
	assert.Greater(t, decoded, sent-gop+joinAt/2, "the recording starts before the source's next keyframe")
	require.NoError(t, s.Destroy(ctx))
}
