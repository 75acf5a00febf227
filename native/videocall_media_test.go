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
	"golang.org/x/sync/errgroup"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videocall"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// callParty is one side of a VideoCall: a registered handle, a peer that
// sends a file source and records what it receives.
type callParty struct {
	name      string
	h         *videocall.Handle
	peer      *native.Peer
	src       native.Source
	dir       string
	connected <-chan struct{}

	mu   sync.Mutex
	recs map[string]*native.TrackRecorder
}

// recorded returns what each of p's recorders received so far.
func (p *callParty) recorded() []native.TrackStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return statsOf(maps.Values(p.recs))
}

func newCallParty(t *testing.T, ctx context.Context, c *core.Client, name string) *callParty {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := videocall.Attach(ctx, s)
	require.NoError(t, err)
	_, err = h.Register(ctx, name)
	require.NoError(t, err)
	src, err := native.FileSource(native.FileOptions{StreamID: name},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	p := &callParty{name: name, h: h, peer: namespacePeer(t), src: src, dir: t.TempDir(), recs: map[string]*native.TrackRecorder{}}
	pc := p.peer.PeerConnection()
	for _, tr := range src.Tracks() {
		_, err := p.peer.AddTrack(tr)
		require.NoError(t, err)
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		file := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			file = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(p.dir, file), 0)
		if assert.NoError(t, err, "%s records %s", name, file) {
			p.mu.Lock()
			p.recs[file] = r
			p.mu.Unlock()
		}
	})
	p.connected = waitConnected(p.peer)
	t.Cleanup(func() { _ = s.Destroy(context.WithoutCancel(ctx)) })
	return p
}

// nextCallEvent reads p's events until one of type T, skipping core
// events (webrtcup, media, ...) and failing on other VideoCall events.
func nextCallEvent[T core.Event](t *testing.T, ctx context.Context, p *callParty) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-p.h.Events():
			require.True(t, ok, "%s: event stream closed", p.name)
			if want, ok := ev.(T); ok {
				return want
			}
			switch ev := ev.(type) {
			case *core.PluginEvent:
				t.Fatalf("%s: unexpected plugin event %s", p.name, ev.Data)
			case *videocall.Hangup, *videocall.IncomingCall, *videocall.Accepted, *videocall.Update, *core.Hangup:
				t.Fatalf("%s: unexpected %T %+v", p.name, ev, ev)
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("%s: no %T", p.name, zero)
		}
	}
}

// TestVideoCallMedia calls bob from alice with the negotiation flows of
// package videocall: both send VP8 + Opus from files and record what
// they receive, and the recordings decode; a renegotiation goes through
// before the media, and the hangup reaches both sides as typed events.
func TestVideoCallMedia(t *testing.T) {
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
	alice := newCallParty(t, ctx, c, "alice")
	bob := newCallParty(t, ctx, c, "bob")
	trickleErr := func(err error) { t.Logf("trickle: %v", err) }

	// Alice calls, Bob accepts, Alice applies Janus's answer.
	_, err = alice.h.CallPeer(ctx, bob.name, alice.peer, trickleErr)
	require.NoError(t, err)
	in := nextCallEvent[*videocall.IncomingCall](t, ctx, bob)
	assert.Equal(t, alice.name, in.Username)
	require.NoError(t, bob.h.AcceptPeer(ctx, in, bob.peer, trickleErr))
	acc := nextCallEvent[*videocall.Accepted](t, ctx, alice)
	assert.Equal(t, bob.name, acc.Username)
	require.NoError(t, alice.h.Answered(ctx, acc, alice.peer))

	for _, p := range []*callParty{alice, bob} {
		select {
		case <-p.connected:
		case <-ctx.Done():
			t.Fatalf("%s not connected", p.name)
		}
		waitWebRTCUp(t, ctx, p.h.Events())
	}

	// Alice renegotiates: Bob answers Janus's offer, Alice applies the
	// answer; the media below flows on the renegotiated call.
	_, err = alice.h.RenegotiatePeer(ctx, videocall.SetRequest{}, alice.peer)
	require.NoError(t, err)
	up := nextCallEvent[*videocall.Update](t, ctx, bob)
	require.NotNil(t, up.JSEP)
	assert.Equal(t, "offer", up.JSEP.Type)
	require.NoError(t, bob.h.UpdatePeer(ctx, up, bob.peer))
	up = nextCallEvent[*videocall.Update](t, ctx, alice)
	require.NotNil(t, up.JSEP)
	assert.Equal(t, "answer", up.JSEP.Type)
	require.NoError(t, alice.h.UpdatePeer(ctx, up, alice.peer))

	// Both send at once.
	var g errgroup.Group
	for _, p := range []*callParty{alice, bob} {
		g.Go(func() error { return p.src.Run(ctx) })
	}
	require.NoError(t, g.Wait())
	// The last packets arrive: each side received every frame the other sent.
	for _, pair := range [][2]*callParty{{alice, bob}, {bob, alice}} {
		from, to := pair[0], pair[1]
		waitCounts(t, ctx, from.name+" -> "+to.name, kindCounts(from.src.Stats(), frames), func() map[string]uint64 {
			return kindCounts(to.recorded(), frames)
		})
	}

	// Alice hangs up: her answer, Bob's event with her reason, and the
	// "Remote WebRTC hangup" of each PeerConnection reach them typed.
	hu, err := alice.h.HangupCall(ctx, "bye")
	require.NoError(t, err)
	assert.Equal(t, videocall.ReasonExplicit, hu.Reason)
	// Bob gets Alice's reason and, when his PeerConnection closes, Janus's
	// own; Janus sends the two in either order, from different threads.
	callHangups(t, ctx, bob, alice.name, "bye")
	callHangups(t, ctx, alice, bob.name, videocall.ReasonRemoteWebRTC)

	for _, p := range []*callParty{alice, bob} {
		require.NoError(t, p.peer.Close())
	}
	for _, pair := range [][2]*callParty{{alice, bob}, {bob, alice}} {
		from, to := pair[0], pair[1]
		sent := map[string]native.TrackStats{}
		for _, st := range from.src.Stats() {
			sent[st.Kind] = st
		}
		to.mu.Lock()
		require.Len(t, to.recs, 2, "%s got audio and video", to.name)
		for file, r := range to.recs {
			require.NoError(t, r.Wait(ctx))
			t.Logf("%s received %s: %+v", to.name, file, r.Stats())
		}
		to.mu.Unlock()
		video := ffprobeFrames(t, filepath.Join(to.dir, "video.ivf"))
		audio := ffprobeFrames(t, filepath.Join(to.dir, "audio.ogg"))
		t.Logf("%s -> %s: decoded %d of %d video frames, %d of %d audio frames",
			from.name, to.name, video, sent["video"].Frames, audio, sent["audio"].Frames)
		assertThreeSecondsOfVideo(t, sent["video"])
		assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*9/10, "%s -> %s video", from.name, to.name)
		assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*9/10, "%s -> %s audio", from.name, to.name)
	}
}

// callHangups reads p's events until both the *core.Hangup of its
// PeerConnection and a *videocall.Hangup from user with reason arrived
// (failing at the end of ctx).
func callHangups(t *testing.T, ctx context.Context, p *callParty, user, reason string) {
	t.Helper()
	var got []*videocall.Hangup
	var pcHangup, wanted bool
	for !pcHangup || !wanted {
		select {
		case ev, ok := <-p.h.Events():
			require.True(t, ok, "%s: event stream closed", p.name)
			switch ev := ev.(type) {
			case *videocall.Hangup:
				t.Logf("%s: hangup from %q: %s", p.name, ev.Username, ev.Reason)
				got = append(got, ev)
				wanted = wanted || (ev.Username == user && ev.Reason == reason)
			case *core.Hangup:
				t.Logf("%s: PeerConnection hangup: %s", p.name, ev.Reason)
				pcHangup = true
			case *core.PluginEvent:
				t.Fatalf("%s: unexpected plugin event %s", p.name, ev.Data)
			}
		case <-ctx.Done():
			t.Fatalf("%s: no hangup from %q with %q and a PeerConnection hangup (%v) in time; hangups: %+v",
				p.name, user, reason, pcHangup, got)
		}
	}
}
