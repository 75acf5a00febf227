package core

import (
	"context"
	"fmt"
)

// AnswerFunc sends a Peer's SDP answer to one of Janus's offers with the
// plugin's own request: "start" for a VideoRoom subscriber
// (videoroom.Subscriber.Start) or a Streaming watcher, "set" in a
// VideoCall, and so on.
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
// trickles its candidates only when configured with full_trickle; it
// sends them before the SDP they belong to, which the Peer keeps them for.
func HandleNegotiation(ctx context.Context, ev Event, peer Peer, answer AnswerFunc) (handled bool, err error) {
	switch ev := ev.(type) {
	case *Trickle:
		if err := peer.AddRemoteCandidate(ev.Candidate); err != nil {
			return true, fmt.Errorf("janus: adding a candidate of the server: %w", err)
		}
		return true, nil
	case carriesPluginEvent:
		pe := ev.pluginEvent()
		if answer == nil || pe == nil || pe.JSEP == nil || pe.JSEP.Type != "offer" {
			return false, nil
		}
		if err := peer.SetRemoteDescription(ctx, pe.JSEP); err != nil {
			return true, err
		}
		a, err := peer.CreateAnswer(ctx)
		if err != nil {
			return true, err
		}
		if err := answer(ctx, a); err != nil {
			return true, fmt.Errorf("janus: sending the answer to a renegotiation: %w", err)
		}
		return true, nil
	}
	return false, nil
}

// carriesPluginEvent is a *PluginEvent, or a plugin package's typed event
// that embeds one.
type carriesPluginEvent interface{ pluginEvent() *PluginEvent }

func (e *PluginEvent) pluginEvent() *PluginEvent { return e }
