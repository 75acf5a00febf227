package native

import (
	"sync/atomic"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// KeyframeTrack is a local track that hears keyframe requests. Peer.AddTrack
// and Simulcast.AddTo read the RTCP the receiver (Janus) sends for every
// track and call RequestKeyframe on each picture loss indication (PLI) or
// full intra request (FIR). A track whose encoder runs in this process
// (the test pattern, cameras) or that reads an indexed file makes a
// keyframe at once; a track fed by another process (ffmpeg, GStreamer)
// can only count the request and wait for its next regular keyframe.
type KeyframeTrack interface {
	webrtc.TrackLocal
	// RequestKeyframe asks for a keyframe as soon as possible. It must not
	// block.
	RequestKeyframe()
}

// readRTCP reads a sender's RTCP until the sender stops, and passes the
// keyframe requests in it to the track. Reading is needed anyway: pion's
// interceptors (the NACK responder that retransmits lost packets, RTCP
// reports) only see RTCP that somebody reads.
func readRTCP(read func() ([]rtcp.Packet, interceptor.Attributes, error), track webrtc.TrackLocal) {
	kt, _ := track.(KeyframeTrack)
	for {
		pkts, _, err := read()
		if err != nil {
			return
		}
		if kt != nil && asksKeyframe(pkts) {
			kt.RequestKeyframe()
		}
	}
}

// asksKeyframe reports whether RTCP packets hold a PLI or a FIR.
func asksKeyframe(pkts []rtcp.Packet) bool {
	for _, p := range pkts {
		switch p.(type) {
		case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
			return true
		}
	}
	return false
}

// rtpSourceTrack is the track of a source that writes RTP packets. An
// encoder in this process sets wanted and answers with its next frame; a
// source fed by another process (ffmpeg, GStreamer) has no wanted flag: it
// counts the request, which that process cannot hear, so that the
// statistics show how long it waited for the next regular keyframe.
type rtpSourceTrack struct {
	*webrtc.TrackLocalStaticRTP
	c      *counter
	wanted *atomic.Bool
	wake   chan struct{} // with wanted: the encoder makes its next frame at once
}

// RequestKeyframe counts the request and, for an encoder in this process,
// asks it for a keyframe.
func (t rtpSourceTrack) RequestKeyframe() {
	t.c.keyframeRequested()
	if t.wanted != nil {
		t.wanted.Store(true)
		select {
		case t.wake <- struct{}{}:
		default: // already woken
		}
	}
}
