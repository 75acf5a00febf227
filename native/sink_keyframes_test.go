package native

import (
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
)

// TestSinkKeyframeWait checks what a sink does: drop packets until the
// first packet of a keyframe (not a late retransmission of one), count
// keyframes and the requests made by the sink and by the Peer, and ask on
// its own only with a pliInterval, until the keyframe it starts with.
func TestSinkKeyframeWait(t *testing.T) {
	key, inter := vp8Payloads(t)
	clock := &fakeClock{}
	asked := 0
	c := &counter{}
	w := startKeyframeWait(webrtc.MimeTypeVP8, c, func() { asked++ }, 500*time.Millisecond, clock.after)
	assert.Equal(t, 1, asked, "a request at once")
	for range 5 {
		clock.fire(t)
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{500 * ms, 500 * ms, 500 * ms, 1000 * ms, 2000 * ms, 2000 * ms}, clock.delays())
	assert.Equal(t, 6, asked)

	peer := newKeyframeAsker(func() {}, clock.after)
	peer.now()
	peer.now()
	attrs := interceptor.Attributes{}
	attrs.Set(keyframeRequestsKey{}, peer)
	assert.False(t, w.packet(rtpOf(10, 3000, inter), attrs), "an inter frame before any keyframe")
	assert.False(t, w.packet(rtpOf(11, 3000, inter[:1]), attrs))
	assert.False(t, w.packet(rtpOf(9, 0, key), attrs), "a keyframe retransmitted after later packets")
	assert.False(t, clock.last(t).stopped, "still asking")
	assert.True(t, w.packet(rtpOf(12, 6000, key), attrs), "the first keyframe")
	assert.True(t, clock.last(t).stopped, "no more requests")
	assert.True(t, w.packet(rtpOf(13, 6000, inter[:1]), attrs), "the rest of the keyframe")
	assert.True(t, w.packet(rtpOf(14, 9000, inter), attrs), "and what follows")
	assert.True(t, w.packet(rtpOf(15, 12000, key), attrs))
	assert.True(t, w.packet(rtpOf(16, 12000, key), attrs))
	st := c.stats()
	assert.EqualValues(t, 3, st.Keyframes, "keyframes with distinct timestamps")
	assert.EqualValues(t, 6+2, st.KeyframeRequests, "the sink's requests and the Peer's")
	w.stop()
	assert.Equal(t, 6, asked)

	// Without a pliInterval, the sink does not ask.
	quiet := startKeyframeWait(webrtc.MimeTypeVP8, &counter{}, nil, 0, clock.after)
	timers := len(clock.delays())
	assert.False(t, quiet.packet(rtpOf(1, 3000, inter), nil))
	assert.True(t, quiet.packet(rtpOf(2, 6000, key), nil))
	assert.Len(t, clock.delays(), timers)
	// A codec without keyframe detection passes, after one request.
	asked = 0
	h265 := startKeyframeWait(webrtc.MimeTypeH265, &counter{}, func() { asked++ }, time.Second, clock.after)
	assert.True(t, h265.packet(rtpOf(1, 3000, []byte{0x02, 0x01, 0xaa}), nil))
	assert.Equal(t, 1, asked)
	assert.Len(t, clock.delays(), timers)
	// Audio has no wait.
	var audio *keyframeWait
	assert.True(t, audio.packet(rtpOf(1, 960, []byte{0xfc}), nil))
	audio.stop()
}
