package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core/internal/plugin"
	"github.com/gojanus/gojanus/core/rtpfwd"
)

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

// The forwarder types: the client's media, or the plain peer's.
const (
	ForwardAudio     = rtpfwd.Audio
	ForwardVideo     = rtpfwd.Video
	ForwardPeerAudio = rtpfwd.PeerAudio
	ForwardPeerVideo = rtpfwd.PeerVideo
)

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
func (h *Handle) StopRTPForward(ctx context.Context, streamID uint32) error {
	s := plugin.OverHandle(h.Handle)
	if err := api.Require(ctx, s, "stop_rtp_forward", forwardersSince); err != nil {
		return err
	}
	req := struct {
		StreamID uint32 `json:"stream_id"`
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
