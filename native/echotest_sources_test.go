package native_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// requireTool skips (or, with CI=true, fails) a test or benchmark when
// an external program is not installed (janustest.RequireTool).
func requireTool(tb testing.TB, name string) {
	tb.Helper()
	janustest.RequireTool(tb, name)
}

// ffprobeFrames counts the decodable frames of the first stream of a
// file (mediabench.DecodedFrames of stream "0").
func ffprobeFrames(t *testing.T, path string) int {
	t.Helper()
	return mediabench.DecodedFrames(t, path, "0")
}

// TestEchoTestSourcesRecorded publishes each kind of source into the
// EchoTest, records what comes back and decodes the recordings.
func TestEchoTestSourcesRecorded(t *testing.T) {
	requireTool(t, "ffprobe")
	requireTool(t, "ffmpeg")
	requireTool(t, "gst-launch-1.0")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	cases := []struct {
		name string
		src  func() (native.Source, error)
	}{
		{"file", func() (native.Source, error) {
			return native.FileSource(native.FileOptions{},
				"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
		}},
		{"ffmpeg", func() (native.Source, error) {
			return native.FFmpegSource([]string{
				"-t", "3", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
				"-t", "3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"},
				native.FFmpegOptions{VideoBitrate: "500k"})
		}},
		{"gstreamer", func() (native.Source, error) {
			return native.GStreamerSource(native.GStreamerOptions{},
				"videotestsrc is-live=true num-buffers=90 ! video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc deadline=1 ! rtpvp8pay",
				"audiotestsrc is-live=true num-buffers=150 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ! opusenc frame-size=20 ! rtpopuspay")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, err := tc.src()
			require.NoError(t, err)
			dir := echoAndRecord(t, srv, src, "files")
			if tc.name == "ffmpeg" || tc.name == "gstreamer" {
				// ffmpeg and GStreamer cannot answer keyframe requests:
				// they make a keyframe every second instead (30 frames
				// here), not every GOP of their encoders' defaults (vp8enc's
				// is 128 frames).
				keys := keyframeIndexes(t, filepath.Join(dir, "video.ivf"))
				t.Logf("keyframes at frames %v", keys)
				require.GreaterOrEqual(t, len(keys), 2, "keyframes in 3 s of video")
				for i := 1; i < len(keys); i++ {
					assert.LessOrEqual(t, keys[i]-keys[i-1], 31, "frames between keyframes %d and %d", i-1, i)
				}
			}
		})
	}
	t.Run("file to webm", func(t *testing.T) {
		src, err := cases[0].src()
		require.NoError(t, err)
		echoAndRecord(t, srv, src, "webm")
	})
	t.Run("file to ffmpeg over RTP", func(t *testing.T) {
		src, err := cases[0].src()
		require.NoError(t, err)
		echoAndRecord(t, srv, src, "ffmpeg")
	})
}

// echoAndRecord runs src through the EchoTest, records the echoed tracks
// and checks that at least 90% of the frames sent decode from the
// recordings. It returns the folder of the recordings.
func echoAndRecord(t *testing.T, srv *janusserver.Server, src native.Source, mode string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := echotest.Attach(ctx, s)
	require.NoError(t, err)

	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	dir := t.TempDir()
	var mu sync.Mutex
	recs := map[string]*native.TrackRecorder{}
	webmPath := filepath.Join(dir, "echo.webm")
	wr, err := native.NewWebMRecorder(webmPath, true, true)
	require.NoError(t, err)
	var fwds []*native.RTPForwarder
	var ffmpeg *exec.Cmd
	ffmpegOut := filepath.Join(dir, "forwarded.mkv")
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		switch mode {
		case "webm":
			assert.NoError(t, wr.AddTrack(pc, tr, 0))
			return
		case "ffmpeg":
			f, err := native.ForwardTrack(pc, tr, fmt.Sprintf("127.0.0.1:%d", freeUDPPort(t)), 0)
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			fwds = append(fwds, f)
			if len(fwds) == 2 {
				sdp := filepath.Join(dir, "stream.sdp")
				assert.NoError(t, os.WriteFile(sdp, []byte(native.SDP(fwds...)), 0o644))
				ffmpeg = exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp",
					"-i", sdp, "-c", "copy", "-y", ffmpegOut)
				assert.NoError(t, ffmpeg.Start())
			}
			return
		}
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if !assert.NoError(t, err) {
			return
		}
		mu.Lock()
		recs[name] = r
		mu.Unlock()
	})
	echoConnect(t, ctx, h, peer, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(true), Bitrate: 1_000_000})
	require.NoError(t, src.Run(ctx))
	sent := map[string]native.TrackStats{}
	for _, st := range src.Stats() {
		sent[st.Kind] = st
	}
	// The last packets come back: every frame sent reached the sinks.
	want := kindCounts(src.Stats(), frames)
	var received func() map[string]uint64
	switch mode {
	case "webm":
		// The WebM recorder writes a video frame once the next one begins:
		// the last one waits for Close. It writes no audio before the first
		// video keyframe, so audio is counted in packets received, one per
		// Opus frame.
		want["video"]--
		received = func() map[string]uint64 {
			st := wr.Stats()
			n := kindCounts(st, frames)
			n["audio"] = kindCounts(st, packets)["audio"]
			return n
		}
	case "ffmpeg":
		received = func() map[string]uint64 {
			mu.Lock()
			defer mu.Unlock()
			return kindCounts(statsOf(slices.Values(fwds)), frames)
		}
	default:
		received = func() map[string]uint64 {
			mu.Lock()
			defer mu.Unlock()
			return kindCounts(statsOf(maps.Values(recs)), frames)
		}
	}
	waitCounts(t, ctx, "echoed frames", want, received)
	require.NoError(t, peer.Close()) // ends the recordings
	if mode == "ffmpeg" {
		mu.Lock()
		defer mu.Unlock()
		require.NotNil(t, ffmpeg, "ffmpeg started once both tracks arrived")
		require.NoError(t, ffmpeg.Process.Signal(os.Interrupt))
		_ = ffmpeg.Wait()
		for _, f := range fwds {
			require.NoError(t, f.Close())
			t.Logf("forwarded %+v", f.Stats())
		}
		video := mediabench.DecodedFrames(t, ffmpegOut, "v:0")
		audio := mediabench.DecodedFrames(t, ffmpegOut, "a:0")
		t.Logf("decoded from ffmpeg's copy of the forwarded RTP: %d video frames, %d audio frames", video, audio)
		// ffmpeg starts listening only once both tracks arrived (and
		// takes a moment to start), then waits for a keyframe: the
		// forwarder asks for one every 250 ms, and the file source
		// jumps to it (the fixture also has one every 10 frames). Up to
		// a second (30 video frames, 50 audio ones) is allowed for all
		// that, then 10% loss.
		assert.GreaterOrEqual(t, video, int(sent["video"].Frames-30)*9/10)
		assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames-50)*9/10)
		require.NoError(t, s.Destroy(ctx))
		return dir
	}
	if mode == "webm" {
		require.NoError(t, wr.Close())
		t.Logf("webm: %+v", wr.Stats())
		video := mediabench.DecodedFrames(t, webmPath, "v:0")
		audio := mediabench.DecodedFrames(t, webmPath, "a:0")
		t.Logf("decoded from one WebM: %d video frames, %d audio frames", video, audio)
		// The file starts at the first keyframe echoed back.
		assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*8/10)
		assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*8/10)
		require.NoError(t, s.Destroy(ctx))
		return dir
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, recs, 2)
	for name, r := range recs {
		require.NoError(t, r.Wait(ctx))
		t.Logf("%s: received %+v", name, r.Stats())
	}
	t.Logf("sent %+v", sent)
	assertThreeSecondsOfVideo(t, sent["video"])
	assert.InDelta(t, 150, sent["audio"].Frames, 3, "3 s of 20 ms Opus frames")

	videoFrames := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	audioFrames := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("decoded: %d video frames, %d audio frames", videoFrames, audioFrames)
	assert.GreaterOrEqual(t, videoFrames, int(sent["video"].Frames)*9/10, "at least 90%% of the video frames decode")
	assert.GreaterOrEqual(t, audioFrames, int(sent["audio"].Frames)*9/10, "at least 90%% of the Opus frames decode")
	require.NoError(t, s.Destroy(ctx))
	return dir
}

// echoConnect offers peer's tracks to the EchoTest with req, applies the
// answer and waits until the PeerConnection is connected and Janus
// reports it up.
func echoConnect(t *testing.T, ctx context.Context, h *echotest.Handle, peer *native.Peer, req echotest.ConfigureRequest) {
	t.Helper()
	connected := waitConnected(peer)
	core.LinkCandidates(ctx, h.Handle, peer, func(err error) { t.Logf("trickle: %v", err) })
	offer, err := peer.CreateOffer(ctx)
	require.NoError(t, err)
	answer, err := h.Configure(ctx, req, offer)
	require.NoError(t, err)
	require.NoError(t, peer.SetRemoteDescription(ctx, answer))
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("not connected")
	}
	waitWebRTCUp(t, ctx, h.Events())
}

// keyframeIndexes returns the indexes of the keyframes among the frames
// of a video file, as ffprobe decodes them.
func keyframeIndexes(t *testing.T, path string) []int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames",
		"-show_entries", "frame=key_frame", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var keys []int
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.Trim(strings.TrimSpace(line), ",") == "1" {
			keys = append(keys, i)
		}
	}
	return keys
}

// freeUDPPort returns a UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
