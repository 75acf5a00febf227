package native_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// listener is a receive-only AudioBridge participant over WebRTC that
// records the mix it gets.
type listener struct {
	h      *audiobridge.Handle
	joined *audiobridge.Joined
	id     core.ID
	peer   *native.Peer
	path   string // the recording
	rec    *native.TrackRecorder
}

// listen joins room with a receive-only native peer and waits for the
// mix (the mixer sends every participant silence from the start).
func listen(t *testing.T, ctx context.Context, c *core.Client, room core.ID, name string) *listener {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := audiobridge.Attach(ctx, s)
	require.NoError(t, err)
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	_, err = pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	require.NoError(t, err)
	recorded := make(chan *native.TrackRecorder, 1)
	path := filepath.Join(t.TempDir(), name+".ogg")
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		r, err := native.RecordTrack(pc, tr, path, 0)
		if assert.NoError(t, err) {
			recorded <- r
		}
	})
	j, err := h.JoinPeer(ctx, audiobridge.JoinRequest{Room: room, Display: name}, peer, nil)
	require.NoError(t, err)
	l := &listener{h: h, joined: j, id: j.Participant, peer: peer, path: path}
	select {
	case l.rec = <-recorded:
	case <-ctx.Done():
		t.Fatalf("%s received no audio from the mixer", name)
	}
	return l
}

func (l *listener) frames() uint64 { return l.rec.Stats().Frames }

// TestAudioBridgeSuspendResume suspends a WebRTC participant (Janus 1.2.1
// and later): its mix stops while another participant's goes on, and
// flows again after Resume. Against an older Janus it checks the
// core.ErrUnsupported error, which comes before anything is sent.
func TestAudioBridgeSuspendResume(t *testing.T) {
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
	mod, err := audiobridge.Attach(ctx, s)
	require.NoError(t, err)
	room, err := mod.Create(ctx, audiobridge.CreateRequest{Description: "suspend test", SamplingRate: 48000, Secret: "s"})
	require.NoError(t, err)
	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 2, 1) {
		err := mod.Suspend(ctx, audiobridge.SuspendRequest{Room: room.Room, Secret: "s", Participant: core.NumID(1)})
		require.ErrorIs(t, err, core.ErrUnsupported)
		return
	}

	// B gets suspended; C, never suspended, is the clock: 50 of its mix
	// frames are a second of mixing.
	b := listen(t, ctx, c, room.Room, "B")
	cl := listen(t, ctx, c, room.Room, "C")
	require.NoError(t, mod.Suspend(ctx, audiobridge.SuspendRequest{Room: room.Room, Secret: "s", Participant: b.id}))
	ps, err := mod.ListParticipants(ctx, room.Room)
	require.NoError(t, err)
	for _, p := range ps {
		assert.Equal(t, p.ID == b.id, p.Suspended, "participant %v", p.ID)
	}
	bFrom, cFrom := b.frames(), cl.frames()
	waitCounts(t, ctx, "C's mix while B is suspended", map[string]uint64{"audio": cFrom + 50},
		func() map[string]uint64 { return map[string]uint64{"audio": cl.frames()} })
	require.GreaterOrEqual(t, cl.frames(), cFrom+50, "C's mix went on")
	bSuspended := b.frames() - bFrom
	t.Logf("while C got %d mix frames, suspended B got %d", cl.frames()-cFrom, bSuspended)
	// Frames already on their way when Suspend was answered (in Janus, the
	// socket, B's reader) still count: up to 200 ms of them, against the
	// 50 a participant still mixed would get.
	assert.LessOrEqual(t, bSuspended, uint64(10), "no mix for a suspended participant (a few frames on their way aside)")

	require.NoError(t, mod.Resume(ctx, audiobridge.ResumeRequest{Room: room.Room, Secret: "s", Participant: b.id}))
	bFrom = b.frames()
	waitCounts(t, ctx, "B's mix after Resume", map[string]uint64{"audio": bFrom + 50},
		func() map[string]uint64 { return map[string]uint64{"audio": b.frames()} })
	assert.GreaterOrEqual(t, b.frames(), bFrom+50, "B's mix flows again")
	require.NoError(t, b.peer.Close())
	require.NoError(t, cl.peer.Close())
	_, err = mod.Destroy(ctx, audiobridge.DestroyRequest{Room: room.Room, Secret: "s"})
	require.NoError(t, err)
}
