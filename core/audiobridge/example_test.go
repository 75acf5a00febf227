package audiobridge_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
)

// Join a room, send the offer of a PeerConnection, and follow the other
// participants.
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
	h, err := audiobridge.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	var offer *core.JSEP // from a core.Peer
	joined, err := h.Join(ctx, audiobridge.JoinRequest{Room: core.NumID(1234), Display: "alice"}, offer)
	if errors.Is(err, audiobridge.ErrNoSuchRoom) {
		fmt.Println("no such room")
		return
	} else if err != nil {
		panic(err)
	}
	_ = joined.JSEP // the answer, for the Peer
	for _, p := range joined.Participants {
		fmt.Println("already here:", p.Display)
	}
	for ev := range h.Events() {
		switch ev := ev.(type) {
		case *audiobridge.ParticipantsJoined:
			fmt.Println("joined:", ev.Participants[0].Display)
		case *audiobridge.ParticipantsUpdated:
			for _, p := range ev.Participants {
				fmt.Println(p.Display, "muted:", p.Muted)
			}
		case *audiobridge.Leaving:
			fmt.Println("left:", ev.Participant)
		case *audiobridge.Kicked:
			if ev.Participant == joined.Participant {
				return
			}
		case *audiobridge.Destroyed:
			return
		}
	}
}

// Create a protected room, mute a participant, and forward the mix as RTP.
func ExampleHandle_Create() {
	ctx := context.Background()
	var h *audiobridge.Handle // from audiobridge.Attach
	room, err := h.Create(ctx, audiobridge.CreateRequest{
		Description: "Weekly sync", Secret: "adminpwd", Pin: "4321",
		SamplingRate: 48000, AudioLevelEvent: true,
	})
	if err != nil {
		panic(err)
	}
	participants, err := h.ListParticipants(ctx, room.Room)
	if err != nil {
		panic(err)
	}
	for _, p := range participants {
		if p.Display == "noisy" {
			if err := h.Mute(ctx, audiobridge.ParticipantRequest{Room: room.Room, Secret: "adminpwd", Participant: p.ID}); err != nil {
				panic(err)
			}
		}
	}
	fwd, err := h.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: room.Room, Secret: "adminpwd", Host: "127.0.0.1", Port: 5002})
	if err != nil {
		panic(err)
	}
	fmt.Println("forwarding as stream", fwd.StreamID)
}

// Take a participant out of the mix for a while (Janus 1.2.1 and later),
// then bring it back; on an older server Suspend fails before sending.
func ExampleHandle_Suspend() {
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
	h, err := audiobridge.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	room, who := core.NumID(1234), core.NumID(42)
	err = h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: "adminpwd", Participant: who, PauseEvents: true})
	if errors.Is(err, core.ErrUnsupported) {
		fmt.Println(err) // janus: audiobridge suspend needs Janus 1.2.1 or later (the server is 1.1.2)
		return
	}
	if err != nil {
		panic(err)
	}
	// ... later: it hears the room again, and gets a recap of who is there.
	if err := h.Resume(ctx, audiobridge.ResumeRequest{Room: room, Secret: "adminpwd", Participant: who}); err != nil {
		panic(err)
	}
}
