package core_test

import (
	"context"
	"log"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// Both directions of a VideoRoom subscriber's negotiation: SubscribePeer
// answers Janus's offer and trickles the peer's candidates; the loop over
// the subscription's events gives Janus's candidates to the peer and
// answers the offers Janus sends on its own with the subscriber's start.
func ExampleHandleNegotiation() {
	ctx := context.Background()
	var s *core.Session // a session
	var peer core.Peer  // native.NewPeer, or the browser's in WebAssembly
	var room, feed core.ID
	sub, _, err := videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: feed}}}, peer, nil)
	if err != nil {
		log.Fatal(err)
	}
	for ev := range sub.Events() {
		if handled, err := core.HandleNegotiation(ctx, ev, peer, sub.Start); handled {
			if err != nil {
				log.Print(err)
			}
			continue
		}
		// The events left to the application: *videoroom.Updated without
		// an offer, *core.WebRTCUp, *core.Hangup...
	}
}
