package nosip_test

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/nosip"
)

// A WebRTC peer calls a plain-RTP peer: the WebRTC offer becomes a plain
// SDP for the application's own signalling, and the plain answer a WebRTC
// one.
func ExampleHandle_OfferPeer() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		panic(err)
	}
	h, err := nosip.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	var peer core.Peer // native.NewPeer, or the browser's in WebAssembly, with its tracks added
	gen, err := h.OfferPeer(ctx, nosip.GenerateRequest{SRTP: nosip.SRTPOptional}, peer, nil)
	if err != nil {
		panic(err)
	}
	plainAnswer := signal(gen.SDP) // SIP, XMPP, a file for ffmpeg...
	if _, err := h.AnsweredPeer(ctx, nosip.ProcessRequest{SDP: plainAnswer}, peer); err != nil {
		panic(err)
	}
	// Media flows; record both sides of the call on the server.
	_, err = h.StartRecording(ctx, nosip.RecordRequest{
		Audio: true, Video: true, PeerAudio: true, PeerVideo: true, Filename: "/var/lib/janus/call-1"})
	if err != nil {
		panic(err)
	}
	for ev := range h.Events() {
		if _, over := ev.(*core.Hangup); over {
			break
		}
	}
}

// signal stands for the application's signalling with the plain peer.
func signal(offer string) (answer string) { return "" }
