package native_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
)

// remoteCandidates lists the remote candidates pion's ICE agent holds,
// as "type ip:port".
func remoteCandidates(pc *webrtc.PeerConnection) []string {
	var out []string
	for _, s := range pc.GetStats() {
		if c, ok := s.(webrtc.ICECandidateStats); ok && c.Type == webrtc.StatsTypeRemoteCandidate {
			out = append(out, fmt.Sprintf("%s %s:%d", c.CandidateType, c.IP, c.Port))
		}
	}
	slices.Sort(out)
	return out
}

// TestPeerKeepsEarlyCandidates adds a server candidate before the server's
// offer, as a full-trickle Janus sends them: the Peer keeps it and adds it
// with the offer.
func TestPeerKeepsEarlyCandidates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	server, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	require.NoError(t, err)
	defer server.Close()
	_, err = server.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	require.NoError(t, err)
	offer, err := server.CreateOffer(nil)
	require.NoError(t, err)

	p, err := native.NewPeer(native.PeerConfig{})
	require.NoError(t, err)
	defer p.Close()
	// 192.0.2.0/24 is TEST-NET-1: nothing answers there.
	early := core.Candidate{Candidate: "candidate:1 1 udp 2015363327 192.0.2.1 42 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)}
	require.NoError(t, p.AddRemoteCandidate(early), "a candidate before the offer")
	require.NoError(t, p.AddRemoteCandidate(core.Candidate{Completed: true}))
	assert.Empty(t, remoteCandidates(p.PeerConnection()))

	require.NoError(t, p.SetRemoteDescription(ctx, &core.JSEP{Type: "offer", SDP: offer.SDP}))
	later := core.Candidate{Candidate: "candidate:2 1 udp 2015363327 192.0.2.2 43 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)}
	require.NoError(t, p.AddRemoteCandidate(later), "a candidate after the offer")
	want := []string{"host 192.0.2.1:42", "host 192.0.2.2:43"}
	require.Eventually(t, func() bool { return slices.Equal(remoteCandidates(p.PeerConnection()), want) },
		5*time.Second, 10*time.Millisecond, "remote candidates %v, want %v", remoteCandidates(p.PeerConnection()), want)
}

// TestPeerEnded: Ended closes when the remote goes away (ICE fails: the
// test's ICE timeouts are short) and on a local Close, with EndState
// "closed"; not while the connection is up. Two peers over loopback.
func TestPeerEnded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := native.NewPeer(whiptest.LoopbackPeer())
	require.NoError(t, err)
	defer a.Close()
	bConfig := whiptest.LoopbackPeer()
	bConfig.SettingEngine.SetICETimeouts(500*time.Millisecond, 500*time.Millisecond, 100*time.Millisecond)
	b, err := native.NewPeer(bConfig)
	require.NoError(t, err)
	defer b.Close()
	_, err = a.PeerConnection().CreateDataChannel("x", nil) // something to connect
	require.NoError(t, err)
	a.OnLocalCandidate(func(c core.Candidate) { _ = b.AddRemoteCandidate(c) })
	b.OnLocalCandidate(func(c core.Candidate) { _ = a.AddRemoteCandidate(c) })
	up := make(chan struct{})
	var once sync.Once
	b.OnStateChange(func(st string) {
		if st == "connected" {
			once.Do(func() { close(up) })
		}
	})
	offer, err := a.CreateOffer(ctx)
	require.NoError(t, err)
	require.NoError(t, b.SetRemoteDescription(ctx, offer))
	answer, err := b.CreateAnswer(ctx)
	require.NoError(t, err)
	require.NoError(t, a.SetRemoteDescription(ctx, answer))
	select {
	case <-up:
	case <-ctx.Done():
		t.Fatal("the peers did not connect")
	}
	select {
	case <-b.Ended():
		t.Fatalf("ended while connected (%s)", b.EndState())
	default:
	}
	assert.Empty(t, b.EndState())

	require.NoError(t, a.Close()) // the remote goes away
	select {
	case <-a.Ended():
		assert.Equal(t, "closed", a.EndState(), "a local Close")
	case <-ctx.Done():
		t.Fatal("Close did not end the peer")
	}
	select {
	case <-b.Ended():
	case <-ctx.Done():
		t.Fatalf("the remote's end did not end the peer (state %s)", b.PeerConnection().ConnectionState())
	}
	// "failed" when ICE gives up; "closed" when pion reads the remote's
	// close first (its SCTP association, here on the data channel).
	assert.Contains(t, []string{"failed", "closed"}, b.EndState())
}

// TestAnswerPrefersTheSentCodec: an offer that lists PCMU and PCMA before
// Opus (as baresip's does) is answered with Opus first when the peer sends
// an Opus track (a SIP peer takes the answer's first codec for both
// directions), and with the offer's order by a peer that sends nothing.
// Video: VP8 first when sending VP8, its retransmission codec right after.
func TestAnswerPrefersTheSentCodec(t *testing.T) {
	me := &webrtc.MediaEngine{}
	for _, c := range []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, PayloadType: 0},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMA, ClockRate: 8000}, PayloadType: 8},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, PayloadType: 111},
	} {
		require.NoError(t, me.RegisterCodec(c, webrtc.RTPCodecTypeAudio))
	}
	for _, c := range []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, PayloadType: 102},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: "apt=102"}, PayloadType: 103},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, PayloadType: 96},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: "apt=96"}, PayloadType: 97},
	} {
		require.NoError(t, me.RegisterCodec(c, webrtc.RTPCodecTypeVideo))
	}
	offerer, err := webrtc.NewAPI(webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{})
	require.NoError(t, err)
	defer offerer.Close()
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		_, err = offerer.AddTransceiverFromKind(kind)
		require.NoError(t, err)
	}
	offer, err := offerer.CreateOffer(nil)
	require.NoError(t, err)

	answer := func(t *testing.T, tracks ...webrtc.TrackLocal) (audio, video []string) {
		p, err := native.NewPeer(native.PeerConfig{})
		require.NoError(t, err)
		defer p.Close()
		for _, tr := range tracks {
			_, err := p.AddTrack(tr)
			require.NoError(t, err)
		}
		require.NoError(t, p.SetRemoteDescription(t.Context(), &core.JSEP{Type: "offer", SDP: offer.SDP}))
		ans, err := p.CreateAnswer(t.Context())
		require.NoError(t, err)
		for _, line := range strings.Split(ans.SDP, "\r\n") {
			if f := strings.Fields(line); len(f) > 3 && f[0] == "m=audio" {
				audio = f[3:]
			} else if len(f) > 3 && f[0] == "m=video" {
				video = f[3:]
			}
		}
		return audio, video
	}

	audio, video := answer(t)
	assert.Equal(t, []string{"0", "8", "111"}, audio, "nothing sent: the offer's order")
	require.NotEmpty(t, video)
	assert.Equal(t, "102", video[0], "nothing sent: the offer's H.264 first")

	opus, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "a", "s")
	require.NoError(t, err)
	vp8, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "v", "s")
	require.NoError(t, err)
	audio, video = answer(t, opus, vp8)
	assert.Equal(t, []string{"111", "0", "8"}, audio, "the sent Opus first")
	assert.Equal(t, []string{"96", "97", "102", "103"}, video, "the sent VP8 first, with its RTX")
}
