package native_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// TestBadInputReleasesEverything checks the failure paths of media: an
// unknown room, a publisher leaving in the middle of a subscription, ICE
// that cannot succeed, and sources that fail or end early. Each gives a
// clear error or typed event, and (TestMain) no goroutine is left behind.
func TestBadInputReleasesEverything(t *testing.T) {
	requireTool(t, "ffmpeg")
	if !netns.Run(t) {
		return
	}
	_, ctx, c, s := mediaSetup(t, 90*time.Second)

	t.Run("unknown room", func(t *testing.T) {
		_, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: core.NumID(987654), Display: "x"})
		require.ErrorIs(t, err, videoroom.ErrNoSuchRoom)
		_, _, err = videoroom.Subscribe(ctx, s, videoroom.SubscribeRequest{Room: core.NumID(1234),
			Streams: []videoroom.SubscribeStream{{Feed: core.NumID(42)}}})
		require.ErrorIs(t, err, videoroom.ErrNoSuchFeed)
	})

	t.Run("source that fails or ends early", func(t *testing.T) {
		src, err := native.FFmpegSource([]string{"-i", "/nonexistent/clip.mp4"}, native.FFmpegOptions{})
		require.NoError(t, err)
		err = src.Run(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "clip.mp4", "ffmpeg's own message is in the error")
		short, err := native.FFmpegSource([]string{"-t", "0.3", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30"}, native.FFmpegOptions{Video: true})
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, short.Run(ctx), "a source that reaches its end returns nil")
		assert.Less(t, time.Since(start), 10*time.Second)
		_, err = native.FileSource(native.FileOptions{}, "../testdata/sdp/audio-offer.sdp")
		require.Error(t, err)
	})

	t.Run("publisher leaves mid-subscribe", func(t *testing.T) {
		vr, err := videoroom.Attach(ctx, s)
		require.NoError(t, err)
		room, err := vr.Create(ctx, videoroom.CreateRequest{Publishers: 2})
		require.NoError(t, err)
		src, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf")
		require.NoError(t, err)
		pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room.Room, Display: "leaver"})
		require.NoError(t, err)
		pubPeer := namespacePeer(t)
		for _, tr := range src.Tracks() {
			_, err := pubPeer.AddTrack(tr)
			require.NoError(t, err)
		}
		_, err = pub.PublishPeer(ctx, pubPeer, videoroom.PublishRequest{}, nil)
		require.NoError(t, err)
		waitWebRTCUp(t, ctx, pub.Events())
		runCtx, stopSrc := context.WithCancel(ctx)
		srcDone := make(chan error, 1)
		go func() { srcDone <- src.Run(runCtx) }()

		subPeer := namespacePeer(t)
		got := make(chan struct{}, 1)
		subPeer.PeerConnection().OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
			for {
				if _, _, err := tr.ReadRTP(); err != nil {
					return
				}
				select {
				case got <- struct{}{}:
				default:
				}
			}
		})
		sub, _, err := videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{Room: room.Room,
			Streams: []videoroom.SubscribeStream{{Feed: pub.ParticipantID()}}}, subPeer, nil)
		require.NoError(t, err)
		select {
		case <-got:
		case <-ctx.Done():
			t.Fatal("no media before the publisher left")
		}

		// The publisher goes away (unpublish, then leave, as a client
		// should: after a leave alone Janus no longer updates the
		// subscriptions): the subscriber is told with a typed event.
		require.NoError(t, pub.Unpublish(ctx))
		require.NoError(t, pub.Leave(ctx))
		require.NoError(t, pubPeer.Close())
		stopSrc()
		assert.ErrorIs(t, <-srcDone, context.Canceled)
		deadline := time.After(10 * time.Second)
		told := false
		for !told {
			select {
			case ev := <-sub.Events():
				switch ev := ev.(type) {
				case *videoroom.Updated:
					told = true
					for _, st := range ev.Streams {
						assert.False(t, st.Active && st.Feed == pub.ParticipantID(), "the gone feed's m-line is inactive")
					}
				case *videoroom.Unpublished, *videoroom.Leaving, *core.Hangup:
					told = true
				default:
					t.Logf("subscriber event %T %+v", ev, ev)
				}
			case <-deadline:
				t.Fatal("the subscriber was not told that the publisher left")
			}
		}
		require.NoError(t, sub.Leave(ctx))
		require.NoError(t, subPeer.Close())
		require.NoError(t, sub.Detach(ctx))
		_, err = vr.Destroy(ctx, videoroom.DestroyRequest{Room: room.Room})
		require.NoError(t, err)
	})

	t.Run("ICE failure", func(t *testing.T) {
		// A peer with no usable interface: no candidate can pair with
		// Janus's, so ICE fails on both sides.
		se := &webrtc.SettingEngine{}
		se.SetInterfaceFilter(func(string) bool { return false })
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
		se.SetICETimeouts(time.Second, 2*time.Second, 500*time.Millisecond)
		peer, err := native.NewPeer(native.PeerConfig{SettingEngine: se})
		require.NoError(t, err)
		failed := make(chan struct{})
		peer.OnStateChange(func(st string) {
			if st == "failed" {
				select {
				case <-failed:
				default:
					close(failed)
				}
			}
		})
		h, err := s.Attach(ctx, "janus.plugin.echotest")
		require.NoError(t, err)
		track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "a", "s")
		require.NoError(t, err)
		_, err = peer.AddTrack(track)
		require.NoError(t, err)
		core.LinkCandidates(ctx, h, peer, nil)
		offer, err := peer.CreateOffer(ctx)
		require.NoError(t, err)
		res, err := h.Message(ctx, map[string]any{"audio": true}, core.WithJSEP(offer))
		require.NoError(t, err)
		require.NoError(t, peer.SetRemoteDescription(ctx, res.JSEP))
		select {
		case <-failed:
		case <-time.After(30 * time.Second):
			t.Fatal("ICE did not fail")
		}
		require.NoError(t, peer.Close())
		// Janus gives up later (its own ICE timeouts are long); wait a
		// little for its hangup, then detach, which releases its side.
		deadline := time.After(3 * time.Second)
		for {
			select {
			case ev := <-h.Events():
				if hu, ok := ev.(*core.Hangup); ok {
					t.Logf("janus: hangup %q", hu.Reason)
					require.NoError(t, h.Detach(ctx))
					return
				}
			case <-deadline:
				require.NoError(t, h.Detach(ctx))
				return
			}
		}
	})
	require.NoError(t, s.Destroy(ctx))
	assert.False(t, errors.Is(c.Err(), core.ErrDisconnected))
}
