package native_test

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/pion/ice/v4"
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

// namespacePeerWithMedia is namespacePeer with a MediaEngine of its own.
func namespacePeerWithMedia(t *testing.T, me *webrtc.MediaEngine) *native.Peer {
	t.Helper()
	se := &webrtc.SettingEngine{}
	se.SetInterfaceFilter(func(name string) bool { return name == netns.Interface })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	p, err := native.NewPeer(native.PeerConfig{SettingEngine: se, MediaEngine: me})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// ffmpegVolume returns the mean and max volume (dBFS) ffmpeg measures in
// a file.
func ffmpegVolume(t *testing.T, path string) (mean, peak float64) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-i", path, "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	require.NoError(t, err, "ffmpeg volumedetect %s: %s", path, out)
	get := func(name string) float64 {
		m := regexp.MustCompile(name + `: (-?[0-9.]+|-inf) dB`).FindSubmatch(out)
		require.NotNil(t, m, "no %s in %s", name, out)
		if string(m[1]) == "-inf" {
			return -200
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		require.NoError(t, err)
		return v
	}
	return get("mean_volume"), get("max_volume")
}

// TestAudioBridgeMixRecorded joins two native participants to an
// AudioBridge room with JoinPeer: A plays an Opus file with the audio
// level extension, B records the mix it receives. B's recording decodes,
// carries A's tone, and B (like A) is told that A is talking.
func TestAudioBridgeMixRecorded(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	const file = "../testdata/media/opus-440hz-3s.ogg"
	if !netns.Run(t) {
		return
	}
	// The level A announces is measured from the file (RFC 6464 levels are
	// -dBov): a sine at -21 dBFS is level 21, below the plugin's default
	// talking threshold of 25.
	mean, _ := ffmpegVolume(t, file)
	level := uint8(min(127, max(0, -mean+0.5)))
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	attach := func() *audiobridge.Handle {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		h, err := audiobridge.Attach(ctx, s)
		require.NoError(t, err)
		return h
	}

	admin := attach()
	room, err := admin.Create(ctx, audiobridge.CreateRequest{Description: "media test", SamplingRate: 48000,
		AudioLevelEvent: true, AudioActivePackets: 25})
	require.NoError(t, err)

	// B only listens: a receive-only audio transceiver, recorded; the
	// mixer sends it (silence) from the start.
	b := listen(t, ctx, c, room.Room, "B")
	eventsB := logPluginEvents(b.h.Events())
	joinedB, peerB, recB, mixPath := b.joined, b.peer, b.rec, b.path
	assert.Empty(t, joinedB.Participants)
	eventsB.await(t, ctx, "webrtcup for B", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })

	// A plays the file, announcing its level in every packet.
	me := &webrtc.MediaEngine{}
	require.NoError(t, me.RegisterDefaultCodecs())
	require.NoError(t, native.RegisterAudioLevel(me))
	src, err := native.FileSource(native.FileOptions{}, file)
	require.NoError(t, err)
	ha := attach()
	eventsA := logPluginEvents(ha.Events())
	peerA := namespacePeerWithMedia(t, me)
	_, err = peerA.AddTrack(native.WithAudioLevel(src.Tracks()[0], func() uint8 { return level }))
	require.NoError(t, err)
	connectedA := waitConnected(peerA)
	joinedA, err := ha.JoinPeer(ctx, audiobridge.JoinRequest{Room: room.Room, Display: "A"}, peerA, nil)
	require.NoError(t, err)
	require.Len(t, joinedA.Participants, 1)
	assert.Equal(t, joinedB.Participant, joinedA.Participants[0].ID)
	assert.Contains(t, joinedA.JSEP.SDP, native.AudioLevelURI, "the plugin negotiated the audio level extension")
	select {
	case <-connectedA:
	case <-ctx.Done():
		t.Fatal("A not connected")
	}
	eventsA.await(t, ctx, "webrtcup for A", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })
	eventsB.await(t, ctx, "A joined", func(ev core.Event) bool {
		pj, ok := ev.(*audiobridge.ParticipantsJoined)
		return ok && len(pj.Participants) == 1 && pj.Participants[0].ID == joinedA.Participant
	})

	before := recB.Stats().Frames
	require.NoError(t, src.Run(ctx))
	during := recB.Stats().Frames - before
	sent := src.Stats()[0].Frames

	isTalking := func(ev core.Event) bool {
		tk, ok := ev.(*audiobridge.Talking)
		return ok && tk.Participant == joinedA.Participant && tk.Room == room.Room
	}
	// Janus decides every 25 packets (0.5 s) from the levels A sent.
	tctx, tcancel := context.WithTimeout(ctx, 10*time.Second)
	defer tcancel()
	eventsB.await(t, tctx, "talking (A) for B", isTalking)
	eventsA.await(t, tctx, "talking (A) for A", isTalking)

	// A renegotiates its PeerConnection with a new offer and a new name.
	require.NoError(t, ha.ConfigurePeer(ctx, audiobridge.ConfigureRequest{Display: "A2"}, peerA))
	eventsB.await(t, ctx, "A renamed", func(ev core.Event) bool {
		pu, ok := ev.(*audiobridge.ParticipantsUpdated)
		return ok && len(pu.Participants) == 1 && pu.Participants[0].ID == joinedA.Participant && pu.Participants[0].Display == "A2"
	})

	// A leaves (its PeerConnection stays up until closed).
	left, err := ha.Leave(ctx)
	require.NoError(t, err)
	assert.Equal(t, joinedA.Participant, left.Participant)
	eventsB.await(t, ctx, "A left", func(ev core.Event) bool {
		l, ok := ev.(*audiobridge.Leaving)
		return ok && l.Participant == joinedA.Participant
	})
	require.NoError(t, peerA.Close())
	require.NoError(t, peerB.Close())
	require.NoError(t, recB.Wait(ctx))
	received := recB.Stats()
	decoded := ffprobeFrames(t, mixPath)
	mixMean, mixMax := ffmpegVolume(t, mixPath)
	t.Logf("A sent %d Opus frames at level %d; B received %d mix frames while A played, %d in all (decoded %d), mean %.1f dB, max %.1f dB",
		sent, level, during, received.Frames, decoded, mixMean, mixMax)

	// The mixer sends every 20 ms: B got as many frames while A played as
	// A sent, and every frame B got decodes.
	assert.GreaterOrEqual(t, during, sent*9/10, "mix frames while A played")
	assert.GreaterOrEqual(t, decoded, int(received.Frames)*95/100, "decoded mix frames")
	// The mix carries A's tone (-18 dBFS peaks in the file); silence is
	// below -90 dB.
	assert.Greater(t, mixMax, -30.0, "A's tone in B's mix")

	_, err = admin.Destroy(ctx, audiobridge.DestroyRequest{Room: room.Room})
	require.NoError(t, err)
}
