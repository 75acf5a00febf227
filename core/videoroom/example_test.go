package videoroom_test

import (
	"context"
	"errors"
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

// A publisher of one Janus (A) made available in a room of another (B):
// a remote publisher on B with the publisher's streams, then A sends it
// there, encrypted when B has Janus 1.3.0 or later.
func ExampleRemoteStreams() {
	ctx := context.Background()
	var onA, onB *videoroom.Handle // handles on each server (videoroom.Attach)
	var pub *videoroom.Publisher   // publishing on A
	var conf *videoroom.Configured // its Publish answer
	roomA, roomB := core.NumID(1), core.NumID(2)
	add := videoroom.AddRemotePublisherRequest{Room: roomB, Display: "alice@A", Streams: videoroom.RemoteStreams(conf.Streams),
		SRTPSuite: 80, SRTPCrypto: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNk"} // 30 bytes of key and salt
	rp, err := onB.AddRemotePublisher(ctx, add)
	if errors.Is(err, core.ErrUnsupported) {
		// B is older: plain RTP, on a network A and B trust.
		add.SRTPSuite, add.SRTPCrypto = 0, ""
		rp, err = onB.AddRemotePublisher(ctx, add)
	}
	if err != nil {
		panic(err)
	}
	_, err = onA.PublishRemotely(ctx, videoroom.PublishRemotelyRequest{Room: roomA, Participant: pub.ParticipantID(),
		RemoteID: "to-b", Host: "b.example", Port: rp.Port, RTCPPort: rp.RTCPPort, SRTPSuite: add.SRTPSuite, SRTPCrypto: add.SRTPCrypto})
	if err != nil {
		panic(err)
	}
	// B's participants now see rp.Participant publish, and subscribe to it.
}
