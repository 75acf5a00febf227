package videoroom

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// The negotiation flows below are written once against core.Peer, so the
// same publish and subscribe code runs with pion natively and with the
// browser's RTCPeerConnection in WebAssembly.

// PublishPeer publishes the tracks already added to peer: it trickles the
// peer's candidates to the handle, sends peer's offer with req, and applies
// Janus's answer. onTrickleErr (may be nil) receives trickle failures.
// Janus's own candidates come on Events: see core.HandleNegotiation.
func (p *Publisher) PublishPeer(ctx context.Context, peer core.Peer, req PublishRequest, onTrickleErr func(error)) (*Configured, error) {
	core.LinkCandidates(ctx, p.Handle.Handle, peer, onTrickleErr)
	offer, err := peer.CreateOffer(ctx)
	if err != nil {
		return nil, err
	}
	conf, err := p.Publish(ctx, req, offer)
	if err != nil {
		return nil, err
	}
	if err := peer.SetRemoteDescription(ctx, conf.JSEP); err != nil {
		return nil, err
	}
	return conf, nil
}

// SubscribePeer attaches a new handle, subscribes to req.Streams, answers
// Janus's offer with peer and starts the media. Renegotiations (the
// Updated answers of Subscribe, Unsubscribe and Update) are answered with
// Renegotiate; Updated events with an offer, and Janus's candidates, by
// core.HandleNegotiation with Start.
func SubscribePeer(ctx context.Context, s *core.Session, req SubscribeRequest, peer core.Peer, onTrickleErr func(error), opts ...core.CallOption) (*Subscriber, *Attached, error) {
	sub, att, err := Subscribe(ctx, s, req, opts...)
	if err != nil {
		return nil, nil, err
	}
	core.LinkCandidates(ctx, sub.Handle.Handle, peer, onTrickleErr)
	if err := sub.Renegotiate(ctx, peer, att.JSEP); err != nil {
		_ = sub.Detach(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	return sub, att, nil
}

// Renegotiate answers an offer of Janus for this subscription with peer
// and sends the answer with Start.
func (s *Subscriber) Renegotiate(ctx context.Context, peer core.Peer, offer *core.JSEP) error {
	return core.AnswerOffer(ctx, peer, offer, s.Start)
}
