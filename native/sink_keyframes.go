package native

import (
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// keyframeWait is what a video sink (RecordTrack, ForwardTrack, the WebM
// recorder) does about keyframes. It passes nothing before the first
// packet of the first keyframe, so that what the sink writes or forwards
// decodes from its first frame. It counts the keyframes received and the
// requests made for the track: the sink's own and those of the Peer's
// interceptor (RegisterKeyframeRequests), which every packet read carries
// in its attributes. Given a pliInterval > 0 it asks for the first
// keyframe itself: at once, then after pliInterval and with growing gaps
// (capped at 2 s, or pliInterval if longer) until the first keyframe it
// passes on; never after. That is for PeerConnections not made by
// NewPeer: on a native.Peer the interceptor asks already, and pliInterval
// 0 keeps the sink quiet.
//
// A video codec whose keyframes it cannot see (H.265) passes unfiltered
// and gets one request at the start. A nil keyframeWait (audio) passes
// everything.
type keyframeWait struct {
	mime  string
	known bool // startsKeyframe knows the codec
	c     *counter
	own   *keyframeAsker // the sink's own requests; nil when it makes none
	peer  *keyframeAsker // the interceptor's requests, from the packets
	open  bool           // the first keyframe started: pass everything

	dropped bool   // a packet was dropped while waiting
	newest  uint16 // the newest sequence number dropped
	counted bool   // a keyframe was counted
	lastKey uint32 // the RTP timestamp of the last keyframe counted
}

// newKeyframeWait starts the keyframe handling of a sink of tr, or
// returns nil for audio.
func newKeyframeWait(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, c *counter, pliInterval time.Duration) *keyframeWait {
	if tr.Kind() != webrtc.RTPCodecTypeVideo {
		return nil
	}
	var ask func()
	if pc != nil && pliInterval > 0 {
		ask = func() { _ = RequestKeyframe(pc, tr) }
	}
	return startKeyframeWait(tr.Codec().MimeType, c, ask, pliInterval, nil)
}

// startKeyframeWait is newKeyframeWait for a codec, with the sink's own
// requests going to ask (nil: none) on a clock of after (nil: real time).
func startKeyframeWait(mime string, c *counter, ask func(), pliInterval time.Duration, after afterFunc) *keyframeWait {
	w := &keyframeWait{mime: mime, known: detectsKeyframes(mime), c: c}
	w.open = !w.known
	if ask != nil {
		w.own = newKeyframeAsker(ask, after)
		w.own.now()
		if w.known {
			w.own.schedule(pliInterval)
		}
	}
	w.c.keyframeRequestsSent(w.own.count())
	return w
}

// packet counts a received packet and reports whether the sink passes it
// on: false until the first keyframe starts.
func (w *keyframeWait) packet(p *rtp.Packet, a interceptor.Attributes) bool {
	if w == nil {
		return true
	}
	if w.peer == nil {
		w.peer = requestsFor(a)
	}
	key := w.known && startsKeyframe(w.mime, p.Payload)
	if key && (!w.counted || p.Timestamp != w.lastKey) {
		w.counted, w.lastKey = true, p.Timestamp
		w.c.keyframe()
	}
	pass := w.pass(p.SequenceNumber, key)
	w.c.keyframeRequestsSent(w.own.count() + w.peer.count())
	return pass
}

// pass opens the way at the first packet of the first keyframe. That
// packet does not open it when it comes after later packets were dropped
// (a retransmission): the rest of its frame is gone, the next keyframe
// opens it.
func (w *keyframeWait) pass(seq uint16, key bool) bool {
	if w.open {
		return true
	}
	newer := !w.dropped || int16(seq-w.newest) > 0
	if key && newer {
		w.open = true
		w.stop()
		return true
	}
	if newer {
		w.newest, w.dropped = seq, true
	}
	return false
}

// stop ends the sink's own requests.
func (w *keyframeWait) stop() {
	if w != nil && w.own != nil {
		w.own.stop()
	}
}
