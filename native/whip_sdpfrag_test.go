package native

import (
	"testing"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
)

// rfcOffer is the shape of RFC 9725's example offer (trimmed).
const rfcOffer = "v=0\r\no=- 5228595038118931041 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
	"a=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\na=ice-options:trickle ice2\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\na=setup:actpass\r\na=mid:0\r\na=sendonly\r\n" +
	"m=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\na=setup:actpass\r\na=mid:1\r\na=sendonly\r\n"

// TestSDPFragment builds the trickle body of RFC 9725 section 4.3.1's
// example: the BUNDLE group, each m-line with its mid and credentials,
// the candidates and end-of-candidates in the first.
func TestSDPFragment(t *testing.T) {
	got := sdpFragment(rfcOffer, []string{
		"candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1",
	}, true)
	want := "a=group:BUNDLE 0 1\r\na=ice-options:trickle ice2\r\n" +
		"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n" +
		"a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\n" +
		"a=end-of-candidates\r\n" +
		"m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
	assert.Equal(t, want, got)
}

// TestWithICE applies the answer to an ICE restart of RFC 9725 section
// 4.4.1's example to a description: new credentials everywhere, the old
// candidates gone, the new ones at the end of the first m-line's section.
func TestWithICE(t *testing.T) {
	frag := "a=ice-lite\r\na=ice-options:trickle ice2\r\na=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" +
		"a=ice-ufrag:289b31b754eaa438\r\na=ice-pwd:0b66f472495ef0ccac7bda653ab6be49ea13114472a5d10a\r\n" +
		"a=candidate:1 1 udp 2130706431 198.51.100.1 39132 typ host\r\na=end-of-candidates\r\n"
	ice := parseICE(frag)
	assert.Equal(t, iceParams{ufrag: "289b31b754eaa438", pwd: "0b66f472495ef0ccac7bda653ab6be49ea13114472a5d10a",
		candidates: []string{"candidate:1 1 udp 2130706431 198.51.100.1 39132 typ host"}, lite: true}, ice)
	remote := rfcOffer[:len(rfcOffer)-len("a=sendonly\r\n")] + "a=candidate:9 1 udp 1 192.0.2.9 9 typ host\r\na=end-of-candidates\r\n"
	got := withICE(remote, ice)
	assert.NotContains(t, got, "EsAw")
	assert.NotContains(t, got, "192.0.2.9")
	assert.Equal(t, 2, countLines(got, "a=ice-ufrag:289b31b754eaa438"))
	assert.Contains(t, got, "a=sendonly\r\na=candidate:1 1 udp 2130706431 198.51.100.1 39132 typ host\r\nm=video")
}

func countLines(s, line string) (n int) {
	for _, l := range sdpLines(s) {
		if l == line {
			n++
		}
	}
	return n
}

// TestParseICEServers reads Link header values as RFC 9725 section 4.6
// writes them, one per header or several in one, and leaves other
// relations out.
func TestParseICEServers(t *testing.T) {
	got := parseICEServers([]string{
		`<stun:stun.example.net>; rel="ice-server"`,
		`<turn:turn.example.net?transport=udp>; rel="ice-server"; username="user"; credential="myPassword"; credential-type="password"`,
		`<turns:turn.example.net?transport=tcp>; rel="ice-server"; username="a,b"; credential="p;q", <https://example.net/sse>; rel="urn:ietf:params:whip:ext:core:server-sent-events"`,
		`garbage, <stun:nowhere>; rel="other"`,
	})
	assert.Equal(t, []webrtc.ICEServer{
		{URLs: []string{"stun:stun.example.net"}},
		{URLs: []string{"turn:turn.example.net?transport=udp"}, Username: "user", Credential: "myPassword"},
		{URLs: []string{"turns:turn.example.net?transport=tcp"}, Username: "a,b", Credential: "p;q"},
	}, got)
}
