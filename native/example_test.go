package native_test

import (
	"context"
	"log"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// Publish the test pattern into a VideoRoom. With the mediadevices build
// tag it is encoded in this process, and every keyframe request Janus
// sends when someone subscribes is answered by the next frame.
func ExampleTestPatternSource() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		log.Fatal(err)
	}
	src, err := native.TestPatternSource(native.TestPatternOptions{Width: 1280, Height: 720})
	if err != nil {
		log.Fatal(err)
	}
	if !native.InProcessEncoding {
		log.Print(native.NoInProcessEncodingNote)
	}
	pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: core.NumID(1234), Display: "pattern"})
	if err != nil {
		log.Fatal(err)
	}
	peer, err := native.NewPeer(native.PeerConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer peer.Close()
	for _, tr := range src.Tracks() {
		if _, err := peer.AddTrack(tr); err != nil { // reads the track's RTCP: keyframe requests, NACKs
			log.Fatal(err)
		}
	}
	if _, err := pub.PublishPeer(ctx, peer, videoroom.PublishRequest{}, nil); err != nil {
		log.Fatal(err)
	}
	go func() { _ = src.Run(ctx) }()
	// Later: how the keyframe requests were answered.
	for _, st := range src.Stats() {
		log.Printf("%s: %d keyframes for %d requests, the last after %v", st.Kind, st.Keyframes, st.KeyframeRequests, st.KeyframeDelay)
	}
}

// Subscribe to a publisher and record each track. The Peer asks for a
// keyframe until the first one comes, and each recording starts at it.
func ExampleRecordTrack() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		log.Fatal(err)
	}
	peer, err := native.NewPeer(native.PeerConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer peer.Close()
	pc := peer.PeerConnection()
	recorders := make(chan *native.TrackRecorder, 2)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, name, 0) // 0: the Peer asks for keyframes
		if err != nil {
			log.Print(err)
			return
		}
		recorders <- r
	})
	_, _, err = videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{
		Room: core.NumID(1234), Streams: []videoroom.SubscribeStream{{Feed: core.NumID(42)}}}, peer, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := <-recorders
	if err := r.Wait(ctx); err != nil {
		log.Fatal(err)
	}
}
