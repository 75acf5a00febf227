package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core/internal/plugin"
)

// ForwardType names the media an RTP forwarder relays.
type ForwardType string

// The forwarder types: the WebRTC user's media or the plain peer's.
const (
	ForwardAudio     ForwardType = "audio"
	ForwardVideo     ForwardType = "video"
	ForwardPeerAudio ForwardType = "peer_audio"
	ForwardPeerVideo ForwardType = "peer_video"
)

// ForwardStream forwards one medium of the session as plain (or SRTP) RTP
// to a host.
type ForwardStream struct {
	Type ForwardType `json:"type"`
	// Host and Port are the destination; HostFamily ("ipv4", the
	// default, or "ipv6") the address family Host is resolved to.
	Host       string `json:"host"`
	HostFamily string `json:"host_family,omitempty"`
	Port       int    `json:"port"`
	// SSRC and PT rewrite the forwarded packets.
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 key, as SDES) encrypt
	// the forwarded packets.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// Forwarder is one RTP forwarder of the session.
type Forwarder struct {
	// StreamID identifies the forwarder for StopRTPForward.
	StreamID uint64      `json:"stream_id"`
	Type     ForwardType `json:"type"`
	Host     string      `json:"host"`
	Port     int         `json:"port"`
	// Media is "audio" or "video".
	Media string `json:"media"`
	SSRC  uint32 `json:"ssrc,omitempty"`
	PT    int    `json:"pt,omitempty"`
	// SRTP is set when the forwarder encrypts its packets.
	SRTP bool `json:"srtp,omitempty"`
}

// RTPForwardRequest forwards media of the running session to other hosts
// ("rtp_forward").
type RTPForwardRequest struct {
	// Streams are the forwarders to create, one per stream; several may
	// forward the same medium.
	Streams []ForwardStream `json:"streams,omitempty"`
}

// RTPForward starts forwarding media of the running session to other
// hosts, one forwarder per stream ("rtp_forward"); no streams is
// ErrMissingElement. Janus removes the forwarders at hangup. It came with
// Janus 1.4.0: on older servers it fails, before sending, with an error
// matching core.ErrUnsupported.
func (h *Handle) RTPForward(ctx context.Context, req RTPForwardRequest) (*RTPForwarded, error) {
	s := plugin.OverHandle(h.Handle)
	if err := api.Require(ctx, s, "rtp_forward", forwardersSince); err != nil {
		return nil, err
	}
	return plugin.Expect[*RTPForwarded](ctx, api, s, "rtp_forward", req, h.decode)
}

// StopRTPForward stops one forwarder ("stop_rtp_forward"); an unknown id
// is ErrNoSuchStream. It came with Janus 1.4.0 (core.ErrUnsupported
// before).
func (h *Handle) StopRTPForward(ctx context.Context, streamID uint64) error {
	s := plugin.OverHandle(h.Handle)
	if err := api.Require(ctx, s, "stop_rtp_forward", forwardersSince); err != nil {
		return err
	}
	req := struct {
		StreamID uint64 `json:"stream_id"`
	}{streamID}
	_, err := plugin.Expect[*RTPForwardStopped](ctx, api, s, "stop_rtp_forward", req, h.decode)
	return err
}

// ListForwarders returns the session's RTP forwarders ("listforwarders").
// It came with Janus 1.4.0 (core.ErrUnsupported before).
func (h *Handle) ListForwarders(ctx context.Context) ([]Forwarder, error) {
	s := plugin.OverHandle(h.Handle)
	if err := api.Require(ctx, s, "listforwarders", forwardersSince); err != nil {
		return nil, err
	}
	l, err := plugin.Expect[*ForwarderList](ctx, api, s, "listforwarders", nil, h.decode)
	if err != nil {
		return nil, err
	}
	return l.Forwarders, nil
}
