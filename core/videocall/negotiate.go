package videocall

import (
	"context"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
)

// The negotiation flows below are written once against core.Peer, so the
// same call code runs with pion natively and with the browser's
// RTCPeerConnection in WebAssembly. A call goes:
//
//	caller: CallPeer                 callee: (gets *IncomingCall)
//	                                         AcceptPeer
//	caller: (gets *Accepted) Answered
//
// and a renegotiation (either side, during the call):
//
//	side A: RenegotiatePeer          side B: (gets *Update, an offer)
//	                                         UpdatePeer (answers with Set)
//	side A: (gets *Update, the answer) UpdatePeer

// CallPeer calls username with the tracks already added to peer: it
// trickles the peer's candidates to the handle and sends peer's offer
// with Call. Janus's answer arrives later, in the *Accepted event of the
// callee's acceptance: give it to Answered. onTrickleErr (may be nil)
// receives trickle failures. The errors are those of Call (ErrUserBusy,
// ErrNoSuchUsername, ...).
func (h *Handle) CallPeer(ctx context.Context, username string, peer core.Peer, onTrickleErr func(error)) (*Calling, error) {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	return h.Call(ctx, username, offer)
}

// AcceptPeer accepts an incoming call with peer: it trickles the peer's
// candidates to the handle, applies Janus's offer of the *IncomingCall
// event, and sends peer's answer with Accept. Tracks to send should be
// added to peer before (they take the offer's transceivers of their
// kind). onTrickleErr (may be nil) receives trickle failures.
func (h *Handle) AcceptPeer(ctx context.Context, incoming *IncomingCall, peer core.Peer, onTrickleErr func(error)) error {
	if incoming == nil || incoming.JSEP == nil || incoming.JSEP.Type != "offer" {
		return errors.New("janus: videocall: the incoming call has no SDP offer")
	}
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	return core.AnswerOffer(ctx, peer, incoming.JSEP, func(ctx context.Context, answer *core.JSEP) error {
		_, err := h.Accept(ctx, answer)
		return err
	})
}

// Answered applies Janus's answer, carried by the *Accepted event the
// caller gets when the callee accepts, to the caller's peer.
func (h *Handle) Answered(ctx context.Context, accepted *Accepted, peer core.Peer) error {
	if accepted == nil || accepted.JSEP == nil || accepted.JSEP.Type != "answer" {
		return errors.New("janus: videocall: the accepted event has no SDP answer")
	}
	return peer.SetRemoteDescription(ctx, accepted.JSEP)
}

// RenegotiatePeer renegotiates the call from this side: it sends a new
// offer of peer with Set (and req, whose Restart asks for an ICE restart).
// The other party gets an *Update with Janus's offer (for UpdatePeer);
// Janus's answer comes back here as an *Update too, for UpdatePeer.
func (h *Handle) RenegotiatePeer(ctx context.Context, req SetRequest, peer core.Peer) (*SetDone, error) {
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	return h.Set(ctx, req, offer)
}

// UpdatePeer handles an *Update event with peer. An offer (the other
// party renegotiated) is applied and answered with Set; an answer (to
// this side's RenegotiatePeer) is applied. An update without SDP is an
// error.
func (h *Handle) UpdatePeer(ctx context.Context, up *Update, peer core.Peer) error {
	if up == nil || up.JSEP == nil {
		return errors.New("janus: videocall: the update has no SDP")
	}
	switch up.JSEP.Type {
	case "answer":
		return peer.SetRemoteDescription(ctx, up.JSEP)
	case "offer":
		return core.AnswerOffer(ctx, peer, up.JSEP, func(ctx context.Context, answer *core.JSEP) error {
			_, err := h.Set(ctx, SetRequest{}, answer)
			return err
		})
	}
	return fmt.Errorf("janus: videocall: update with SDP of type %q", up.JSEP.Type)
}
