//go:build mediadevices

package native_test

import (
	"context"
	"maps"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// TestMediadevicesDeviceChoice checks the device selection errors of the
// mediadevices build.
func TestMediadevicesDeviceChoice(t *testing.T) {
	_, err := native.DeviceSource(native.DeviceOptions{Test: true, Video: true, VideoDevice: "no such camera"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no test camera "no such camera" found (there are: VideoTest`)
	_, err = native.DeviceSource(native.DeviceOptions{Audio: true, AudioDevice: "AudioTest"})
	require.Error(t, err, "the test microphone is not a real one")
}

// TestMediadevicesEchoTest publishes pion/mediadevices' test devices
// (VP8 and Opus encoded in Go through cgo) into the EchoTest and decodes
// what comes back.
func TestMediadevicesEchoTest(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 60*time.Second)
	h, err := echotest.Attach(ctx, s)
	require.NoError(t, err)

	src, err := native.DeviceSource(native.DeviceOptions{Test: true, Width: 320, Height: 240, VideoBitrate: 300_000})
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.(interface{ Close() error }).Close() })
	require.Len(t, src.Tracks(), 2)
	_, err = native.DeviceSource(native.DeviceOptions{Test: true, Video: true})
	require.Error(t, err, "the test camera is in use")

	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	dir := t.TempDir()
	var mu sync.Mutex
	recs := map[string]*native.TrackRecorder{}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if assert.NoError(t, err) {
			mu.Lock()
			recs[name] = r
			mu.Unlock()
		}
	})
	echoConnect(t, ctx, h, peer, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(true), Bitrate: 1_000_000})

	// Nothing is sent before Run, though the encoders run since the
	// negotiation.
	for _, st := range src.Stats() {
		assert.Zero(t, st.Packets, "%s before Run", st.Kind)
	}
	runCtx, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	require.ErrorIs(t, src.Run(runCtx), context.DeadlineExceeded)
	require.Error(t, src.Run(ctx), "a device source runs once")
	// The last packets come back: every packet sent was echoed.
	waitCounts(t, ctx, "echoed packets", kindCounts(src.Stats(), packets), func() map[string]uint64 {
		mu.Lock()
		defer mu.Unlock()
		return kindCounts(statsOf(maps.Values(recs)), packets)
	})
	sent := map[string]native.TrackStats{}
	for _, st := range src.Stats() {
		sent[st.Kind] = st
		t.Logf("sent %+v", st)
	}
	require.NoError(t, peer.Close())
	assert.Equal(t, webrtc.MimeTypeVP8, sent["video"].Codec)
	assert.Equal(t, webrtc.MimeTypeOpus, sent["audio"].Codec)
	assert.Greater(t, sent["video"].Frames, uint64(10))
	assert.Greater(t, sent["audio"].Frames, uint64(10))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, recs, 2, "video and audio echoed")
	received := map[string]native.TrackStats{}
	for name, r := range recs {
		require.NoError(t, r.Wait(ctx))
		received[name] = r.Stats()
		t.Logf("%s: received %+v", name, r.Stats())
	}
	assert.GreaterOrEqual(t, received["video.ivf"].Packets, sent["video"].Packets*9/10, "video packets echoed")
	assert.GreaterOrEqual(t, received["audio.ogg"].Packets, sent["audio"].Packets*9/10, "audio packets echoed")
	video := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	audio := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("decoded %d of %d video frames, %d of %d audio frames", video, sent["video"].Frames, audio, sent["audio"].Frames)
	assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*9/10, "video frames decode")
	assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*9/10, "audio frames decode")
	require.NoError(t, s.Destroy(ctx))
}
