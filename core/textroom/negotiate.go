package textroom

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// SetupPeer negotiates the handle's data channel PeerConnection with
// peer, written once against core.Peer (pion natively, the browser's
// RTCPeerConnection in WebAssembly): it trickles the peer's candidates to
// the handle, asks the plugin for its offer (Setup), applies it, and
// sends peer's answer with Ack. onTrickleErr (may be nil) receives
// trickle failures.
//
// The data channel itself is platform specific: once the PeerConnection
// is up, wrap it as a DataChannel and chat over it with NewChat.
func (h *Handle) SetupPeer(ctx context.Context, peer core.Peer, onTrickleErr func(error)) error {
	core.LinkCandidates(ctx, h.Handle, peer, onTrickleErr)
	offer, err := h.Setup(ctx)
	if err != nil {
		return err
	}
	return core.AnswerOffer(ctx, peer, offer, h.Ack)
}
