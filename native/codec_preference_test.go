package native

import (
	"testing"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
)

// TestPreferCodec: the sent codec's profile first, then its other
// profiles, each with its RTX, then the rest in the offer's order.
func TestPreferCodec(t *testing.T) {
	codec := func(pt uint8, mime, fmtp string) webrtc.RTPCodecParameters {
		return webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: mime, ClockRate: 90000, SDPFmtpLine: fmtp}, PayloadType: webrtc.PayloadType(pt)}
	}
	offered := []webrtc.RTPCodecParameters{
		codec(96, webrtc.MimeTypeVP8, ""),
		codec(97, webrtc.MimeTypeRTX, "apt=96"),
		codec(102, webrtc.MimeTypeH264, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"),
		codec(103, webrtc.MimeTypeRTX, "apt=102"),
		codec(106, webrtc.MimeTypeH264, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
		codec(107, webrtc.MimeTypeRTX, "apt=106"),
		codec(108, webrtc.MimeTypeH264, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"),
	}
	pts := func(cs []webrtc.RTPCodecParameters) (out []uint8) {
		for _, c := range cs {
			out = append(out, uint8(c.PayloadType))
		}
		return out
	}
	sent := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e034"}
	assert.Equal(t, []uint8{106, 107, 102, 103, 108, 96, 97}, pts(preferCodec(offered, sent)),
		"constrained baseline, mode 1 (any level) first; then the other H.264")
	assert.Equal(t, []uint8{96, 97, 102, 103, 106, 107, 108}, pts(preferCodec(offered, webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8})))
	assert.Equal(t, pts(offered), pts(preferCodec(offered, webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeAV1})), "not offered: unchanged")

	assert.True(t, fmtpMatches("", "packetization-mode=1"))
	assert.True(t, fmtpMatches("profile-id=0", "profile-id=0"))
	assert.False(t, fmtpMatches("profile-id=2", "profile-id=0"))
	assert.False(t, fmtpMatches("packetization-mode=1;profile-level-id=42e01f", "packetization-mode=0;profile-level-id=42e01f"))
	assert.True(t, fmtpMatches("PACKETIZATION-MODE=1; profile-level-id=42E01F", "packetization-mode=1;profile-level-id=42e034"))
}
