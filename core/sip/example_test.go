package sip_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
)

// Register at a SIP registrar, call a SIP URI with a Peer (native.Peer
// or the browser's), and hang up when the callee does.
func Example() {
	ctx := context.Background()
	var peer core.Peer // a native.NewPeer(...) with a microphone track, say

	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Destroy(ctx)
	h, err := sip.Attach(ctx, s)
	if err != nil {
		log.Fatal(err)
	}

	// The REGISTER's outcome arrives as an event.
	if _, err := h.Register(ctx, sip.RegisterRequest{
		Username: "sip:alice@example.com", Secret: "password", Proxy: "sip:example.com",
	}); err != nil {
		log.Fatal(err)
	}
	for ev := range h.Events() {
		if f, ok := ev.(*sip.RegistrationFailed); ok {
			log.Fatalf("registration failed: %d %s", f.Code, f.Reason)
		}
		if _, ok := ev.(*sip.Registered); ok {
			break
		}
	}

	if _, err := h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@example.com"}, peer, nil); err != nil {
		log.Fatal(err)
	}
	for ev := range h.Events() {
		switch ev := ev.(type) {
		case *sip.Ringing:
			fmt.Println("ringing")
		case *sip.Accepted: // the callee answered: apply Janus's SDP answer
			if err := h.Answered(ctx, ev, peer); err != nil {
				log.Fatal(err)
			}
		case *sip.Hangup:
			fmt.Println("call ended:", ev.Code, ev.Reason)
			return
		}
	}
}
