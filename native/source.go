package native

import (
	"context"
	"sync/atomic"

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
}

// counter is a concurrency-safe TrackStats.
type counter struct {
	id, kind, codec        string
	packets, bytes, frames atomic.Uint64
}

func (c *counter) add(packets, bytes, frames int) {
	c.packets.Add(uint64(packets))
	c.bytes.Add(uint64(bytes))
	c.frames.Add(uint64(frames))
}

func (c *counter) stats() TrackStats {
	return TrackStats{ID: c.id, Kind: c.kind, Codec: c.codec,
		Packets: c.packets.Load(), Bytes: c.bytes.Load(), Frames: c.frames.Load()}
}

func kindOf(mime string) string {
	if len(mime) >= 5 && mime[:5] == "audio" {
		return "audio"
	}
	return "video"
}
