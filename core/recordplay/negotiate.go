package recordplay

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// The negotiation flows below are written once against core.Peer, so the
// same recording and playing code runs with pion natively and with the
// browser's RTCPeerConnection in WebAssembly. Recording: the peer offers
// what it sends, Janus answers. Playing: Janus offers what the recording
// holds, the peer answers with Start.

// RecordPeer records what peer sends (its tracks added before): it
// trickles the peer's candidates to the handle, sends the peer's offer
// with Record and applies Janus's answer. Media flows once the handle's
// *core.WebRTCUp arrives; Stop ends the recording. ctx also bounds the
// trickling of the peer's later candidates; onTrickleErr (may be nil)
// receives trickle failures. The errors are those of Record.
func (h *Handle) RecordPeer(ctx context.Context, req RecordRequest, peer core.Peer, onTrickleErr func(error)) (*Recording, error) {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := h.Record(ctx, req, offer)
	if err != nil {
		return nil, err
	}
	if err := peer.SetRemoteDescription(ctx, rec.JSEP); err != nil {
		return nil, err
	}
	return rec, nil
}

// PlayPeer plays a recording to peer: it trickles the peer's candidates
// to the handle, sends Play, applies Janus's offer to peer and sends the
// peer's answer with Start. The playout ends by itself at the end of the
// recording (a *Done event), or with Stop. The errors are those of Play
// (ErrNoSuchRecording, ...) and Start.
func (h *Handle) PlayPeer(ctx context.Context, req PlayRequest, peer core.Peer, onTrickleErr func(error)) (*Playing, error) {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	prep, err := h.Play(ctx, req)
	if err != nil {
		return nil, err
	}
	var playing *Playing
	err = core.AnswerOffer(ctx, peer, prep.JSEP, func(ctx context.Context, answer *core.JSEP) (err error) {
		playing, err = h.Start(ctx, answer)
		return err
	})
	return playing, err
}
