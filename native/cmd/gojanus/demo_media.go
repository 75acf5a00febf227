package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// mediaSummary is the media part of the demo's JSON output.
type mediaSummary struct {
	Publisher core.ID             `json:"publisher"`
	Source    string              `json:"source"`
	Sent      []native.TrackStats `json:"sent"`
	Received  []native.TrackStats `json:"received"`
}

// demoMedia publishes the source into room from a second session and
// receives it with a subscriber on a third, then prints what went through.
func demoMedia(ctx context.Context, client *core.Client, room core.ID, df *demoFlags, out output, sum *demoSummary) error {
	cleanup := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	}
	source, err := native.ParseSource(df.source)
	if err != nil {
		return err
	}
	// Publisher.
	ps, err := client.CreateSession(ctx)
	if err != nil {
		return err
	}
	defer func() { c, cancel := cleanup(); defer cancel(); _ = ps.Destroy(c) }()
	pub, _, err := videoroom.JoinPublisher(ctx, ps, videoroom.PublisherJoin{Room: room, Display: "demo publisher"})
	if err != nil {
		return err
	}
	pubPeer, err := df.mf.peer()
	if err != nil {
		return err
	}
	defer pubPeer.Close()
	for _, tr := range source.Tracks() {
		if _, err := pubPeer.AddTrack(tr); err != nil {
			return err
		}
	}
	if _, err := pub.PublishPeer(ctx, pubPeer, videoroom.PublishOptions{}, nil); err != nil {
		return err
	}
	if err := waitUp(ctx, pubPeer, pub.Events()); err != nil {
		return err
	}
	out.step("publish", "%s into room %s as publisher %s (WebRTC up)", df.source, room, pub.ParticipantID())

	// Subscriber, before the media starts.
	ss, err := client.CreateSession(ctx)
	if err != nil {
		return err
	}
	defer func() { c, cancel := cleanup(); defer cancel(); _ = ss.Destroy(c) }()
	subPeer, err := df.mf.peer()
	if err != nil {
		return err
	}
	defer subPeer.Close()
	var mu sync.Mutex
	var received []*native.TrackStats
	var readers sync.WaitGroup
	subPeer.PeerConnection().OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		st := &native.TrackStats{ID: tr.ID(), Kind: tr.Kind().String(), Codec: tr.Codec().MimeType}
		mu.Lock()
		received = append(received, st)
		mu.Unlock()
		readers.Add(1)
		go func() {
			defer readers.Done()
			video := tr.Kind() == webrtc.RTPCodecTypeVideo
			for {
				pkt, _, err := tr.ReadRTP()
				if err != nil {
					return
				}
				mu.Lock()
				st.Packets++
				st.Bytes += uint64(len(pkt.Payload))
				if !video || pkt.Marker {
					st.Frames++
				}
				mu.Unlock()
			}
		}()
	})
	sub, att, err := videoroom.SubscribePeer(ctx, ss, videoroom.SubscriberJoin{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: pub.ParticipantID()}}}, subPeer, nil)
	if err != nil {
		return err
	}
	if err := waitUp(ctx, subPeer, sub.Events()); err != nil {
		return err
	}
	out.step("subscribe", "to publisher %s: %d streams (WebRTC up)", pub.ParticipantID(), len(att.Streams))

	// Media.
	runCtx, stop := context.WithTimeout(ctx, df.mediaFor)
	err = source.Run(runCtx)
	stop()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("source: %w", err)
	}
	time.Sleep(300 * time.Millisecond) // in flight
	_ = subPeer.Close()
	readers.Wait()
	ms := &mediaSummary{Publisher: pub.ParticipantID(), Source: df.source, Sent: source.Stats()}
	for _, t := range ms.Sent {
		out.step("sent", "%-5s %s: %d frames, %d kB", t.Kind, t.Codec, t.Frames, t.Bytes/1000)
	}
	mu.Lock()
	for _, st := range received {
		ms.Received = append(ms.Received, *st)
		out.step("received", "%-5s %s: %d frames, %d RTP packets, %d kB", st.Kind, st.Codec, st.Frames, st.Packets, st.Bytes/1000)
	}
	mu.Unlock()
	sum.Media = ms
	if len(ms.Received) == 0 {
		return errors.New("the subscriber received no track")
	}
	for _, st := range ms.Received {
		if st.Frames == 0 {
			return fmt.Errorf("the subscriber received no %s frame", st.Kind)
		}
	}
	c, cancel := cleanup()
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
