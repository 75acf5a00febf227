package native_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
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
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// requireTool fails (CI=true) or skips when a media tool is missing.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if strings.EqualFold(getenv("CI"), "true") {
			t.Fatalf("%s is required (go tool mage deps installs it): %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
}

// ffprobeFrames counts the decodable frames of the first stream of a file.
func ffprobeFrames(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "0",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe %s: %s", path, out)
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(string(out)), ",")))
	require.NoError(t, err, "ffprobe output %q", out)
	return n
}

// TestEchoTestFileSourceRecorded publishes a VP8 IVF and an Opus Ogg file
// into the EchoTest, records what comes back and decodes the recordings.
func TestEchoTestFileSourceRecorded(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := echotest.Attach(ctx, s)
	require.NoError(t, err)

	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	for _, tr := range src.Tracks() {
		_, err := pc.AddTrack(tr)
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
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), time.Second)
		if !assert.NoError(t, err) {
			return
		}
		mu.Lock()
		recs[name] = r
		mu.Unlock()
	})
	connected := make(chan struct{})
	var once sync.Once
	peer.OnStateChange(func(st string) {
		if st == "connected" {
			once.Do(func() { close(connected) })
		}
	})
	core.LinkCandidates(ctx, h.Handle, peer, nil)
	offer, err := peer.CreateOffer(ctx)
	require.NoError(t, err)
	answer, err := h.Configure(ctx, echotest.Settings{Audio: core.Ptr(true), Video: core.Ptr(true), Bitrate: 1_000_000}, offer)
	require.NoError(t, err)
	require.NoError(t, peer.SetRemoteDescription(ctx, answer))
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("not connected")
	}
	require.NoError(t, src.Run(ctx))
	time.Sleep(500 * time.Millisecond) // the last packets come back
	sent := src.Stats()
	require.NoError(t, peer.Close()) // ends the recordings
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, recs, 2)
	for name, r := range recs {
		require.NoError(t, r.Wait(ctx))
		t.Logf("%s: received %+v", name, r.Stats())
	}
	t.Logf("sent %+v", sent)
	assert.Equal(t, uint64(90), sent[0].Frames, "3 s of 30 fps video")
	assert.InDelta(t, 150, sent[1].Frames, 2, "3 s of 20 ms Opus frames")

	videoFrames := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	audioFrames := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("decoded: %d video frames, %d audio frames", videoFrames, audioFrames)
	assert.GreaterOrEqual(t, videoFrames, 81, "at least 90%% of 90 frames decode")
	assert.GreaterOrEqual(t, audioFrames, int(sent[1].Frames)*9/10, "at least 90%% of the Opus frames")
	require.NoError(t, s.Destroy(ctx))
}
