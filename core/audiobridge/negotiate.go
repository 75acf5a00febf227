package audiobridge

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
)

// The negotiation flows below are written once against core.Peer, so the
// same participant code runs with pion natively and with the browser's
// RTCPeerConnection in WebAssembly. The participant makes the offer (the
// plugin's own offers, GenerateOffer, are answered with Configure).

// JoinPeer joins a room with peer: it trickles the peer's candidates to
// the handle, sends peer's offer with the join, and applies Janus's
// answer. Add the audio track (or a receive-only audio transceiver) to
// peer first: the plugin accepts the first audio m-line and rejects the
// others. ctx also bounds the trickling of the peer's later candidates;
// onTrickleErr (may be nil) receives trickle failures.
//
// When applying the answer fails, the participant stays in the room:
// Leave or Detach the handle.
func (h *Handle) JoinPeer(ctx context.Context, req JoinRequest, peer core.Peer, onTrickleErr func(error)) (*Joined, error) {
	if req.GenerateOffer || req.RTP != nil {
		return nil, errors.New("janus: audiobridge: JoinPeer sends the peer's offer; GenerateOffer and RTP do not apply")
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	j, err := h.Join(ctx, req, offer)
	if err != nil {
		return nil, err
	}
	if err := peer.SetRemoteDescription(ctx, j.JSEP); err != nil {
		return nil, err
	}
	return j, nil
}

// ConfigurePeer renegotiates the participant's PeerConnection: it sends a
// new offer of peer (after tracks were added or removed, for example) with
// the settings in req and applies Janus's answer. The peer must have
// joined with JoinPeer, whose link trickles its new candidates.
func (h *Handle) ConfigurePeer(ctx context.Context, req ConfigureRequest, peer core.Peer) error {
	if req.GenerateOffer || req.Update {
		return errors.New("janus: audiobridge: ConfigurePeer sends the peer's offer; GenerateOffer and Update do not apply")
	}
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return err
	}
	answer, err := h.Configure(ctx, req, offer)
	if err != nil {
		return err
	}
	return peer.SetRemoteDescription(ctx, answer)
}
