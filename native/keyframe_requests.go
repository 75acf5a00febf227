package native

import (
	"sync"
	"sync/atomic"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// RegisterKeyframeRequests adds to ir the interceptor with which every
// PeerConnection made by NewPeer asks for the first keyframe of each video
// stream it receives (VP8, VP9, H.264, AV1): a PLI 100 ms after the
// stream's first packet if no keyframe has started by then, then after
// 400 ms, 800 ms, 1.6 s and every 2 s until one starts, and never after
// it. It sees every packet that any reader of the track reads (OnTrack
// code, RecordTrack, ForwardTrack), so a subscriber's first picture does
// not depend on a sink remembering to ask. Register it on the registry of
// a PeerConnection of your own (after webrtc.RegisterDefaultInterceptors,
// so that pion's statistics count its PLIs); sinks on such a
// PeerConnection then need no pliInterval.
//
// Packets nobody reads are not seen: a track without a reader is not
// asked for. A keyframe whose first packet arrives only as an RFC 4588
// retransmission (RTX) is not seen either; the next request then brings
// another one.
func RegisterKeyframeRequests(ir *interceptor.Registry) {
	ir.Add(keyframeRequestsFactory{})
}

// keyframeRequestsFactory makes one interceptor per PeerConnection.
type keyframeRequestsFactory struct {
	after afterFunc // nil: time.AfterFunc
}

// NewInterceptor implements interceptor.Factory.
func (f keyframeRequestsFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &keyframeRequests{after: f.after, streams: map[uint32]*awaitedKeyframe{}}, nil
}

// keyframeRequests is the interceptor of one PeerConnection.
type keyframeRequests struct {
	interceptor.NoOp
	after afterFunc

	mu      sync.Mutex
	writer  interceptor.RTCPWriter
	streams map[uint32]*awaitedKeyframe
	closed  bool
}

// awaitedKeyframe is one received video stream until its first keyframe.
type awaitedKeyframe struct {
	mime  string
	asker *keyframeAsker
	begun atomic.Bool
	seen  atomic.Bool
}

// keyframeRequestsKey is the interceptor.Attributes key under which every
// packet read from a stream carries the stream's *keyframeAsker, so that
// sinks can count the requests made for their track.
type keyframeRequestsKey struct{}

// requestsFor returns the asker of the stream a packet was read from, or
// nil when the Peer's interceptor does not ask for that stream.
func requestsFor(a interceptor.Attributes) *keyframeAsker {
	if a == nil {
		return nil
	}
	k, _ := a.Get(keyframeRequestsKey{}).(*keyframeAsker)
	return k
}

// BindRTCPWriter keeps the writer the PLIs go to.
func (k *keyframeRequests) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	k.mu.Lock()
	k.writer = w
	k.mu.Unlock()
	return w
}

// BindRemoteStream watches a received video stream until its first
// keyframe.
func (k *keyframeRequests) BindRemoteStream(info *interceptor.StreamInfo, reader interceptor.RTPReader) interceptor.RTPReader {
	if !detectsKeyframes(info.MimeType) {
		return reader // audio, RTX, FEC, codecs without keyframe detection
	}
	ssrc := info.SSRC
	s := &awaitedKeyframe{mime: info.MimeType}
	s.asker = newKeyframeAsker(func() { k.requestKeyframe(ssrc) }, k.after)
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return reader
	}
	if old := k.streams[ssrc]; old != nil {
		old.asker.stop()
	}
	k.streams[ssrc] = s
	k.mu.Unlock()
	return interceptor.RTPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, a, err := reader.Read(b, a)
		if err != nil {
			return n, a, err
		}
		s.packet(b[:n])
		if a == nil {
			a = interceptor.Attributes{}
		}
		a.Set(keyframeRequestsKey{}, s.asker)
		return n, a, nil
	})
}

// packet looks at one received packet until the first keyframe starts.
func (s *awaitedKeyframe) packet(b []byte) {
	if s.seen.Load() {
		return
	}
	var p rtp.Packet
	if p.Unmarshal(b) != nil {
		return
	}
	if startsKeyframe(s.mime, p.Payload) {
		s.seen.Store(true)
		s.asker.stop()
		return
	}
	if s.begun.CompareAndSwap(false, true) {
		s.asker.schedule(firstKeyframeRequestDelay)
	}
}

// requestKeyframe sends a PLI for one stream.
func (k *keyframeRequests) requestKeyframe(ssrc uint32) {
	k.mu.Lock()
	w := k.writer
	k.mu.Unlock()
	if w != nil {
		_, _ = w.Write([]rtcp.Packet{pli(ssrc)}, nil)
	}
}

// UnbindRemoteStream stops asking for a stream that ended.
func (k *keyframeRequests) UnbindRemoteStream(info *interceptor.StreamInfo) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.streams[info.SSRC]; s != nil {
		s.asker.stop()
		delete(k.streams, info.SSRC)
	}
}

// Close stops asking for every stream.
func (k *keyframeRequests) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	for ssrc, s := range k.streams {
		s.asker.stop()
		delete(k.streams, ssrc)
	}
	return nil
}
