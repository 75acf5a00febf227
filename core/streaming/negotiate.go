package streaming

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
)

// The negotiation flows below are written once against core.Peer, so the
// same watching code runs with pion natively and with the browser's
// RTCPeerConnection in WebAssembly. Janus makes the offer (except with
// WatchOfferPeer, Janus 1.1.4 and later, where the client does): for a
// new subscription, for an ICE restart (Watch with Restart) and for a
// renegotiation of the current one (Watch again with the same id). Switch
// and Configure keep the negotiated PeerConnection and need no new
// answer.

// WatchPeer watches the mountpoint req.Mountpoint with peer: it trickles the
// peer's candidates to the handle, sends the watch request, applies
// Janus's offer to peer, and sends peer's answer with Start. It returns
// what Start returned: StatusStarting, or StatusStarted when the
// PeerConnection was already up. A StatusChanged event with StatusStarted
// follows on Events once Janus relays media. ctx also bounds the
// trickling of the peer's later candidates. onTrickleErr (may be nil)
// receives trickle failures.
//
// When a step after the watch fails, the handle keeps the subscription:
// Hangup or Detach it to abandon it.
func (h *Handle) WatchPeer(ctx context.Context, req WatchRequest, peer core.Peer, onTrickleErr func(error)) (Status, error) {
	if req.Restart {
		return "", errors.New("janus: streaming: WatchPeer starts a subscription; use RestartPeer for an ICE restart")
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := h.Watch(ctx, req)
	if err != nil {
		return "", err
	}
	return h.Renegotiate(ctx, peer, offer)
}

// WatchOfferPeer watches the mountpoint req.Mountpoint with peer making
// the offer, as WHEP players do: it trickles the peer's candidates to the
// handle, sends the peer's offer with the watch request (WatchOffer) and
// applies Janus's answer. Add receive-only transceivers (or tracks) for
// the streams to watch to peer first: Janus answers each m-line with a
// stream of the same kind and codec. A StatusChanged event with
// StatusStarted follows on Events once Janus relays media. ctx also
// bounds the trickling of the peer's later candidates; onTrickleErr (may
// be nil) receives trickle failures. Janus 1.1.4 and later (see
// WatchOffer).
func (h *Handle) WatchOfferPeer(ctx context.Context, req WatchRequest, peer core.Peer, onTrickleErr func(error)) error {
	if err := api.Require(ctx, h.s, "watch with an offer", core.V(1, 1, 4)); err != nil {
		return err
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return err
	}
	answer, err := h.WatchOffer(ctx, req, offer)
	if err != nil {
		return err
	}
	return peer.SetRemoteDescription(ctx, answer)
}

// RestartPeer asks Janus for an ICE restart of the handle's subscription
// (a Watch of the current mountpoint with Restart set; req.Mountpoint and req.Pin
// as for the first watch) and answers the new offer with peer, as
// Renegotiate does. The peer's new candidates are trickled through the
// link WatchPeer set up.
func (h *Handle) RestartPeer(ctx context.Context, req WatchRequest, peer core.Peer) (Status, error) {
	req.Restart = true
	offer, err := h.Watch(ctx, req)
	if err != nil {
		return "", err
	}
	return h.Renegotiate(ctx, peer, offer)
}

// Renegotiate answers an offer of Janus for this handle's subscription
// (from Watch) with peer and sends the answer with Start. It returns what
// Start returned.
func (h *Handle) Renegotiate(ctx context.Context, peer core.Peer, offer *core.JSEP) (Status, error) {
	var status Status
	err := core.AnswerOffer(ctx, peer, offer, func(ctx context.Context, answer *core.JSEP) (err error) {
		status, err = h.Start(ctx, answer)
		return err
	})
	return status, err
}
