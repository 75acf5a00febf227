package whip

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
)

const testOffer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:old\r\na=ice-pwd:oldpassword\r\n" +
	"a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\na=end-of-candidates\r\n" +
	"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=ice-ufrag:old\r\na=ice-pwd:oldpassword\r\n"

func TestFragments(t *testing.T) {
	assert.Equal(t, []string{"0", "1"}, mediaSections(testOffer))
	u, p := iceCredentials(testOffer)
	assert.Equal(t, []string{"old", "oldpassword"}, []string{u, p})

	restarted := withICECredentials(testOffer, "new", "newpassword")
	u, p = iceCredentials(restarted)
	assert.Equal(t, []string{"new", "newpassword"}, []string{u, p})
	assert.NotContains(t, restarted, "a=candidate:")
	assert.NotContains(t, restarted, "old")
	assert.Equal(t, mediaSections(testOffer), mediaSections(restarted))

	f, bad := parseFragment("a=ice-ufrag:x\na=ice-pwd:y\nm=video 9 UDP/TLS/RTP/SAVPF 0\na=mid:1\n"+
		"a=candidate:2 1 udp 9 10.0.0.2 6000 typ host\na=end-of-candidates\n", mediaSections(testOffer))
	require.Empty(t, bad)
	assert.Equal(t, "x", f.ufrag)
	assert.Equal(t, "y", f.pwd)
	assert.True(t, f.completed)
	assert.Equal(t, []core.Candidate{{Candidate: "candidate:2 1 udp 9 10.0.0.2 6000 typ host", SDPMid: "1", SDPMLineIndex: core.MLineIndex(1)}}, f.candidates)

	for body, why := range map[string]string{
		"a=candidate:1 1 udp 1 10.0.0.1 1 typ host\r\n":                                    "outside an m-section",
		"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:7\r\na=candidate:1 1 udp 1 1 typ host\r\n": "mid 7",
		"hello\r\n": "not an SDP fragment line",
	} {
		_, bad := parseFragment(body, mediaSections(testOffer))
		assert.Contains(t, bad, why, body)
	}

	frag := fragmentOf("v=0\r\na=ice-lite\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 10.0.0.1\r\na=mid:0\r\na=ice-ufrag:j\r\na=ice-pwd:jpassword\r\n" +
		"a=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\na=end-of-candidates\r\n")
	assert.Equal(t, "a=ice-lite\r\na=ice-ufrag:j\r\na=ice-pwd:jpassword\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"+
		"a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\na=end-of-candidates\r\n", frag)
}
