package native

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// fakeClock hands out timers that fire when the test says so.
type fakeClock struct {
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (c *fakeClock) after(d time.Duration, f func()) stopper {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{d: d, f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.stopped = true
	return true
}

// delays returns the delays of the timers made so far.
func (c *fakeClock) delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, t := range c.timers {
		out = append(out, t.d)
	}
	return out
}

// last returns the newest timer.
func (c *fakeClock) last(t *testing.T) *fakeTimer {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	require.NotEmpty(t, c.timers, "a timer was set")
	return c.timers[len(c.timers)-1]
}

// fire runs the newest timer, which must be running.
func (c *fakeClock) fire(t *testing.T) {
	t.Helper()
	tm := c.last(t)
	require.False(t, tm.stopped, "the newest timer runs")
	tm.f()
}

// pliLog is an RTCP writer that keeps the SSRCs of the PLIs written.
type pliLog struct {
	mu   sync.Mutex
	ssrc []uint32
	sent chan struct{}
}

func (l *pliLog) Write(pkts []rtcp.Packet, _ interceptor.Attributes) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range pkts {
		if pli, ok := p.(*rtcp.PictureLossIndication); ok {
			l.ssrc = append(l.ssrc, pli.MediaSSRC)
			if l.sent != nil {
				select {
				case l.sent <- struct{}{}:
				default:
				}
			}
		}
	}
	return 0, nil
}

func (l *pliLog) count(ssrc uint32) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.ssrc {
		if s == ssrc {
			n++
		}
	}
	return n
}

// boundStream is a remote stream bound to an interceptor, read one packet
// at a time.
type boundStream struct {
	next   []byte
	reader interceptor.RTPReader
}

func bindStream(ic interceptor.Interceptor, ssrc uint32, mime string) *boundStream {
	s := &boundStream{}
	src := interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		return copy(b, s.next), a, nil
	})
	s.reader = ic.BindRemoteStream(&interceptor.StreamInfo{SSRC: ssrc, MimeType: mime}, src)
	return s
}

// read passes one packet through the interceptor and returns its
// attributes.
func (s *boundStream) read(t *testing.T, p *rtp.Packet) interceptor.Attributes {
	t.Helper()
	b, err := p.Marshal()
	require.NoError(t, err)
	s.next = b
	buf := make([]byte, 1500)
	_, a, err := s.reader.Read(buf, nil)
	require.NoError(t, err)
	return a
}

// vp8Payloads returns the first RTP payload of a keyframe and of an inter
// frame of the VP8 clip.
func vp8Payloads(t *testing.T) (key, inter []byte) {
	frames := ivfFrames(t, "vp8-320x240-30fps-3s.ivf")
	p := &codecs.VP8Payloader{}
	return p.Payload(1200, frames[0])[0], p.Payload(1200, frames[1])[0]
}

// TestKeyframeRequestsBackoff drives the interceptor on a clock of its own:
// PLIs come 100, 200 and 300 ms after the first packet and then with
// doubling gaps capped at 2 s, stop at the first keyframe for good, and are never sent
// for audio, for a stream that starts with a keyframe, or after
// UnbindRemoteStream and Close.
func TestKeyframeRequestsBackoff(t *testing.T) {
	key, inter := vp8Payloads(t)
	clock := &fakeClock{}
	ic, err := keyframeRequestsFactory{after: clock.after}.NewInterceptor("")
	require.NoError(t, err)
	plis := &pliLog{}
	ic.BindRTCPWriter(plis)

	video := bindStream(ic, 1, webrtc.MimeTypeVP8)
	assert.Empty(t, clock.delays(), "no request before the first packet")
	video.read(t, rtpOf(100, 3000, inter))
	require.Equal(t, []time.Duration{100 * time.Millisecond}, clock.delays())
	for range 8 {
		clock.fire(t)
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{100 * ms, 100 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 2000 * ms, 2000 * ms}, clock.delays())
	assert.Equal(t, 8, plis.count(1), "one PLI per gap")
	video.read(t, rtpOf(101, 6000, inter))
	assert.Len(t, clock.delays(), 9, "later packets set no timer")

	a := video.read(t, rtpOf(102, 9000, key))
	pending := clock.last(t)
	assert.True(t, pending.stopped, "the keyframe stops the requests")
	pending.f() // a timer that fired as the keyframe came
	assert.Equal(t, 8, plis.count(1), "no PLI after the keyframe")
	assert.EqualValues(t, 8, requestsFor(a).count(), "the packets carry the count")
	video.read(t, rtpOf(103, 12000, inter))
	video.read(t, rtpOf(104, 15000, inter))
	assert.Len(t, clock.delays(), 9, "no request after the first keyframe, whatever follows")

	// Audio and retransmission streams are left alone.
	audio := bindStream(ic, 2, webrtc.MimeTypeOpus)
	assert.Nil(t, requestsFor(audio.read(t, rtpOf(1, 960, []byte{0xfc, 1, 2}))))
	rtx := bindStream(ic, 3, webrtc.MimeTypeRTX)
	rtx.read(t, rtpOf(1, 3000, append([]byte{0, 100}, inter...)))
	// A stream that starts with a keyframe is never asked for.
	keyFirst := bindStream(ic, 4, webrtc.MimeTypeVP8)
	keyFirst.read(t, rtpOf(1, 3000, key))
	keyFirst.read(t, rtpOf(2, 6000, inter))
	assert.Len(t, clock.delays(), 9, "no timer for audio, RTX or a stream that began with a keyframe")

	// UnbindRemoteStream and Close stop the requests.
	unbound := bindStream(ic, 5, webrtc.MimeTypeH264)
	unbound.read(t, rtpOf(1, 3000, []byte{0x41, 0x9a}))
	ic.UnbindRemoteStream(&interceptor.StreamInfo{SSRC: 5, MimeType: webrtc.MimeTypeH264})
	assert.True(t, clock.last(t).stopped, "UnbindRemoteStream stops the timer")
	open := bindStream(ic, 6, webrtc.MimeTypeVP9)
	open.read(t, rtpOf(1, 3000, []byte{0xc8, 0x80, 0x01, 0x86}))
	assert.False(t, clock.last(t).stopped)
	require.NoError(t, ic.Close())
	assert.True(t, clock.last(t).stopped, "Close stops the timer")
	clock.last(t).f()
	assert.Zero(t, plis.count(5)+plis.count(6), "no PLI after Unbind or Close")
}

// TestRegisterKeyframeRequests registers the interceptor as a user with a
// PeerConnection of their own would, and sees a PLI on the real clock;
// Close leaves no goroutine behind.
func TestRegisterKeyframeRequests(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	key, inter := vp8Payloads(t)
	ir := &interceptor.Registry{}
	RegisterKeyframeRequests(ir)
	ic, err := ir.Build("")
	require.NoError(t, err)
	plis := &pliLog{sent: make(chan struct{}, 1)}
	ic.BindRTCPWriter(plis)
	s := bindStream(ic, 7, webrtc.MimeTypeVP8)
	s.read(t, rtpOf(1, 3000, inter))
	select {
	case <-plis.sent:
	case <-time.After(10 * time.Second):
		t.Fatal("no PLI")
	}
	assert.Equal(t, 1, plis.count(7))
	s.read(t, rtpOf(2, 6000, key))
	require.NoError(t, ic.Close())
}
