package native

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
)

// Sink takes the remote tracks of a playback. *WebMRecorder is one;
// SinkFunc makes one of RecordTrack, ForwardTrack or any function.
type Sink interface {
	// AddTrack starts taking a received track. pliInterval is as for
	// RecordTrack: 0 from a playback, whose Peer asks for the first
	// keyframe itself.
	AddTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pliInterval time.Duration) error
}

// SinkFunc is a Sink made of a function.
type SinkFunc func(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pliInterval time.Duration) error

// AddTrack calls f.
func (f SinkFunc) AddTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pliInterval time.Duration) error {
	return f(pc, tr, pliInterval)
}

// WHEPOptions configure a WHEP playback (WHEPPlay).
type WHEPOptions struct {
	WHIPOptions
	// ServerOffer selects the server-offer flow: the POST carries no
	// offer, the server answers 201 with its offer, and the client's
	// answer goes to the resource by PATCH (application/sdp). By default
	// the client offers to receive one audio and one video track.
	ServerOffer bool
}

// WHEPSession is a playback from a WHEP endpoint: a WHIPSession whose
// PeerConnection receives, and passes each track to its Sink.
type WHEPSession struct {
	*WHIPSession

	mu      sync.Mutex
	sinkErr error
}

// WHEPPlay plays a WHEP endpoint (draft-ietf-wish-whep) into sink: it
// POSTs a receive-only audio and video offer (or, with ServerOffer,
// answers the server's offer by PATCH), and returns once the
// PeerConnection is connected. Each received track goes to sink; the
// Peer asks for every video track's first keyframe until it comes
// (RegisterKeyframeRequests). Trickle, ICE restarts, Link ICE servers,
// the token and Close are as for WHIPPublish.
func WHEPPlay(ctx context.Context, url string, sink Sink, opts WHEPOptions) (*WHEPSession, error) {
	peer, err := NewPeer(opts.Peer)
	if err != nil {
		return nil, err
	}
	w := &WHEPSession{}
	pc := peer.pc
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if err := sink.AddTrack(pc, tr, 0); err != nil {
			w.mu.Lock()
			if w.sinkErr == nil {
				w.sinkErr = fmt.Errorf("native: whep: %s track: %w", tr.Kind(), err)
			}
			w.mu.Unlock()
		}
	})
	if !opts.ServerOffer {
		for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
			if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
				_ = peer.Close()
				return nil, fmt.Errorf("native: whep: %w", err)
			}
		}
	}
	if w.WHIPSession, err = startSession(ctx, "whep", url, peer, opts.WHIPOptions, opts.ServerOffer); err != nil {
		return nil, err
	}
	return w, nil
}

// SinkErr returns the first error of the sink with a received track
// (such as a codec the recorder cannot write), or nil.
func (w *WHEPSession) SinkErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sinkErr
}

// String describes the session without its token.
func (w *WHEPSession) String() string {
	return fmt.Sprintf("native.WHEPSession{%s}", core.RedactURL(w.WHIPSession.res.location))
}
