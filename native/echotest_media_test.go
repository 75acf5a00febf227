package native_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// namespacePeer returns a Peer that gathers only on the namespace's
// interface, IPv4 UDP, without mDNS (mediabench.Peer).
func namespacePeer(t *testing.T) *native.Peer {
	t.Helper()
	return mediabench.Peer(t)
}

// TestEchoTestRTPRoundTrip sends real RTP through Janus's EchoTest over
// WebRTC and counts the packets that come back.
func TestEchoTestRTPRoundTrip(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 60*time.Second)
	h, err := echotest.Attach(ctx, s)
	require.NoError(t, err)

	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "gojanus")
	require.NoError(t, err)
	_, err = peer.AddTrack(track)
	require.NoError(t, err)
	var echoed atomic.Int64
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			echoed.Add(1)
		}
	})
	echoConnect(t, ctx, h, peer, echotest.ConfigureRequest{Audio: core.Ptr(true)})
	const sent = 150 // 3 s of 20 ms packets
	payload := make([]byte, 60)
	for i := range sent {
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(i), Timestamp: uint32(i * 960), Marker: i == 0}, Payload: payload}
		require.NoError(t, track.WriteRTP(pkt))
		time.Sleep(20 * time.Millisecond) // the send rate: one packet per 20 ms, as audio; not a wait
	}
	require.Eventually(t, func() bool { return echoed.Load() >= sent*9/10 }, 5*time.Second, 50*time.Millisecond,
		"echoed %d of %d", echoed.Load(), sent)
	t.Logf("sent %d RTP packets, %d echoed back through Janus", sent, echoed.Load())

	// Janus reported audio flowing.
	var media bool
	deadline := time.After(5 * time.Second)
	for !media {
		select {
		case ev := <-h.Events():
			if ev, ok := ev.(*core.Media); ok {
				media = ev.Type == "audio" && ev.Receiving
			}
		case <-deadline:
			t.Fatal("no media event")
		}
	}
	assert.NoError(t, peer.Close())
	require.NoError(t, s.Destroy(ctx))
}
