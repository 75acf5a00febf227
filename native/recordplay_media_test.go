package native_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/recordplay"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// probed is what ffprobe says of a media file.
type probed struct {
	codecs   []string // of the streams, in order
	duration float64  // from the first to the last packet, in seconds
}

// ffprobeFile reads the codecs of a file's streams and its duration, from
// the timestamps of its packets (a WebM written live has no duration in
// its header).
func ffprobeFile(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name",
		"-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe %s: %s", path, out)
	var p probed
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		p.codecs = append(p.codecs, strings.Trim(strings.TrimSpace(line), ","))
	}
	out, err = exec.Command("ffprobe", "-v", "error", "-show_entries", "packet=pts_time",
		"-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe %s: %s", path, out)
	first, last := -1.0, 0.0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ts, err := strconv.ParseFloat(strings.Trim(strings.TrimSpace(line), ","), 64)
		if err != nil {
			continue // N/A
		}
		if first < 0 || ts < first {
			first = ts
		}
		last = max(last, ts)
	}
	require.GreaterOrEqual(t, first, 0.0, "no packet timestamps in %s", path)
	p.duration = last - first
	return p
}

// byKind indexes the statistics of tracks by kind ("audio", "video").
func byKind(stats []native.TrackStats) map[string]native.TrackStats {
	out := map[string]native.TrackStats{}
	for _, st := range stats {
		out[st.Kind] = st
	}
	return out
}

// playToWebM plays a recording on a new handle of s to a native peer
// that writes what it receives to a WebM file, until the plugin ends the
// playout, and returns the file. With restart it asks for a second offer
// (Play with Restart) before answering the first, and answers that one.
func playToWebM(t *testing.T, ctx context.Context, s *core.Session, id core.ID, restart bool) string {
	t.Helper()
	player, err := recordplay.Attach(ctx, s)
	require.NoError(t, err)
	events := logPluginEvents(player.Events())
	receiver := namespacePeer(t)
	pc := receiver.PeerConnection()
	path := filepath.Join(t.TempDir(), "played.webm")
	wr, err := native.NewWebMRecorder(path, true, true)
	require.NoError(t, err)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		assert.NoError(t, wr.AddTrack(pc, tr, 0))
	})
	onTrickleErr := func(err error) { t.Logf("trickle: %v", err) }
	if restart {
		core.LinkCandidates(ctx, player.Handle, receiver, onTrickleErr)
		first, err := player.Play(ctx, recordplay.PlayRequest{Recording: id})
		require.NoError(t, err)
		assert.False(t, first.Restart)
		second, err := player.Play(ctx, recordplay.PlayRequest{Recording: id, Restart: true})
		require.NoError(t, err)
		assert.True(t, second.Restart)
		assert.Equal(t, id, second.Recording)
		require.NoError(t, core.AnswerOffer(ctx, receiver, second.JSEP, func(ctx context.Context, answer *core.JSEP) error {
			_, err := player.Start(ctx, answer)
			return err
		}))
	} else {
		playing, err := player.PlayPeer(ctx, recordplay.PlayRequest{Recording: id}, receiver, onTrickleErr)
		require.NoError(t, err)
		require.NotNil(t, playing)
	}
	// The plugin plays the recording in real time and, at its end,
	// closes the PeerConnection.
	events.await(t, ctx, "webrtcup", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })
	events.await(t, ctx, "done", func(ev core.Event) bool { _, ok := ev.(*recordplay.Done); return ok })
	require.NoError(t, receiver.Close()) // ends the WebM's tracks
	require.NoError(t, wr.Close())
	t.Logf("received %+v", byKind(wr.Stats()))
	return path
}

// TestRecordPlayMedia records 3 s of VP8 and Opus from a native
// publisher with the Record&Play plugin, finds the recording in the
// plugin's list, plays it back to a native peer that writes what it
// receives to a WebM file, and decodes that file: the codecs, the
// duration and the frames are those of what was recorded.
func TestRecordPlayMedia(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 90*time.Second)
	t.Logf("Janus %s", srv.Version)

	// Record.
	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	h, err := recordplay.Attach(ctx, s)
	require.NoError(t, err)
	sender := namespacePeer(t)
	for _, tr := range src.Tracks() {
		_, err := sender.AddTrack(tr)
		require.NoError(t, err)
	}
	connected := waitConnected(sender)
	rec, err := h.RecordPeer(ctx, recordplay.RecordRequest{Name: "native media test", Filename: "native-media"}, sender, func(err error) { t.Logf("trickle: %v", err) })
	require.NoError(t, err)
	require.False(t, rec.Recording.IsZero(), "the plugin picks an id")
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("the recording PeerConnection did not connect")
	}
	waitWebRTCUp(t, ctx, h.Events())
	// A renegotiation of the recording in progress (Update): same
	// recording, a new answer.
	offer, err := sender.CreateOffer(ctx)
	require.NoError(t, err)
	again, err := h.Record(ctx, recordplay.RecordRequest{Name: "native media test", Update: true}, offer)
	require.NoError(t, err)
	assert.Equal(t, rec.Recording, again.Recording)
	require.NoError(t, sender.SetRemoteDescription(ctx, again.JSEP))
	// A keyframe request every second instead of every 15.
	set, err := h.Configure(ctx, recordplay.ConfigureRequest{VideoKeyframeInterval: 1000})
	require.NoError(t, err)
	assert.Equal(t, 1000, set.VideoKeyframeInterval)
	require.NoError(t, src.Run(ctx))
	sent := byKind(src.Stats())
	t.Logf("sent %+v", sent)
	// The plugin asks for a keyframe as the first video arrives, then
	// once a second: at least once more in 3 s.
	assert.GreaterOrEqual(t, sent["video"].KeyframeRequests, uint64(2), "keyframe requests")

	stopped, err := h.Stop(ctx)
	require.NoError(t, err)
	assert.Equal(t, rec.Recording, stopped.Recording)
	events := logPluginEvents(h.Events())
	events.await(t, ctx, "done", func(ev core.Event) bool { _, ok := ev.(*recordplay.Done); return ok })
	require.NoError(t, sender.Close())
	// Janus says done just before it closes the files and writes the .nfo.
	_, err = h.WaitCompleted(ctx, rec.Recording)
	require.NoError(t, err)
	for _, name := range []string{"native-media-audio.mjr", "native-media-video.mjr", rec.Recording.String() + ".nfo"} {
		assert.FileExists(t, filepath.Join(srv.RecordingsDir, name))
	}

	// The recording is listed.
	list, err := h.List(ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(list, func(r recordplay.RecordingInfo) bool { return r.Recording == rec.Recording })
	require.GreaterOrEqual(t, i, 0, "recording %s in %+v", rec.Recording, list)
	info := list[i]
	assert.Equal(t, "native media test", info.Name)
	assert.True(t, info.Audio)
	assert.True(t, info.Video)
	assert.Equal(t, core.Opus, info.AudioCodec)
	assert.Equal(t, core.VP8, info.VideoCodec)

	// Play it back, into one WebM file.
	webmPath := playToWebM(t, ctx, s, rec.Recording, false)
	p := ffprobeFile(t, webmPath)
	video := mediabench.DecodedFrames(t, webmPath, "v:0")
	audio := mediabench.DecodedFrames(t, webmPath, "a:0")
	t.Logf("played back: %v, %.2f s, decoded %d video frames and %d audio frames (sent %d and %d)",
		p.codecs, p.duration, video, audio, sent["video"].Frames, sent["audio"].Frames)
	assert.ElementsMatch(t, []string{"vp8", "opus"}, p.codecs)
	// 3 s were sent; the recording lacks at most the packets still on
	// their way when Stop went out.
	assert.InDelta(t, 3.0, p.duration, 0.5, "duration of the played-back recording")
	assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*85/100, "decoded video frames")
	assert.LessOrEqual(t, video, int(sent["video"].Frames))
	assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*85/100, "decoded audio frames")

	// Again, with a second offer (an ICE restart) asked for before the
	// first was answered: the playout runs on the second.
	restarted := playToWebM(t, ctx, s, rec.Recording, true)
	replayed := mediabench.DecodedFrames(t, restarted, "v:0")
	t.Logf("played back after a restart: decoded %d video frames", replayed)
	assert.GreaterOrEqual(t, replayed, int(sent["video"].Frames)*85/100, "decoded video frames")

	// An unknown recording cannot be played.
	other, err := recordplay.Attach(ctx, s)
	require.NoError(t, err)
	_, err = other.Play(ctx, recordplay.PlayRequest{Recording: core.NumID(rec.Recording.Num() + 1)})
	require.ErrorIs(t, err, recordplay.ErrNoSuchRecording)
	require.NoError(t, s.Destroy(ctx))
}

// TestRecordPlayPause records 3 s of Opus and pauses the recording while
// the middle second is sent (from the 50th packet the source sent to the
// 100th): the file lacks about those 50 packets, and holds no gap, its
// RTP timestamps running on across the pause.
func TestRecordPlayPause(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 90*time.Second)
	src, err := native.FileSource(native.FileOptions{}, "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	h, err := recordplay.Attach(ctx, s)
	require.NoError(t, err)
	sender := namespacePeer(t)
	require.NoError(t, addTracks(src)(sender))
	rec, err := h.RecordPeer(ctx, recordplay.RecordRequest{Name: "paused", Filename: "paused"}, sender, nil)
	require.NoError(t, err)
	waitWebRTCUp(t, ctx, h.Events())

	sent := func() uint64 { return byKind(src.Stats())["audio"].Packets }
	at := func(packets uint64) {
		for sent() < packets {
			select {
			case <-ctx.Done():
				t.Fatalf("the source sent %d packets, not %d", sent(), packets)
			case <-time.After(5 * time.Millisecond): // polling the source's count
			}
		}
	}
	running := make(chan error, 1)
	go func() { running <- src.Run(ctx) }()
	// Each request takes effect between its sending and its answer.
	at(50)
	pauseSent := sent()
	_, err = h.Pause(ctx)
	require.NoError(t, err)
	pauseDone := sent()
	at(100)
	resumeSent := sent()
	_, err = h.Resume(ctx)
	require.NoError(t, err)
	resumeDone := sent()
	require.NoError(t, <-running)
	total := sent()
	_, err = h.Stop(ctx)
	require.NoError(t, err)
	_, err = h.WaitCompleted(ctx, rec.Recording)
	require.NoError(t, err)

	codec, stamps := mjrTimestamps(t, filepath.Join(srv.RecordingsDir, "paused-audio.mjr"))
	t.Logf("sent %d packets, paused at %d-%d, resumed at %d-%d; recorded %d (%s)", total, pauseSent, pauseDone, resumeSent, resumeDone, len(stamps), codec)
	assert.Equal(t, "opus", codec)
	// Packets still on their way when a request takes effect: a few.
	const inFlight = 5
	assert.GreaterOrEqual(t, len(stamps), int(total-(resumeDone-pauseSent))-inFlight, "the packets sent outside the pause are in the file")
	assert.LessOrEqual(t, len(stamps), int(total-(resumeSent-pauseDone))+inFlight, "the packets sent while paused are not")
	require.NotEmpty(t, stamps)
	span := float64(stamps[len(stamps)-1]-stamps[0]) / 48000
	t.Logf("RTP timestamps span %.2f s", span)
	assert.InDelta(t, float64(len(stamps))*0.02, span, 0.3, "no gap: the timestamps span the packets written")
}
