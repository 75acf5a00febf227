package streaming_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
)

func ExampleAttach() {
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
	h, err := streaming.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	// A mountpoint fed with VP8 and Opus RTP on 127.0.0.1 (for example by
	// ffmpeg or GStreamer).
	mp, err := h.Create(ctx, streaming.CreateRequest{
		Type: streaming.SourceRTP, Description: "camera", Pin: "1234",
		Media: []streaming.StreamConfig{
			{Type: streaming.MediaAudio, Mid: "a", Port: 5002, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"},
			{Type: streaming.MediaVideo, Mid: "v", Port: 5004, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
		},
	})
	if err != nil {
		panic(err)
	}
	offer, err := h.Watch(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint, Pin: "1234"})
	if err != nil {
		panic(err)
	}
	var answer *core.JSEP // a core.Peer's answer to offer
	_ = offer
	if _, err := h.Start(ctx, answer); err != nil {
		panic(err)
	}
	for ev := range h.Events() {
		switch ev := ev.(type) {
		case *streaming.StatusChanged:
			fmt.Println("status:", ev.Status)
			if ev.Status == streaming.StatusStopped {
				return
			}
		case *streaming.Edited:
			fmt.Println("new metadata:", ev.Metadata)
		}
	}
}

func ExampleNewAdmin() {
	ctx := context.Background()
	ca, err := core.DialAdmin(ctx, "http://127.0.0.1:7088/admin", core.WithAdminSecret("janusoverlord"))
	if err != nil {
		panic(err)
	}
	defer ca.Close()
	a := streaming.NewAdmin(ca)
	list, err := a.List(ctx)
	if err != nil {
		panic(err)
	}
	for _, mp := range list {
		fmt.Println(mp.ID, mp.Description, mp.Enabled)
	}
}

// A viewer that makes the offer (Janus 1.1.4 and later), as WHEP players
// do: the peer (native.Peer, or the browser's in WebAssembly) has
// receive-only audio and video transceivers; a batched Configure (Janus
// 1.2.0 and later) then turns video off and keeps audio.
func ExampleHandle_WatchOfferPeer() {
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
	h, err := streaming.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	var peer core.Peer // with receive-only transceivers
	err = h.WatchOfferPeer(ctx, streaming.WatchRequest{Mountpoint: core.NumID(1)}, peer, nil)
	if errors.Is(err, core.ErrUnsupported) {
		fmt.Println("Janus older than 1.1.4:", err)
		return
	}
	if err != nil {
		panic(err)
	}
	err = h.Configure(ctx, streaming.ConfigureRequest{Streams: []streaming.StreamSettings{
		{Mid: "v", Send: core.Ptr(false)},
		{Mid: "a", Send: core.Ptr(true)},
	}})
	if err != nil {
		panic(err)
	}
}
