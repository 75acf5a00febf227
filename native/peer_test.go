package native_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
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
