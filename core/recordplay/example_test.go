package recordplay_test

import (
	"context"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/recordplay"
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
	h, err := recordplay.Attach(ctx, s)
	if err != nil {
		panic(err)
	}

	// Record: the offer of a core.Peer that sends audio and video.
	var offer *core.JSEP
	rec, err := h.Record(ctx, recordplay.RecordRequest{Name: "greeting"}, offer)
	if err != nil {
		panic(err)
	}
	_ = rec.JSEP // Janus's answer, for the Peer
	// ... media flows for a while ...
	stopped, err := h.Stop(ctx)
	if err != nil {
		panic(err)
	}

	// Janus says *Done just before it closes the files: wait until the
	// recording is complete.
	if _, err := h.WaitCompleted(ctx, stopped.Recording); err != nil {
		panic(err)
	}

	// Play it back on another handle, to a Peer that receives.
	list, err := h.List(ctx)
	if err != nil {
		panic(err)
	}
	for _, r := range list {
		fmt.Println(r.Recording, r.Name, r.AudioCodec, r.VideoCodec)
	}
	viewer, err := recordplay.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	prep, err := viewer.Play(ctx, recordplay.PlayRequest{Recording: stopped.Recording})
	if err != nil {
		panic(err)
	}
	_ = prep.JSEP         // Janus's offer, for the Peer
	var answer *core.JSEP // the Peer's answer
	if _, err := viewer.Start(ctx, answer); err != nil {
		panic(err)
	}
	for ev := range viewer.Events() {
		if _, done := ev.(*recordplay.Done); done {
			break // the whole recording was played
		}
	}
}
