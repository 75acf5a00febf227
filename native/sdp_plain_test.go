package native_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/native"
)

// janusPlainOffer is the shape of the NoSIP plugin's plain offer for a
// WebRTC offer of VP8 (among others) and Opus.
const janusPlainOffer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=video 10002 RTP/AVP 96 97 98\r\nc=IN IP4 127.0.0.2\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=rtpmap:98 VP9/90000\r\n" +
	"m=audio 10000 RTP/SAVP 111 0\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n" +
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"

func TestParsePlainSDP(t *testing.T) {
	media, err := native.ParsePlainSDP(janusPlainOffer)
	require.NoError(t, err)
	assert.Equal(t, []native.PlainMedia{
		{Kind: "video", Port: 10002, Address: "127.0.0.2", Proto: "RTP/AVP", PayloadTypes: map[string]string{"vp8/90000": "96", "rtx/90000": "97", "vp9/90000": "98"}},
		{Kind: "audio", Port: 10000, Address: "127.0.0.1", Proto: "RTP/SAVP", PayloadTypes: map[string]string{"opus/48000/2": "111", "pcmu/8000": "0"}},
		{Kind: "application", Port: 9, Address: "127.0.0.1", Proto: "UDP/DTLS/SCTP", PayloadTypes: map[string]string{}},
	}, media)

	for _, bad := range []string{"v=0\r\nm=audio\r\n", "v=0\r\nm=audio x RTP/AVP 0\r\n", "v=0\r\nc=IN IP4\r\n"} {
		_, err = native.ParsePlainSDP(bad)
		assert.Error(t, err, bad)
	}
}

func TestPlainSDP(t *testing.T) {
	media, err := native.ParsePlainSDP(janusPlainOffer)
	require.NoError(t, err)
	got := native.PlainSDP(media, map[string]int{"video": 5004, "audio": 5006},
		map[string]string{"video": "VP8/90000", "audio": "opus/48000/2"}, "recvonly")
	assert.Equal(t, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=gojanus\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=video 5004 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=recvonly\r\n"+
		"m=audio 5006 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=recvonly\r\n"+
		"m=application 0 UDP/DTLS/SCTP 0\r\n", got)

	// A codec the m-line does not offer, or no port: rejected.
	got = native.PlainSDP(media, map[string]int{"video": 5004}, map[string]string{"video": "H264/90000", "audio": "opus/48000/2"}, "sendonly")
	assert.Contains(t, got, "m=video 0 RTP/AVP 96\r\n")
	assert.Contains(t, got, "m=audio 0 RTP/SAVP 0\r\n")
	assert.NotContains(t, got, "a=sendonly")
}

func TestFreeRTPPortsAndWaitUDPListeners(t *testing.T) {
	ports, err := native.FreeRTPPorts(3)
	require.NoError(t, err)
	require.Len(t, ports, 3)
	for _, p := range ports {
		assert.Zero(t, p%2, "even RTP port %d", p)
	}
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(ports))), 3, "distinct ports")

	// Nothing listens: the wait ends with ctx, naming the ports.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = native.WaitUDPListeners(ctx, ports[0], ports[1])
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), fmt.Sprint([]int{ports[0], ports[1]}))

	// A receiver on both: the wait ends at once.
	for _, p := range ports[:2] {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
		require.NoError(t, err)
		defer c.Close()
	}
	require.NoError(t, native.WaitUDPListeners(context.Background(), ports[0], ports[1]))
}
