//go:build !js

package mediabench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// KeyframeInterval is the longest a subscriber of a source that cannot
// make a keyframe on request waits for the next one: ffmpeg and GStreamer
// sources and the clips of testdata/media make one a second. Joins start
// at a random point of it (JoinDelay).
const KeyframeInterval = time.Second

// JoinDelay is a random wait before a join, shorter than
// KeyframeInterval, so that joins do not line up with the publisher's
// regular keyframes.
func JoinDelay() time.Duration {
	return time.Duration(rand.Int64N(int64(KeyframeInterval)))
}

// Join is what one subscriber's join took, from the moment its join
// request was sent.
type Join struct {
	// Frame is when the first frame a decoder can show was there: the
	// first complete VP8 keyframe assembled from the RTP received, once
	// libvpx decoded it (DecodesFrames) or else when its last packet
	// arrived.
	Frame time.Duration
	// Connected is when the PeerConnection was connected, FirstPacket
	// when the first RTP packet arrived.
	Connected, FirstPacket time.Duration
}

// ErrNoFrame is the error of a FirstFrame that timed out: the subscriber
// received video but never a complete keyframe (or no video at all).
var ErrNoFrame = errors.New("mediabench: no complete keyframe")

// FirstFrame attaches a new handle on s, waits delay (the random offset
// of the join, see JoinDelay), subscribes a new Peer to feed, receiving
// through a sink as gojanus's subscribers do (Receive.ThroughSink), and
// waits for its first frame (see Join), at most
// timeout. The subscriber is closed before it returns.
func FirstFrame(tb testing.TB, ctx context.Context, s *core.Session, room, feed core.ID, delay, timeout time.Duration) (Join, error) {
	tb.Helper()
	peer := Peer(tb)
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		return Join{}, err
	}
	time.Sleep(delay)
	kf := NewKeyframeWatch()
	start := time.Now()
	sub, err := SubscribeOn(ctx, h, room, feed, peer, Receive{OnPacket: kf.Push, ThroughSink: true})
	if sub != nil {
		defer sub.Close(ctx)
	}
	if err != nil {
		return Join{}, err
	}
	select {
	case f := <-kf.Keyframe():
		if f.Err != nil {
			return Join{}, f.Err
		}
		return Join{Frame: f.At.Sub(start), Connected: sub.ConnectedAt().Sub(start), FirstPacket: kf.FirstPacket().Sub(start)}, nil
	case <-time.After(timeout):
		c := kf.Counts()
		return Join{}, fmt.Errorf("%w within %v (%d video packets, %d of them starting a keyframe; %d frames assembled, %d of them incomplete keyframes)",
			ErrNoFrame, timeout, c.Packets, c.KeyframeStarts, c.Frames, c.Incomplete)
	case <-ctx.Done():
		return Join{}, ctx.Err()
	}
}

// Frame is the first keyframe a KeyframeWatch saw: when it was complete
// (and decoded, with DecodesFrames), or why it could not be decoded.
type Frame struct {
	At  time.Time
	Err error
}

// KeyframeWatch assembles VP8 frames from RTP and reports the first
// complete keyframe: when its last packet arrived or, with DecodesFrames,
// that plus the time libvpx took to decode it.
type KeyframeWatch struct {
	sb       *samplebuilder.SampleBuilder
	arrival  map[uint32]time.Time // RTP timestamp -> its latest packet's arrival
	keyframe chan Frame
	sent     bool

	mu     sync.Mutex
	first  time.Time
	counts WatchCounts
}

// WatchCounts is what a KeyframeWatch saw until its first keyframe.
type WatchCounts struct {
	// Packets counts the packets, KeyframeStarts those that begin a
	// keyframe (VP8 payload descriptor and frame tag).
	Packets, KeyframeStarts int
	// Frames counts the frames assembled, Incomplete the keyframes among
	// them that lacked part of their first partition.
	Frames, Incomplete int
}

// NewKeyframeWatch returns a watch whose Push takes the packets of one
// stream, in order of arrival, from one goroutine.
func NewKeyframeWatch() *KeyframeWatch {
	return &KeyframeWatch{
		sb:       samplebuilder.New(256, &codecs.VP8Packet{}, 90000),
		arrival:  map[uint32]time.Time{},
		keyframe: make(chan Frame, 1),
	}
}

// Keyframe delivers the first complete keyframe, once.
func (k *KeyframeWatch) Keyframe() <-chan Frame { return k.keyframe }

// Push adds one received packet.
func (k *KeyframeWatch) Push(p *rtp.Packet, at time.Time) {
	k.mu.Lock()
	if k.first.IsZero() {
		k.first = at
	}
	k.counts.Packets++
	if startsVP8Keyframe(p.Payload) {
		k.counts.KeyframeStarts++
	}
	k.mu.Unlock()
	if k.sent {
		return
	}
	k.arrival[p.Timestamp] = at
	k.sb.Push(p)
	for s := k.sb.Pop(); s != nil; s = k.sb.Pop() {
		complete := CompleteVP8Keyframe(s.Data)
		k.mu.Lock()
		k.counts.Frames++
		if !complete && len(s.Data) > 0 && s.Data[0]&1 == 0 {
			k.counts.Incomplete++
		}
		k.mu.Unlock()
		done, ok := k.arrival[s.PacketTimestamp]
		delete(k.arrival, s.PacketTimestamp)
		if ok && complete {
			k.sent = true
			if DecodesFrames {
				// Decoded on the arrival of its last packet, as a player
				// decodes on the marker bit: the sample builder gives the
				// frame out only when the next frame's first packet has
				// come, one frame interval later, which is not the
				// subscriber's wait.
				start := time.Now()
				err := decodeVP8(s.Data)
				done = done.Add(time.Since(start))
				if err != nil {
					err = fmt.Errorf("libvpx cannot decode the first complete keyframe (%d bytes): %w", len(s.Data), err)
				}
				k.keyframe <- Frame{At: done, Err: err}
				return
			}
			k.keyframe <- Frame{At: done}
			return
		}
	}
	if len(k.arrival) > 1024 { // timestamps of frames the builder dropped
		clear(k.arrival)
	}
}

// Counts returns what the watch saw so far.
func (k *KeyframeWatch) Counts() WatchCounts {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.counts
}

// startsVP8Keyframe reports whether an RTP payload begins a VP8 keyframe:
// the start of partition 0 (RFC 7741) whose frame tag has the key bit
// clear.
func startsVP8Keyframe(payload []byte) bool {
	var d codecs.VP8Packet
	frame, err := d.Unmarshal(payload)
	return err == nil && d.S == 1 && d.PID == 0 && len(frame) > 0 && frame[0]&1 == 0
}

// FirstPacket is when the first RTP packet arrived.
func (k *KeyframeWatch) FirstPacket() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.first
}

// CompleteVP8Keyframe reports whether frame is a VP8 keyframe (RFC 6386
// 9.1: frame tag with the key bit clear, start code 9d 01 2a) that holds
// its whole first partition.
func CompleteVP8Keyframe(frame []byte) bool {
	if len(frame) < 10 || frame[0]&1 != 0 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return false
	}
	firstPartition := (int(frame[0]) | int(frame[1])<<8 | int(frame[2])<<16) >> 5
	return len(frame) >= 10+firstPartition
}

// KeyframeAnswer returns, once a keyframe request that reached the
// publisher's video track after requests0 had been counted was answered,
// how long it waited for its keyframe (TrackStats.KeyframeDelay): pass
// the KeyframeRequests and KeyframeDelay of Video() from before the join.
// A new answer shows as a new KeyframeDelay (nanoseconds: two answers
// with the same wait do not happen in practice). It gives up after
// timeout, reporting false.
func (p *Publisher) KeyframeAnswer(ctx context.Context, requests0 uint64, delay0, timeout time.Duration) (time.Duration, bool) {
	deadline := time.Now().Add(timeout)
	for {
		v := p.Video()
		if v.KeyframeRequests > requests0 && v.KeyframeDelay != delay0 {
			return v.KeyframeDelay, true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, false
		}
		time.Sleep(5 * time.Millisecond) // poll interval
	}
}

// Spread is the median and the worst of some durations, in milliseconds.
type Spread struct{ Median, Max float64 }

// SpreadOf returns the median (the mean of the middle two for an even
// count) and the largest of ds; ds must not be empty.
func SpreadOf(ds []time.Duration) Spread {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Spread{MS(med), MS(s[n-1])}
}

// Report reports the spread as a one-off benchmark's figures: ms (the
// median) and max-ms (the worst), the project's convention.
func (sp Spread) Report(b *testing.B) {
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(sp.Median, "ms")
	b.ReportMetric(sp.Max, "max-ms")
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// RoundAll rounds durations to the millisecond, for logs.
func RoundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
