package sip

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// The negotiation flows below are written once against core.Peer, so the
// same call code runs with pion natively and with the browser's
// RTCPeerConnection in WebAssembly. An outgoing call goes:
//
//	CallPeer                 (the INVITE goes out with the peer's offer)
//	(*Ringing, *Progress or *Accepted arrive) Answered
//
// and an incoming one:
//
//	(*IncomingCall arrives)  AcceptPeer

// CallPeer calls req.URI with the tracks already added to peer: it
// trickles the peer's candidates to the handle and sends peer's offer
// with Call. Janus's answer arrives later, in a *Progress or *Accepted
// event: give it to Answered. onTrickleErr (may be nil) receives trickle
// failures. The errors are those of Call.
func (h *Handle) CallPeer(ctx context.Context, req CallRequest, peer core.Peer, onTrickleErr func(error)) (*Calling, error) {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	return h.Call(ctx, req, offer)
}

// Answered applies the SDP answer an event carries to the caller's peer:
// the JSEP of a *Progress or *Accepted (the callee answered), or of an
// *Accepted answering an Update offer. An event without an SDP answer
// (the *Accepted after a *Progress) is an error matching
// core.ErrBadAnswer: there is nothing left to apply.
func (h *Handle) Answered(ctx context.Context, ev core.Event, peer core.Peer) error {
	pe := core.PluginEventOf(ev)
	if pe == nil || pe.JSEP == nil || pe.JSEP.Type != "answer" {
		return errfmt.Errorf("janus: sip: %w: the event has no SDP answer", core.ErrBadAnswer)
	}
	return peer.SetRemoteDescription(ctx, pe.JSEP)
}

// AcceptPeer accepts an incoming call with peer: it trickles the peer's
// candidates to the handle, applies Janus's offer of the *IncomingCall
// event, and sends peer's answer with Accept (and req). Tracks to send
// should be added to peer before (they take the offer's transceivers of
// their kind). onTrickleErr (may be nil) receives trickle failures. An
// INVITE without SDP cannot be accepted this way.
func (h *Handle) AcceptPeer(ctx context.Context, incoming *IncomingCall, peer core.Peer, onTrickleErr func(error), req ...AnswerRequest) error {
	if incoming == nil || incoming.JSEP == nil || incoming.JSEP.Type != "offer" {
		return errfmt.Errorf("janus: sip: %w: the incoming call has no SDP offer", core.ErrBadAnswer)
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	return core.AnswerOffer(ctx, peer, incoming.JSEP, func(ctx context.Context, answer *core.JSEP) error {
		_, err := h.Accept(ctx, answer, req...)
		return err
	})
}
