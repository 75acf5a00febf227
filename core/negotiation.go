package core

import "context"

// AnswerFunc sends a Peer's SDP answer to one of Janus's offers with the
// plugin's own request, such as a VideoRoom subscriber's "start"
// (videoroom.Subscriber.Start is one).
type AnswerFunc func(ctx context.Context, answer *JSEP) error

// HandleNegotiation is the return half of [LinkCandidates]: it does what
// one event of a handle's stream asks of the handle's Peer, and reports
// whether the event was one of those. The caller keeps its own loop over
// the handle's events and passes each event to it:
//
//   - a [*Trickle], a candidate of Janus or its end-of-candidates marker,
//     goes to peer.AddRemoteCandidate;
//   - a plugin event that carries an SDP offer, Janus renegotiating the
//     PeerConnection on its own (a VideoRoom subscription that was
//     updated while an earlier offer was unanswered, or whose publisher
//     went away), is set on peer, and peer's answer is sent with answer.
//     With a nil answer such events are left to the caller (handled is
//     false): pass nil on handles whose offers are not renegotiations,
//     such as a VideoCall handle, whose incoming call is an offer to
//     accept or decline.
//
// Other events, SDP answers included, are left to the caller. Janus
// trickles its candidates only when configured with full_trickle, and
// sends them before the SDP they belong to; a Peer keeps such candidates
// until its remote description is set, so the loop may run while a flow
// of a plugin package negotiates.
func HandleNegotiation(ctx context.Context, ev Event, peer Peer, answer AnswerFunc) (handled bool, err error) {
	if t, ok := ev.(*Trickle); ok {
		if err := peer.AddRemoteCandidate(t.Candidate); err != nil {
			return true, errorf("adding a candidate of the server: %w", err)
		}
		return true, nil
	}
	if answer == nil {
		return false, nil
	}
	if pe := PluginEventOf(ev); pe != nil && pe.JSEP != nil && pe.JSEP.Type == "offer" {
		return true, AnswerOffer(ctx, peer, pe.JSEP, answer)
	}
	return false, nil
}

// AnswerOffer answers an SDP offer of Janus with peer: it sets the offer
// as the peer's remote description, creates the answer and sends it with
// answer (the plugin's own request: a VideoRoom subscriber's Start, a
// TextRoom Ack...). An offer that is missing or not an offer is an error
// matching ErrBadAnswer. The plugin packages' flows and HandleNegotiation
// answer every offer through it.
func AnswerOffer(ctx context.Context, peer Peer, offer *JSEP, answer AnswerFunc) error {
	if offer == nil || offer.Type != "offer" {
		return errorf("%w: no SDP offer to answer", ErrBadAnswer)
	}
	if err := peer.SetRemoteDescription(ctx, offer); err != nil {
		return err
	}
	a, err := peer.CreateAnswer(ctx)
	if err != nil {
		return err
	}
	return answer(ctx, a)
}
