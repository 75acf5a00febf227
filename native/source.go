package native

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
)

// Source is media to publish: local tracks and the loop that feeds them.
// Add its tracks to a PeerConnection before creating the offer, then call
// Run once the PeerConnection is connected.
type Source interface {
	// Tracks returns the source's local tracks.
	Tracks() []webrtc.TrackLocal
	// Run feeds the tracks until the media ends (nil), ctx is done
	// (ctx.Err()) or an error happens. Looping sources run until ctx is
	// done.
	Run(ctx context.Context) error
	// Stats returns what was sent so far, per track.
	Stats() []TrackStats
}

// TrackStats counts what one track sent or received.
type TrackStats struct {
	// ID is the track id; Kind is "audio" or "video"; Codec the MIME type.
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Codec string `json:"codec"`
	// Packets and Bytes count RTP packets and payload bytes (for sample
	// based sources: samples and sample bytes).
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
	// Frames counts video frames (or audio frames) where known.
	Frames uint64 `json:"frames"`
	// Keyframes counts the video keyframes sent (sources) or received
	// (sinks).
	Keyframes uint64 `json:"keyframes,omitempty"`
	// KeyframeRequests counts keyframe requests: the RTCP PLI and FIR a
	// source's track received, or for a sink the PLIs sent for its track
	// until the first keyframe, by the sink itself (pliInterval) and by
	// the Peer (RegisterKeyframeRequests).
	KeyframeRequests uint64 `json:"keyframe_requests,omitempty"`
	// KeyframeDelay is, for a source, how long the last answered request
	// waited until a keyframe left; MaxKeyframeDelay is the longest wait.
	KeyframeDelay    time.Duration `json:"keyframe_delay_ns,omitempty"`
	MaxKeyframeDelay time.Duration `json:"max_keyframe_delay_ns,omitempty"`
}

// counter is a concurrency-safe TrackStats.
type counter struct {
	id, kind, codec        string
	packets, bytes, frames atomic.Uint64
	keyframes, kfRequests  atomic.Uint64
	kfAsked                atomic.Int64 // when the oldest unanswered request came (Unix ns), or 0
	kfDelay, kfDelayMax    atomic.Int64
}

// keyframeRequested counts a keyframe request; the wait starts with the
// first unanswered one.
func (c *counter) keyframeRequested() {
	c.kfRequests.Add(1)
	c.kfAsked.CompareAndSwap(0, time.Now().UnixNano())
}

// keyframeRequestsSent sets a sink's count of keyframe requests made for
// its track so far.
func (c *counter) keyframeRequestsSent(n uint64) { c.kfRequests.Store(n) }

// keyframe counts a keyframe and ends the wait of the requests before it.
func (c *counter) keyframe() {
	c.keyframes.Add(1)
	asked := c.kfAsked.Swap(0)
	if asked == 0 {
		return
	}
	d := time.Now().UnixNano() - asked
	c.kfDelay.Store(d)
	for {
		m := c.kfDelayMax.Load()
		if d <= m || c.kfDelayMax.CompareAndSwap(m, d) {
			return
		}
	}
}

func (c *counter) add(packets, bytes, frames int) {
	c.packets.Add(uint64(packets))
	c.bytes.Add(uint64(bytes))
	c.frames.Add(uint64(frames))
}

func (c *counter) stats() TrackStats {
	return TrackStats{ID: c.id, Kind: c.kind, Codec: c.codec,
		Packets: c.packets.Load(), Bytes: c.bytes.Load(), Frames: c.frames.Load(),
		Keyframes: c.keyframes.Load(), KeyframeRequests: c.kfRequests.Load(),
		KeyframeDelay: time.Duration(c.kfDelay.Load()), MaxKeyframeDelay: time.Duration(c.kfDelayMax.Load())}
}

func kindOf(mime string) string {
	if len(mime) >= 5 && mime[:5] == "audio" {
		return "audio"
	}
	return "video"
}
