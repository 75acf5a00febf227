package native_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
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
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// pluginEventLog keeps every event of a handle, so that a test can wait
// for events whose relative order Janus does not fix (webrtcup and the
// plugin's own "started", for example).
type pluginEventLog struct {
	mu   sync.Mutex
	seen []core.Event
}

// logPluginEvents reads events until the stream ends.
func logPluginEvents(events <-chan core.Event) *pluginEventLog {
	l := &pluginEventLog{}
	go func() {
		for ev := range events {
			l.mu.Lock()
			l.seen = append(l.seen, ev)
			l.mu.Unlock()
		}
	}()
	return l
}

// find returns the first event seen that matches, or nil.
func (l *pluginEventLog) find(match func(core.Event) bool) core.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range l.seen {
		if match(ev) {
			return ev
		}
	}
	return nil
}

// await waits until an event that matches was seen and returns it.
func (l *pluginEventLog) await(t *testing.T, ctx context.Context, what string, match func(core.Event) bool) core.Event {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if ev := l.find(match); ev != nil {
			return ev
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("no %s event; seen: %s", what, describeEvents(l.seen))
		}
	}
}

// describeEvents formats events for failure messages.
func describeEvents(evs []core.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "\n  %T %+v", ev, ev)
	}
	return b.String()
}

// isStatus matches a Streaming StatusChanged event with status st.
func isStatus(st streaming.Status) func(core.Event) bool {
	return func(ev core.Event) bool {
		sc, ok := ev.(*streaming.StatusChanged)
		return ok && sc.Status == st
	}
}

// remoteICEUfrag returns the ICE username fragment of the remote
// description.
func remoteICEUfrag(t *testing.T, pc *webrtc.PeerConnection) string {
	t.Helper()
	rd := pc.RemoteDescription()
	require.NotNil(t, rd)
	for _, line := range strings.Split(rd.SDP, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-ufrag:"); ok {
			return v
		}
	}
	t.Fatal("no ice-ufrag in the remote description")
	return ""
}

// ffmpegProgress follows ffmpeg's -progress output: the number of frames
// it encoded and sent so far, and whether it finished.
type ffmpegProgress struct {
	mu     sync.Mutex
	frames int
	end    bool
}

func (p *ffmpegProgress) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		p.mu.Lock()
		switch k {
		case "frame":
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				p.frames = n
			}
		case "progress":
			p.end = v == "end"
		}
		p.mu.Unlock()
	}
}

func (p *ffmpegProgress) get() (frames int, end bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frames, p.end
}

// TestStreamingWatchRecorded feeds an RTP mountpoint with VP8 and Opus
// from ffmpeg, watches it mid-stream with a native peer through
// WatchPeer, restarts ICE with RestartPeer, records both tracks and
// decodes the recordings back.
func TestStreamingWatchRecorded(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 60*time.Second)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)

	// Two ports that are not neighbours: ffmpeg sends RTCP to port+1.
	vport := freeUDPPort(t)
	aport := freeUDPPort(t)
	for aport == vport || aport == vport+1 || vport == aport+1 {
		aport = freeUDPPort(t)
	}
	mp, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Description: "ffmpeg test pattern",
		Media: []streaming.StreamConfig{
			{Type: streaming.MediaVideo, Mid: "v", Port: vport, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
			{Type: streaming.MediaAudio, Mid: "a", Port: aport, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
		}})
	require.NoError(t, err)

	// ffmpeg sends 5 s of 30 fps VP8, a keyframe every 15 frames, and Opus
	// in 20 ms frames, in real time.
	const gop = 15
	ffctx, ffcancel := context.WithCancel(ctx)
	defer ffcancel()
	ff := exec.CommandContext(ffctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-progress", "pipe:1", "-stats_period", "0.1",
		"-re", "-t", "5", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
		"-re", "-t", "5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-map", "0:v", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k",
		"-g", strconv.Itoa(gop), "-lag-in-frames", "0", "-auto-alt-ref", "0",
		"-payload_type", "96", "-f", "rtp", fmt.Sprintf("rtp://127.0.0.1:%d?pkt_size=1200", vport),
		"-map", "1:a", "-c:a", "libopus", "-b:a", "48k", "-frame_duration", "20",
		"-payload_type", "111", "-f", "rtp", fmt.Sprintf("rtp://127.0.0.1:%d?pkt_size=1200", aport))
	var ffErr strings.Builder
	ff.Stderr = &ffErr
	out, err := ff.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, ff.Start())
	progress := &ffmpegProgress{}
	progressDone := make(chan struct{})
	go func() { defer close(progressDone); progress.read(out) }()
	ffDone := false
	defer func() {
		if !ffDone {
			ffcancel()
			<-progressDone
			_ = ff.Wait()
		}
		if t.Failed() {
			t.Logf("ffmpeg stderr: %s", ffErr.String())
		}
	}()

	// Join mid-stream: once ffmpeg has sent a first group of pictures.
	require.Eventually(t, func() bool { n, _ := progress.get(); return n >= gop }, 10*time.Second, 10*time.Millisecond,
		"ffmpeg did not start sending")

	dir := t.TempDir()
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	var mu sync.Mutex
	recs := map[string]*native.TrackRecorder{}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		// An RTP mountpoint cannot produce a keyframe on request: the
		// recording starts at the next one ffmpeg sends.
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if assert.NoError(t, err) {
			mu.Lock()
			recs[name] = r
			mu.Unlock()
		}
	})
	connected := waitConnected(peer)
	events := logPluginEvents(h.Events())

	status, err := h.WatchPeer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, peer, func(err error) { t.Logf("trickle: %v", err) })
	require.NoError(t, err)
	assert.Equal(t, streaming.StatusStarting, status, "Start answers before the PeerConnection is up")
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("PeerConnection did not connect")
	}
	events.await(t, ctx, "webrtcup", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })
	events.await(t, ctx, "started", isStatus(streaming.StatusStarted))
	watchFrom, _ := progress.get()

	recorded := func() map[string]uint64 {
		mu.Lock()
		defer mu.Unlock()
		return kindCounts(statsOf(maps.Values(recs)), frames)
	}

	// An ICE restart of the running subscription, once media reaches both
	// recorders: Janus offers again and the subscription goes on.
	require.Eventually(t, func() bool { n := recorded(); return n["video"] > 0 && n["audio"] > 0 },
		10*time.Second, 10*time.Millisecond, "no media before the ICE restart")
	ufrag := remoteICEUfrag(t, pc)
	status, err = h.RestartPeer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, peer)
	require.NoError(t, err)
	assert.Equal(t, streaming.StatusStarted, status, "the PeerConnection is up during the restart")
	assert.NotEqual(t, ufrag, remoteICEUfrag(t, pc), "Janus's new offer restarts ICE")
	mu.Lock()
	require.Contains(t, recs, "video.ivf")
	restartedAt := recs["video.ivf"].Stats().Frames
	mu.Unlock()

	// ffmpeg ends after 5 s; the last packets reach the recorder.
	require.Eventually(t, func() bool { _, end := progress.get(); return end }, 20*time.Second, 20*time.Millisecond,
		"ffmpeg did not finish")
	<-progressDone
	ffDone = true
	require.NoError(t, ff.Wait(), "ffmpeg: %s", ffErr.String())
	sentFrames, _ := progress.get()
	// The viewer gets what ffmpeg sent while it watched (90% of it, in 20 ms
	// audio frames too): wait until the recorders have it, the packets on
	// their way after ffmpeg ended included.
	minVideo := (sentFrames - watchFrom) * 9 / 10
	minAudio := (sentFrames - watchFrom) * 50 / 30 * 9 / 10
	waitCounts(t, ctx, "recorded frames", map[string]uint64{"video": uint64(minVideo), "audio": uint64(minAudio)}, recorded)

	// Stop: Janus answers "stopping" (Stop does not wait for it, so it
	// reaches the stream) and closes the PeerConnection.
	require.NoError(t, h.Stop(ctx))
	events.await(t, ctx, "stopping", isStatus(streaming.StatusStopping))
	hangup := events.await(t, ctx, "hangup", func(ev core.Event) bool { _, ok := ev.(*core.Hangup); return ok })
	t.Logf("hangup: %+v", hangup)
	require.NoError(t, peer.Close())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, recs, 2, "audio and video tracks")
	for name, r := range recs {
		require.NoError(t, r.Wait(ctx))
		t.Logf("%s: received %+v", name, r.Stats())
	}
	video := recs["video.ivf"].Stats()
	audio := recs["audio.ogg"].Stats()
	decodedVideo := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	decodedAudio := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("ffmpeg sent %d video frames, %d of them before the watch started; the viewer received %d video frames (decoded %d) and %d audio frames (decoded %d)",
		sentFrames, watchFrom, video.Frames, decodedVideo, audio.Frames, decodedAudio)

	// The viewer got what ffmpeg sent while it watched...
	assert.GreaterOrEqual(t, int(video.Frames), minVideo, "video frames relayed during the watch")
	assert.LessOrEqual(t, int(video.Frames), sentFrames)
	// ...and everything from the first keyframe on decodes: joining
	// mid-stream loses at most the frames before the next keyframe (one of
	// them possibly cut in the middle).
	assert.GreaterOrEqual(t, decodedVideo, int(video.Frames)-gop-1, "decoded video frames")
	assert.GreaterOrEqual(t, decodedAudio, int(audio.Frames)*95/100, "decoded Opus frames")
	// Audio covers the same window, in 20 ms frames.
	assert.GreaterOrEqual(t, int(audio.Frames), minAudio, "audio frames relayed during the watch")
	// Media kept flowing after the ICE restart (over 3 s of the 5).
	assert.Greater(t, video.Frames-restartedAt, uint64(2*gop), "video frames after the ICE restart")

	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint}))
	require.NoError(t, s.Destroy(ctx))
}
