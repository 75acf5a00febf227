package core

import "context"

// Peer is what the core needs from one WebRTC PeerConnection. The native
// package implements it with pion/webrtc, the wasm package with the
// browser's RTCPeerConnection; the negotiation flows of the plugin
// packages are written once against it.
type Peer interface {
	// CreateOffer creates an SDP offer and sets it as the local
	// description.
	CreateOffer(ctx context.Context) (*JSEP, error)
	// CreateAnswer creates an SDP answer to the remote offer and sets it
	// as the local description.
	CreateAnswer(ctx context.Context) (*JSEP, error)
	// SetRemoteDescription applies the server's offer or answer.
	SetRemoteDescription(ctx context.Context, j *JSEP) error
	// AddRemoteCandidate adds an ICE candidate the server trickled, or
	// takes note of its end-of-candidates marker (Completed). A candidate
	// added before SetRemoteDescription is kept and added with the
	// description: Janus trickles its candidates before the SDP they
	// belong to.
	AddRemoteCandidate(c Candidate) error
	// OnLocalCandidate registers the function called for every local ICE
	// candidate, and once with Completed set when gathering is done.
	OnLocalCandidate(fn func(Candidate))
	// OnStateChange registers the function called when the connection
	// state changes ("new", "connecting", "connected", "disconnected",
	// "failed", "closed").
	OnStateChange(fn func(state string))
	// Close closes the PeerConnection.
	Close() error
}

// LinkCandidates links a Peer to a handle: every local candidate is trickled to
// the server (errors go to onErr, which may be nil). Call it before creating
// the offer or answer. The other direction, the candidates and the
// renegotiation offers the server sends on the handle's events, is
// [HandleNegotiation]'s, called from the caller's event loop.
func LinkCandidates(ctx context.Context, h *Handle, p Peer, onErr func(error)) {
	p.OnLocalCandidate(func(c Candidate) {
		var err error
		if c.Completed {
			err = h.TrickleCompleted(ctx)
		} else {
			err = h.Trickle(ctx, c)
		}
		if err != nil && onErr != nil {
			onErr(err)
		}
	})
}
