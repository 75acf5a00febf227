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

// avPorts returns a video and an audio UDP port on 127.0.0.1 that are
// not neighbours: ffmpeg sends RTCP to port+1.
func avPorts(t *testing.T) (vport, aport int) {
	t.Helper()
	vport = freeUDPPort(t)
	aport = freeUDPPort(t)
	for aport == vport || aport == vport+1 || vport == aport+1 {
		aport = freeUDPPort(t)
	}
	return vport, aport
}

// ffmpegRTP is an ffmpeg process that sends a 30 fps VP8 test pattern
// (a keyframe every gop frames) and an Opus tone in 20 ms frames as RTP
// to 127.0.0.1, in real time, for a number of seconds.
type ffmpegRTP struct {
	cmd      *exec.Cmd
	progress *ffmpegProgress
	done     chan struct{} // closed when ffmpeg's progress output ends
	stderr   strings.Builder
	waited   bool
}

// startFFmpegRTP starts ffmpeg sending to vport and aport; the test's
// end stops it if it is still running.
func startFFmpegRTP(t *testing.T, ctx context.Context, vport, aport, gop, seconds int) *ffmpegRTP {
	t.Helper()
	ffctx, cancel := context.WithCancel(ctx)
	dur := strconv.Itoa(seconds)
	f := &ffmpegRTP{progress: &ffmpegProgress{}, done: make(chan struct{})}
	f.cmd = exec.CommandContext(ffctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-progress", "pipe:1", "-stats_period", "0.1",
		"-re", "-t", dur, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
		"-re", "-t", dur, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-map", "0:v", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k",
		"-g", strconv.Itoa(gop), "-lag-in-frames", "0", "-auto-alt-ref", "0",
		"-payload_type", "96", "-f", "rtp", fmt.Sprintf("rtp://127.0.0.1:%d?pkt_size=1200", vport),
		"-map", "1:a", "-c:a", "libopus", "-b:a", "48k", "-frame_duration", "20",
		"-payload_type", "111", "-f", "rtp", fmt.Sprintf("rtp://127.0.0.1:%d?pkt_size=1200", aport))
	f.cmd.Stderr = &f.stderr
	out, err := f.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, f.cmd.Start())
	go func() { defer close(f.done); f.progress.read(out) }()
	t.Cleanup(func() {
		if !f.waited {
			cancel()
			<-f.done
			_ = f.cmd.Wait()
		}
		cancel()
		if t.Failed() {
			t.Logf("ffmpeg stderr: %s", f.stderr.String())
		}
	})
	return f
}

// sending waits until ffmpeg has sent at least n video frames.
func (f *ffmpegRTP) sending(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { sent, _ := f.progress.get(); return sent >= n }, 10*time.Second, 10*time.Millisecond,
		"ffmpeg did not start sending")
}

// wait waits for ffmpeg to finish and returns the number of video frames
// it sent.
func (f *ffmpegRTP) wait(t *testing.T) int {
	t.Helper()
	require.Eventually(t, func() bool { _, end := f.progress.get(); return end }, 30*time.Second, 20*time.Millisecond,
		"ffmpeg did not finish")
	<-f.done
	f.waited = true
	require.NoError(t, f.cmd.Wait(), "ffmpeg: %s", f.stderr.String())
	sent, _ := f.progress.get()
	return sent
}

// trackRecorders records every track a PeerConnection receives into dir:
// video to video.ivf, audio to audio.ogg.
type trackRecorders struct {
	mu   sync.Mutex
	recs map[string]*native.TrackRecorder
}

func recordTracks(t *testing.T, pc *webrtc.PeerConnection, dir string) *trackRecorders {
	r := &trackRecorders{recs: map[string]*native.TrackRecorder{}}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		// An RTP mountpoint cannot produce a keyframe on request: the
		// recording starts at the next one ffmpeg sends.
		rec, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if assert.NoError(t, err) {
			r.mu.Lock()
			r.recs[name] = rec
			r.mu.Unlock()
		}
	})
	return r
}

// frames returns the frames recorded so far, by kind.
func (r *trackRecorders) frames() map[string]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return kindCounts(statsOf(maps.Values(r.recs)), frames)
}

// get returns the recorder of a file ("video.ivf"), nil if none yet.
func (r *trackRecorders) get(name string) *native.TrackRecorder {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recs[name]
}

// finish waits until every recorder wrote its file, and returns them.
func (r *trackRecorders) finish(t *testing.T, ctx context.Context) map[string]*native.TrackRecorder {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, rec := range r.recs {
		require.NoError(t, rec.Wait(ctx))
		t.Logf("%s: received %+v", name, rec.Stats())
	}
	return r.recs
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

	vport, aport := avPorts(t)
	mp, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Description: "ffmpeg test pattern",
		Media: []streaming.StreamConfig{
			{Type: streaming.MediaVideo, Mid: "v", Port: vport, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
			{Type: streaming.MediaAudio, Mid: "a", Port: aport, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
		}})
	require.NoError(t, err)

	// ffmpeg sends 5 s of 30 fps VP8, a keyframe every 15 frames, and Opus
	// in 20 ms frames, in real time.
	const gop = 15
	ff := startFFmpegRTP(t, ctx, vport, aport, gop, 5)
	progress := ff.progress
	// Join mid-stream: once ffmpeg has sent a first group of pictures.
	ff.sending(t, gop)

	dir := t.TempDir()
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	recs := recordTracks(t, pc, dir)
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

	recorded := recs.frames

	// An ICE restart of the running subscription, once media reaches both
	// recorders: Janus offers again and the subscription goes on.
	require.Eventually(t, func() bool { n := recorded(); return n["video"] > 0 && n["audio"] > 0 },
		10*time.Second, 10*time.Millisecond, "no media before the ICE restart")
	ufrag := remoteICEUfrag(t, pc)
	status, err = h.RestartPeer(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint}, peer)
	require.NoError(t, err)
	assert.Equal(t, streaming.StatusStarted, status, "the PeerConnection is up during the restart")
	assert.NotEqual(t, ufrag, remoteICEUfrag(t, pc), "Janus's new offer restarts ICE")
	require.NotNil(t, recs.get("video.ivf"))
	restartedAt := recs.get("video.ivf").Stats().Frames

	// ffmpeg ends after 5 s; the last packets reach the recorder.
	sentFrames := ff.wait(t)
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

	done := recs.finish(t, ctx)
	require.Len(t, done, 2, "audio and video tracks")
	video := done["video.ivf"].Stats()
	audio := done["audio.ogg"].Stats()
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
