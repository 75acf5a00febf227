package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// The negotiation flows below are written once against core.Peer, so the
// same code runs with pion natively and with the browser's
// RTCPeerConnection in WebAssembly. When the WebRTC side calls:
//
//	OfferPeer      -> the plain offer (Generated.SDP), for the plain peer
//	AnsweredPeer   <- the plain peer's answer; media flows
//
// and when the plain peer calls:
//
//	AnswerPeer     <- the plain peer's offer; -> the plain answer

// OfferPeer starts a session from the WebRTC side with the tracks already
// added to peer: it trickles the peer's candidates to the handle and
// sends peer's offer with Generate. The plain offer it returns goes to
// the plain peer, whose answer goes to AnsweredPeer. onTrickleErr (may be
// nil) receives trickle failures.
func (h *Handle) OfferPeer(ctx context.Context, req GenerateRequest, peer core.Peer, onTrickleErr func(error)) (*Generated, error) {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	return h.Generate(ctx, req, offer)
}

// AnsweredPeer sends the plain peer's answer to OfferPeer's offer with
// Process (req.Type may be left empty: it is Answer) and applies Janus's
// WebRTC answer to peer. Media flows from then on.
func (h *Handle) AnsweredPeer(ctx context.Context, req ProcessRequest, peer core.Peer) (*Processed, error) {
	if req.Type == "" {
		req.Type = Answer
	}
	p, err := h.Process(ctx, req)
	if err != nil {
		return nil, err
	}
	if p.JSEP.Type != Answer {
		return nil, errfmt.Errorf("janus: nosip: process: %w: a WebRTC %q, an answer expected", core.ErrBadAnswer, p.JSEP.Type)
	}
	return p, peer.SetRemoteDescription(ctx, p.JSEP)
}

// AnswerPeer answers the plain peer's offer (offer.Type may be left
// empty: it is Offer) with peer: it trickles the peer's candidates to the
// handle, sends the offer with Process, answers Janus's WebRTC offer with
// peer and sends that answer with Generate (and req). The plain answer it
// returns goes back to the plain peer; media flows from then on. Tracks
// to send should be added to peer before (they take the offer's
// transceivers of their kind). onTrickleErr (may be nil) receives trickle
// failures.
func (h *Handle) AnswerPeer(ctx context.Context, offer ProcessRequest, req GenerateRequest, peer core.Peer, onTrickleErr func(error)) (*Generated, error) {
	if offer.Type == "" {
		offer.Type = Offer
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	p, err := h.Process(ctx, offer)
	if err != nil {
		return nil, err
	}
	var gen *Generated
	err = core.AnswerOffer(ctx, peer, p.JSEP, func(ctx context.Context, answer *core.JSEP) error {
		gen, err = h.Generate(ctx, req, answer)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen, nil
}
