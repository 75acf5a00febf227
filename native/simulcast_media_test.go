package native_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"path/filepath"
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
	alice, _, err := videoroom.JoinPublisher(ctx, session(), videoroom.JoinRequest{Room: room, Display: "alice"})
	require.NoError(t, err)
	pubPeer := namespacePeer(t)
	_, err = sim.AddTo(pubPeer.PeerConnection())
	require.NoError(t, err)
	pubConnected := waitConnected(pubPeer)
	conf, err := alice.PublishPeer(ctx, pubPeer, videoroom.PublishRequest{}, nil)
	require.NoError(t, err)
	require.Len(t, conf.Streams, 1)
	assert.True(t, conf.Streams[0].Simulcast, "publish answer: %+v", conf.Streams)
	select {
	case <-pubConnected:
	case <-ctx.Done():
		t.Fatal("publisher not connected")
	}
	waitWebRTCUp(t, ctx, alice.Events())
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- sim.Run(runCtx) }()
	defer func() {
		stopRun()
		<-runDone
	}()

	// The other participants see a simulcast video stream.
	require.Eventually(t, func() bool {
		p, ok := observer.Roster().Participant(alice.ParticipantID())
		return ok && p.Publisher && len(p.Streams) == 1 && p.Streams[0].Simulcast
	}, 10*time.Second, 20*time.Millisecond, "observer roster: %+v", observer.Roster().Participants())

	// A subscriber parses the keyframes it receives and records them.
	dir := t.TempDir()
	ivfPath := filepath.Join(dir, "video.ivf")
	var keyframes keyframeLog
	recorded := make(chan error, 1)
	subPeer := namespacePeer(t)
	subPC := subPeer.PeerConnection()
	subPC.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		w, err := ivfwriter.New(ivfPath, ivfwriter.WithCodec(webrtc.MimeTypeVP8))
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
	subConnected := waitConnected(subPeer)
	sub, att, err := videoroom.SubscribePeer(ctx, session(), videoroom.SubscribeRequest{
		Room: room, Streams: []videoroom.SubscribeStream{{Feed: alice.ParticipantID()}}}, subPeer, nil)
	require.NoError(t, err)
	require.Len(t, att.Streams, 1)
	require.NotNil(t, att.Streams[0].Simulcast, "the subscription has a simulcast state: %+v", att.Streams[0])
	t.Logf("subscription: %+v, simulcast %+v", att.Streams[0], *att.Streams[0].Simulcast)
	mid := att.Streams[0].Mid
	select {
	case <-subConnected:
	case <-ctx.Done():
		t.Fatal("subscriber not connected")
	}
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
		// Janus switches on a keyframe of the new substream: from then on
		// every keyframe has the new size.
		require.Eventually(t, func() bool {
			got := keyframes.since(before)
			first := -1
			for i, s := range got {
				if s == want {
					first = i
					break
				}
			}
			return first >= 0 && len(got)-first >= 3
		}, 10*time.Second, 20*time.Millisecond, "keyframes after switching to substream %d: %v", substream, keyframes.since(before))
		got := keyframes.since(before)
		for i, s := range got {
			if s == want {
				for _, later := range got[i:] {
					assert.Equal(t, want, later, "substream %d keyframes: %v", substream, got)
				}
				break
			}
		}
		waited := keyframes.framesUntil(framesBefore, want)
		t.Logf("substream %d: keyframes since the request %v; %d frames before the first at %s", substream, got, waited, want)
		if native.InProcessEncoding {
			// Janus asks the new layer for a keyframe and switches on it;
			// each layer's encoder answers its own requests with its next
			// frame, where ffmpeg's regular keyframes come every 15 frames
			// and in-process ones every 60.
			assert.LessOrEqual(t, waited, 6, "frames before the new layer's first keyframe")
		}
	}
	switchTo(0, low)
	switchTo(2, high)
	switchTo(0, low)

	require.NoError(t, subPeer.Close())
	select {
	case err := <-recorded:
		require.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("recording did not end")
	}
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
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height",
		"-of", "csv=p=0", ivfPath).CombinedOutput()
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
