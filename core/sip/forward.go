package sip

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/rtpfwd"
)

// sinceForwarders: rtp_forward, stop_rtp_forward and listforwarders
// (Janus 1.4.0).
var sinceForwarders = core.V(1, 4, 0)

// The RTP forwarder types, shared with the other plugin that has them
// (see package rtpfwd).
type (
	// ForwardType names the media a forwarder relays.
	ForwardType = rtpfwd.Type
	// ForwardStream forwards one medium as plain (or SRTP) RTP.
	ForwardStream = rtpfwd.Stream
	// RTPForwardRequest starts forwarders ("rtp_forward").
	RTPForwardRequest = rtpfwd.Request
	// Forwarder is one RTP forwarder.
	Forwarder = rtpfwd.Forwarder
)

// The forwarder types: the client's media, or the SIP peer's.
const (
	ForwardAudio     = rtpfwd.Audio
	ForwardVideo     = rtpfwd.Video
	ForwardPeerAudio = rtpfwd.PeerAudio
	ForwardPeerVideo = rtpfwd.PeerVideo
)

// RTPForwarding is the answer to RTPForward.
type RTPForwarding struct {
	*core.PluginEvent
	Call
	// Forwarders are the forwarders started, one per stream.
	Forwarders []Forwarder
}

// RTPForwardStopped is the answer to StopRTPForward.
type RTPForwardStopped struct {
	*core.PluginEvent
	Call
	StreamID uint32
}

// ForwarderList is the answer to ListForwarders.
type ForwarderList struct {
	*core.PluginEvent
	Call
	Forwarders []Forwarder
}

// RTPForward starts relaying streams of the call as plain RTP to other
// hosts, for a recorder or a transcriber ("rtp_forward"); the forwarders
// end with the call. Outside a call it fails with ErrWrongState.
// Janus 1.4.0.
func (h *Handle) RTPForward(ctx context.Context, req RTPForwardRequest) (*RTPForwarding, error) {
	if err := api.Require(ctx, h.sender(), "rtp_forward", sinceForwarders); err != nil {
		return nil, err
	}
	return expect[*RTPForwarding](ctx, h, "rtp_forward", req)
}

// StopRTPForward stops the forwarder streamID ("stop_rtp_forward"); an
// unknown one is ErrNoSuchStream. Janus 1.4.0.
func (h *Handle) StopRTPForward(ctx context.Context, streamID uint32) (*RTPForwardStopped, error) {
	if err := api.Require(ctx, h.sender(), "stop_rtp_forward", sinceForwarders); err != nil {
		return nil, err
	}
	var req struct {
		StreamID uint32 `json:"stream_id"`
	}
	req.StreamID = streamID
	return expect[*RTPForwardStopped](ctx, h, "stop_rtp_forward", req)
}

// ListForwarders returns the RTP forwarders of the call
// ("listforwarders"). Janus 1.4.0.
func (h *Handle) ListForwarders(ctx context.Context) ([]Forwarder, error) {
	if err := api.Require(ctx, h.sender(), "listforwarders", sinceForwarders); err != nil {
		return nil, err
	}
	l, err := expect[*ForwarderList](ctx, h, "listforwarders", nil)
	if err != nil {
		return nil, err
	}
	return l.Forwarders, nil
}
