package sip

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// sinceForwarders: rtp_forward, stop_rtp_forward and listforwarders
// (Janus 1.4.0).
var sinceForwarders = core.V(1, 4, 0)

// What a forwarder relays.
const (
	// ForwardAudio and ForwardVideo are the client's media;
	// ForwardPeerAudio and ForwardPeerVideo the SIP peer's.
	ForwardAudio     = "audio"
	ForwardVideo     = "video"
	ForwardPeerAudio = "peer_audio"
	ForwardPeerVideo = "peer_video"
)

// ForwardStream forwards one stream of the call as plain RTP.
type ForwardStream struct {
	// Type is ForwardAudio, ForwardVideo, ForwardPeerAudio or
	// ForwardPeerVideo.
	Type string `json:"type"`
	// Host and Port are the destination; HostFamily ("ipv4", the
	// default, or "ipv6") picks the address family Host resolves to.
	Host       string `json:"host"`
	HostFamily string `json:"host_family,omitempty"`
	Port       int    `json:"port"`
	// SSRC and PT rewrite the forwarded packets.
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 key, as SDES) encrypt
	// them.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// RTPForwardRequest starts RTP forwarders of the call ("rtp_forward").
type RTPForwardRequest struct {
	Streams []ForwardStream `json:"streams"`
}

// Forwarder is an RTP forwarder of the call.
type Forwarder struct {
	// StreamID identifies it (StopRTPForward).
	StreamID uint32 `json:"stream_id"`
	// Type is what it relays (ForwardAudio...), Media "audio" or
	// "video".
	Type  string `json:"type"`
	Media string `json:"media"`
	// Host (resolved) and Port are where it sends.
	Host string `json:"host"`
	Port int    `json:"port"`
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	SRTP bool   `json:"srtp,omitempty"`
}

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
