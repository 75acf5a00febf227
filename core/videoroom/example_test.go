package videoroom_test

import (
	"context"
	"fmt"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// A participant joins a room, publishes, and renders who is in the room
// from its roster.
func ExampleJoinPublisher() {
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
	pub, joined, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: core.NumID(1234), Display: "alice"})
	if err != nil {
		panic(err)
	}
	fmt.Println("joined", joined.Room, "as", pub.ParticipantID(), "with", len(joined.Publishers), "publishers")
	stop := pub.Roster().OnChange(func(c videoroom.RosterChange) {
		for _, p := range pub.Roster().Participants() {
			fmt.Println(p.Display, p.Publisher, p.Talking)
		}
	})
	defer stop()

	var offer *core.JSEP // from a core.Peer
	conf, err := pub.Publish(ctx, videoroom.PublishRequest{
		Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "microphone"}},
	}, offer)
	if err != nil {
		panic(err)
	}
	_ = conf.JSEP // the SDP answer: give it to the Peer
	for ev := range pub.Events() {
		switch ev := ev.(type) {
		case *videoroom.Publishers:
			fmt.Println(len(ev.Publishers), "new feeds to subscribe to")
		case *videoroom.Kicked, *videoroom.Destroyed:
			return
		}
	}
}

// A subscription to every stream of one publisher.
func ExampleSubscribe() {
	ctx := context.Background()
	var s *core.Session // from core.Client.CreateSession
	sub, attached, err := videoroom.Subscribe(ctx, s, videoroom.SubscribeRequest{
		Room:    core.NumID(1234),
		Streams: []videoroom.SubscribeStream{{Feed: core.NumID(42)}},
	})
	if err != nil {
		panic(err)
	}
	_ = attached.JSEP // Janus's offer: give it to the Peer, which answers
	var answer *core.JSEP
	if err := sub.Start(ctx, answer); err != nil {
		panic(err)
	}
	for ev := range sub.Events() {
		if up, ok := ev.(*videoroom.Updated); ok && up.JSEP != nil {
			_ = up.JSEP // a renegotiation offer: answer it with Start
		}
	}
}

// Room management from any handle.
func ExampleHandle_Create() {
	ctx := context.Background()
	var s *core.Session // from core.Client.CreateSession
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	room, err := h.Create(ctx, videoroom.CreateRequest{Description: "standup", Secret: "admin", NotifyJoining: true, Publishers: 10})
	if err != nil {
		panic(err)
	}
	parts, err := h.ListParticipants(ctx, room.Room)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(parts))
	if _, err := h.Destroy(ctx, videoroom.DestroyRequest{Room: room.Room, Secret: "admin"}); err != nil {
		panic(err)
	}
}
