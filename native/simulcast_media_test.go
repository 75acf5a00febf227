package native_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/ivfwriter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/versiontest"
	"github.com/gojanus/gojanus/native"
)

// frameSize is the picture size of a received VP8 keyframe.
type frameSize struct{ W, H int }

func (s frameSize) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// vp8KeyframeSize returns the size in a VP8 RTP payload that starts a
// keyframe (RFC 7741 payload descriptor, then the RFC 6386 frame header).
func vp8KeyframeSize(payload []byte) (frameSize, bool) {
	var p codecs.VP8Packet
	frame, err := p.Unmarshal(payload)
	if err != nil || p.S != 1 || p.PID != 0 || len(frame) < 10 {
		return frameSize{}, false
	}
	if frame[0]&1 != 0 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return frameSize{}, false // an interframe, or no start code
	}
	return frameSize{int(binary.LittleEndian.Uint16(frame[6:]) & 0x3fff), int(binary.LittleEndian.Uint16(frame[8:]) & 0x3fff)}, true
}

// keyframeLog keeps the sizes of the keyframes a subscriber received,
// and how many frames had arrived before each.
type keyframeLog struct {
	mu     sync.Mutex
	sizes  []frameSize
	at     []int
	frames int
}

func (l *keyframeLog) add(s frameSize) {
	l.mu.Lock()
	l.sizes = append(l.sizes, s)
	l.at = append(l.at, l.frames)
	l.mu.Unlock()
}

// framesUntil returns how many frames arrived from the moment frames
// counted n until the first keyframe of size want, or -1 for none.
func (l *keyframeLog) framesUntil(n int, want frameSize) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, s := range l.sizes {
		if s == want && l.at[i] >= n {
			return l.at[i] - n
		}
	}
	return -1
}

func (l *keyframeLog) frameCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.frames
}

func (l *keyframeLog) frame() {
	l.mu.Lock()
	l.frames++
	l.mu.Unlock()
}

// since returns the keyframe sizes after the first n.
func (l *keyframeLog) since(n int) []frameSize {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]frameSize(nil), l.sizes[n:]...)
}

func (l *keyframeLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sizes)
}

// TestVideoRoomSimulcast publishes a three-layer VP8 simulcast into a
// VideoRoom, checks that the room announces it as simulcast, and switches
// a subscriber between substreams: the received keyframes change size,
// the plugin reports the layer change, and the recording decodes at both
// sizes.
func TestVideoRoomSimulcast(t *testing.T) {
	requireTool(t, "ffmpeg")
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
	session := func() *core.Session {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		return s
	}

	admin, err := videoroom.Attach(ctx, session())
	require.NoError(t, err)
	created, err := admin.Create(ctx, videoroom.CreateRequest{Description: "simulcast", Publishers: 2, VideoCodec: core.Codecs{core.VP8}})
	require.NoError(t, err)
	room := created.Room
	observer, _, err := videoroom.JoinPublisher(ctx, session(), videoroom.JoinRequest{Room: room, Display: "observer"})
	require.NoError(t, err)

	layers := []native.SimulcastLayer{
		{RID: "h", Width: 640, Height: 360, Bitrate: "600k"},
		{RID: "m", Width: 320, Height: 180, Bitrate: "250k"},
		{RID: "l", Width: 160, Height: 90, Bitrate: "80k"},
	}
	high, low := frameSize{640, 360}, frameSize{160, 90}
	sim, err := native.SimulcastSource(native.SimulcastOptions{Layers: layers})
	require.NoError(t, err)
	alice, pubPeer, conf := publishRunning(t, ctx, session(), room, "alice", func(p *native.Peer) error {
		_, err := sim.AddTo(p.PeerConnection())
		return err
	}, sim.Run)
	require.Len(t, conf.Streams, 1)
	assert.True(t, conf.Streams[0].Simulcast, "publish answer: %+v", conf.Streams)

	// The other participants see a simulcast video stream.
	require.Eventually(t, func() bool {
		p, ok := observer.Roster().Participant(alice.ParticipantID())
		return ok && p.Publisher && len(p.Streams) == 1 && p.Streams[0].Simulcast
	}, 10*time.Second, 20*time.Millisecond, "observer roster: %+v", observer.Roster().Participants())

	// A subscriber parses the keyframes it receives and records them.
	ks := subscribeKeyframes(t, ctx, session(), room, alice.ParticipantID())
	sub, att, keyframes := ks.sub, ks.att, ks.keyframes
	require.NotNil(t, att.Streams[0].Simulcast, "the subscription has a simulcast state: %+v", att.Streams[0])
	t.Logf("subscription: %+v, simulcast %+v", att.Streams[0], *att.Streams[0].Simulcast)
	mid := att.Streams[0].Mid
	waitWebRTCUp(t, ctx, sub.Events())

	// switchTo asks for a substream and waits for the plugin's layer
	// change and for keyframes of the expected size.
	switchTo := func(substream int, want frameSize) {
		t.Helper()
		before := keyframes.len()
		framesBefore := keyframes.frameCount()
		_, err := sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Streams: []videoroom.SubscriberConfigureStream{
			{Mid: mid, Substream: core.Ptr(substream)}}})
		require.NoError(t, err)
		waitLayerChanged(t, ctx, sub.Events(), substream)
		got := waitKeyframes(t, keyframes, before, want, fmt.Sprintf("substream %d", substream))
		waited := keyframes.framesUntil(framesBefore, want)
		t.Logf("substream %d: keyframes since the request %v; %d frames before the first at %s", substream, got, waited, want)
		if native.InProcessEncoding {
			// Janus asks the new layer for a keyframe and switches on it;
			// each layer's encoder answers its own requests with its next
			// frame, where ffmpeg's regular keyframes come every 15 frames
			// and in-process ones every 60. The count starts before the
			// request: its round trip, the PLI and the encoder's answer
			// take a few frames on a loaded machine.
			assert.LessOrEqual(t, waited, 12, "frames before the new layer's first keyframe")
		}
	}
	switchTo(0, low)
	switchTo(2, high)
	switchTo(0, low)

	ks.stop(t, ctx)
	require.NoError(t, pubPeer.Close())
	for _, st := range sim.Stats() {
		t.Logf("layer %s sent %d packets, %d frames, %d keyframes for %d keyframe requests (last waited %v, longest %v)",
			st.ID, st.Packets, st.Frames, st.Keyframes, st.KeyframeRequests, st.KeyframeDelay, st.MaxKeyframeDelay)
		assert.Positive(t, st.Frames, "layer %s", st.ID)
		if native.InProcessEncoding {
			assert.Positive(t, st.KeyframeRequests, "layer %s heard keyframe requests", st.ID)
		}
	}

	// The recording decodes, at both sizes, in the order of the switches.
	counts, runs := decodedSizes(t, ks.path)
	keyframes.mu.Lock()
	received := keyframes.frames
	keyframes.mu.Unlock()
	t.Logf("received %d frames; decoded %v, in runs %v", received, counts, runs)
	assert.Positive(t, counts[low.String()], "frames decoded at %s", low)
	assert.Positive(t, counts[high.String()], "frames decoded at %s", high)
	assert.Subset(t, runs, []string{low.String(), high.String()})
	// Going down from the top layer, Janus may pass through the middle
	// one: its frames decode too and count.
	decoded := 0
	for _, n := range counts {
		decoded += n
	}
	assert.GreaterOrEqual(t, decoded, received*9/10, "decoded frames of %d received", received)
	_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
	require.NoError(t, err)
}

// publishRunning joins room as display and publishes what add puts on a
// new peer; once Janus has the PeerConnection up, run feeds it until the
// test ends.
func publishRunning(t *testing.T, ctx context.Context, s *core.Session, room core.ID, display string,
	add func(*native.Peer) error, run func(context.Context) error) (*videoroom.Publisher, *native.Peer, *videoroom.Configured) {
	t.Helper()
	pub, peer, conf := publishWith(t, ctx, s, videoroom.JoinRequest{Room: room, Display: display}, videoroom.PublishRequest{}, add)
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- run(runCtx) }()
	t.Cleanup(func() {
		stopRun()
		<-runDone
	})
	return pub, peer, conf
}

// TestVideoRoomSwitchSubstream switches a subscription between a plain
// VP8 publisher and a simulcast one, picking the simulcast substream in
// the switch itself (Janus 1.1.4): the received keyframes are those of
// the layer asked for, and of the top layer when the switch names none.
// Older servers refuse the layer before sending, and switch to the top
// layer.
func TestVideoRoomSwitchSubstream(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv, ctx, c, s := mediaSetup(t, 60*time.Second)
	v := versiontest.Server(t, srv)
	session := func() *core.Session { return newSession(t, ctx, c) }
	admin, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)
	created, err := admin.Create(ctx, videoroom.CreateRequest{Description: "switch", Publishers: 2, VideoCodec: core.Codecs{core.VP8}})
	require.NoError(t, err)
	room := created.Room
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})

	// alice: three simulcast layers; bob: a looping 320x240 VP8 file.
	sim, err := native.SimulcastSource(native.SimulcastOptions{Layers: []native.SimulcastLayer{
		{RID: "h", Width: 640, Height: 360, Bitrate: "600k"},
		{RID: "m", Width: 320, Height: 180, Bitrate: "250k"},
		{RID: "l", Width: 160, Height: 90, Bitrate: "80k"},
	}})
	require.NoError(t, err)
	high, low, plain := frameSize{640, 360}, frameSize{160, 90}, frameSize{320, 240}
	alice, _, _ := publishRunning(t, ctx, session(), room, "alice", func(p *native.Peer) error {
		_, err := sim.AddTo(p.PeerConnection())
		return err
	}, sim.Run)
	file, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf")
	require.NoError(t, err)
	bob, _, _ := publishRunning(t, ctx, session(), room, "bob", addTracks(file), file.Run)

	// The subscription starts with bob.
	ks := subscribeKeyframes(t, ctx, session(), room, bob.ParticipantID())
	sub, keyframes, mid := ks.sub, ks.keyframes, ks.att.Streams[0].Mid
	waitKeyframes(t, keyframes, 0, plain, "bob")

	// switchTo switches the m-line to a publisher's video and waits for
	// its keyframes.
	switchTo := func(to videoroom.SwitchStream, want frameSize, what string) *videoroom.Switched {
		t.Helper()
		before := keyframes.len()
		to.Mid, to.SubMid = "0", mid
		sw, err := sub.Switch(ctx, []videoroom.SwitchStream{to})
		require.NoError(t, err)
		require.Equal(t, 1, sw.Changes, "%s", what)
		got := waitKeyframes(t, keyframes, before, want, what)
		t.Logf("%s: keyframes since the switch %v", what, got)
		return sw
	}
	lowest := videoroom.SwitchStream{Feed: alice.ParticipantID(), Substream: core.Ptr(0)}
	if v < core.V(1, 1, 4) {
		lowest.Mid, lowest.SubMid = "0", mid
		_, err := sub.Switch(ctx, []videoroom.SwitchStream{lowest})
		versiontest.RequireUnsupported(t, err, "", core.V(1, 1, 4))
	} else {
		sw := switchTo(lowest, low, "alice's substream 0")
		require.NotNil(t, sw.Streams[0].Simulcast)
		assert.Equal(t, 0, sw.Streams[0].Simulcast.SubstreamTarget)
		switchTo(videoroom.SwitchStream{Feed: bob.ParticipantID()}, plain, "bob again")
	}
	sw := switchTo(videoroom.SwitchStream{Feed: alice.ParticipantID()}, high, "alice, no substream named")
	require.NotNil(t, sw.Streams[0].Simulcast)
	assert.Equal(t, 2, sw.Streams[0].Simulcast.SubstreamTarget)

	// The recording decodes, at the sizes of every source it had.
	ks.stop(t, ctx)
	counts, runs := decodedSizes(t, ks.path)
	t.Logf("Janus %s: decoded %v, in runs %v", srv.Version, counts, runs)
	assert.Positive(t, counts[plain.String()], "frames decoded at %s", plain)
	assert.Positive(t, counts[high.String()], "frames decoded at %s", high)
	if v >= core.V(1, 1, 4) {
		assert.Positive(t, counts[low.String()], "frames decoded at %s", low)
	}
}

// decodedSizes decodes a video file with ffprobe and returns how many
// frames decoded at each size ("640x360"), and the sizes in the order
// they came (one entry per run of frames of one size).
func decodedSizes(t *testing.T, path string) (map[string]int, []string) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height",
		"-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe: %s", out)
	var runs []string
	counts := map[string]int{}
	for _, line := range strings.Fields(string(out)) {
		s := strings.Replace(strings.TrimRight(line, ","), ",", "x", 1)
		counts[s]++
		if len(runs) == 0 || runs[len(runs)-1] != s {
			runs = append(runs, s)
		}
	}
	return counts, runs
}

// keyframeSubscriber is a subscription to the VP8 video of one feed,
// recorded into an IVF file at path, with the sizes of its keyframes
// logged (recordKeyframes).
type keyframeSubscriber struct {
	sub       *videoroom.Subscriber
	att       *videoroom.Attached
	peer      *native.Peer
	path      string
	keyframes *keyframeLog
	recorded  <-chan error
}

// subscribeKeyframes subscribes to the video of feed and returns once the
// subscriber's peer is connected.
func subscribeKeyframes(t *testing.T, ctx context.Context, s *core.Session, room, feed core.ID) *keyframeSubscriber {
	t.Helper()
	ks := &keyframeSubscriber{peer: namespacePeer(t), path: filepath.Join(t.TempDir(), "video.ivf")}
	ks.keyframes, ks.recorded = recordKeyframes(ks.peer, ks.path)
	connected := waitConnected(ks.peer)
	var err error
	ks.sub, ks.att, err = videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{
		Room: room, Streams: []videoroom.SubscribeStream{{Feed: feed}}}, ks.peer, nil)
	require.NoError(t, err)
	require.Len(t, ks.att.Streams, 1)
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("subscriber not connected")
	}
	return ks
}

// stop closes the subscriber's peer and waits for the end of the
// recording.
func (ks *keyframeSubscriber) stop(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, ks.peer.Close())
	select {
	case err := <-ks.recorded:
		require.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("recording did not end")
	}
}

// recordKeyframes records the VP8 video a subscriber's peer receives
// into an IVF file at path, and logs the sizes of its keyframes. The
// channel gives the end of the recording (when the peer closes).
func recordKeyframes(peer *native.Peer, path string) (*keyframeLog, <-chan error) {
	keyframes := &keyframeLog{}
	recorded := make(chan error, 1)
	peer.PeerConnection().OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		w, err := ivfwriter.New(path, ivfwriter.WithCodec(webrtc.MimeTypeVP8))
		if err != nil {
			recorded <- err
			return
		}
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				recorded <- w.Close()
				return
			}
			if size, ok := vp8KeyframeSize(pkt.Payload); ok {
				keyframes.add(size)
			}
			if pkt.Marker {
				keyframes.frame()
			}
			if err := w.WriteRTP(pkt); err != nil {
				recorded <- err
				return
			}
		}
	})
	return keyframes, recorded
}

// waitKeyframes waits until, after the first before keyframes, keyframes
// of size want arrive (three of them), and checks that every keyframe
// from the first of them on has that size: Janus switches to a new
// source or layer on one of its keyframes. It returns the keyframe sizes
// since before.
func waitKeyframes(t *testing.T, keyframes *keyframeLog, before int, want frameSize, what string) []frameSize {
	t.Helper()
	require.Eventually(t, func() bool {
		got := keyframes.since(before)
		first := slices.Index(got, want)
		return first >= 0 && len(got)-first >= 3
	}, 30*time.Second, 20*time.Millisecond, "keyframes after switching to %s: %v", what, keyframes.since(before))
	got := keyframes.since(before)
	for _, later := range got[slices.Index(got, want):] {
		assert.Equal(t, want, later, "%s keyframes: %v", what, got)
	}
	return got
}

// waitLayerChanged reads events until the plugin reports that the
// subscription now relays substream.
func waitLayerChanged(t *testing.T, ctx context.Context, events <-chan core.Event, substream int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "event stream ended")
			if lc, ok := ev.(*videoroom.LayerChanged); ok && lc.Substream != nil {
				t.Logf("layer changed: substream %d (mid %s)", *lc.Substream, lc.Mid)
				if *lc.Substream == substream {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no layer change to substream %d", substream)
		case <-ctx.Done():
			t.Fatalf("no layer change to substream %d", substream)
		}
	}
}
