package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// demoMedia publishes the source into room from a second session and
// receives it with a subscriber on a third, then prints what went through.
func (a *app) demoMedia(ctx context.Context, client *core.Client, room core.ID, df *demoFlags, out output, sum *DemoOutput) error {
	source, err := a.parseSource(df.source)
	if err != nil {
		return err
	}
	setup, cancel := a.bounded(ctx)
	defer cancel()

	// Publisher.
	ps, err := client.CreateSession(setup)
	if err != nil {
		return err
	}
	defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = ps.Destroy(c) }()
	pub, _, err := videoroom.JoinPublisher(setup, ps, videoroom.JoinRequest{Room: room, Display: "demo publisher"})
	if err != nil {
		return err
	}
	pubPeer, err := df.mf.sendingPeer(source)
	if err != nil {
		return err
	}
	defer pubPeer.Close()
	if _, err := pub.PublishPeer(setup, pubPeer, videoroom.PublishRequest{}, nil); err != nil {
		return err
	}
	if err := waitUp(setup, "publish", pubPeer, pub.Events(), nil); err != nil {
		return err
	}
	out.step("publish", "%s into room %s as publisher %s (WebRTC up)", df.source, room, pub.ParticipantID())

	// Subscriber, before the media starts.
	ss, err := client.CreateSession(setup)
	if err != nil {
		return err
	}
	defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = ss.Destroy(c) }()
	subPeer, err := df.mf.peer()
	if err != nil {
		return err
	}
	defer subPeer.Close()
	var received trackCounter
	subPeer.PeerConnection().OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		received.add(tr, "", true)
	})
	sub, att, err := videoroom.SubscribePeer(setup, ss, videoroom.SubscribeRequest{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: pub.ParticipantID()}}}, subPeer, nil)
	if err != nil {
		return err
	}
	if err := waitUp(setup, "subscribe", subPeer, sub.Events(), sub.Start); err != nil {
		return err
	}
	out.step("subscribe", "to publisher %s: %d streams (WebRTC up)", pub.ParticipantID(), len(att.Streams))

	// Media.
	runCtx, stop := context.WithTimeout(ctx, df.mediaFor)
	err = source.Run(runCtx)
	stop()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return mediaErr(fmt.Errorf("source: %w", err))
	}
	received.untilQuiet(ctx, quietAfterSource, maxTailWait)
	_ = subPeer.Close()
	received.wait()
	ms := &MediaOutput{Publisher: Participant{ID: pub.ParticipantID(), Display: "demo publisher", Publisher: true},
		Source: df.source, DurationMS: df.mediaFor.Milliseconds(), Sent: tracksOf(source.Stats()), Received: received.summary()}
	sum.Media = ms
	for _, t := range ms.Sent {
		out.step("sent", "%-5s %s: %d frames, %d kB", t.Kind, t.Codec, t.Frames, t.Bytes/1000)
	}
	for _, t := range ms.Received {
		out.step("received", "%-5s %s: %d frames, %d RTP packets, %d kB", t.Kind, t.Codec, t.Frames, t.Packets, t.Bytes/1000)
	}
	if len(ms.Received) == 0 {
		return errors.New("the subscriber received no track")
	}
	for _, t := range ms.Received {
		if t.Frames == 0 {
			return fmt.Errorf("the subscriber received no %s frame", t.Kind)
		}
	}
	c, cancel := cleanupContext(ctx)
	defer cancel()
	if err := sub.Leave(c); err != nil {
		return err
	}
	if err := pub.Leave(c); err != nil {
		return err
	}
	out.step("leave", "publisher and subscriber left the room")
	return nil
}
