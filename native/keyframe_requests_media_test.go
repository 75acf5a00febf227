package native_test

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// deafTrack is a publisher's VP8 track whose encoder cannot make a
// keyframe on request: it counts the requests Janus relays and sends
// keyframes only when the test says so.
type deafTrack struct {
	*webrtc.TrackLocalStaticSample
	requests atomic.Int64
}

// RequestKeyframe counts a request and ignores it.
func (d *deafTrack) RequestKeyframe() { d.requests.Add(1) }

// publishDeaf publishes a deafTrack into room and feeds it, at 30 frames a
// second until the test ends, with the inter frames of the VP8 clip, and
// with its first frame (a keyframe) whenever a value comes on keyframe.
func publishDeaf(t *testing.T, ctx context.Context, s *core.Session, room core.ID, keyframe <-chan struct{}) (*deafTrack, core.ID) {
	t.Helper()
	frames := native.IVFFrames(t, "vp8-320x240-30fps-3s.ivf")
	key, inter := frames[0], frames[1:10] // the clip has a keyframe every 10 frames
	tr, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "deaf")
	require.NoError(t, err)
	deaf := &deafTrack{TrackLocalStaticSample: tr}
	feed := publishTracks(t, ctx, s, room, "deaf", deaf)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / 30) // the frame rate
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			frame := inter[i%len(inter)]
			select {
			case <-keyframe:
				frame = key
			default:
			}
			_ = deaf.WriteSample(media.Sample{Data: frame, Duration: time.Second / 30})
		}
	}()
	t.Cleanup(func() {
		close(stop)
		wg.Wait()
	})
	return deaf, feed
}

// publishTracks publishes tracks into room and returns the publisher's id.
func publishTracks(t *testing.T, ctx context.Context, s *core.Session, room core.ID, display string, tracks ...webrtc.TrackLocal) core.ID {
	t.Helper()
	pub, _ := mediabench.PublishTracks(t, ctx, s, room, display, tracks...)
	return pub.ParticipantID()
}

// videoRoom creates a room for one video codec.
func videoRoom(t *testing.T, ctx context.Context, s *core.Session, codec string) core.ID {
	t.Helper()
	h, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)
	created, err := h.Create(ctx, videoroom.CreateRequest{Description: codec, Publishers: 2, VideoCodec: core.Codecs{core.Codec(codec)}})
	require.NoError(t, err)
	return created.Room
}

// onlyRecorder waits for a subscriber's one recorder and returns a
// function that reads its statistics.
func onlyRecorder(t *testing.T, rs *recordingSubscriber) func() native.TrackStats {
	t.Helper()
	require.Eventually(t, func() bool { return len(rs.recorded()) == 1 }, 20*time.Second, 10*time.Millisecond, "a track to record")
	return func() native.TrackStats { return rs.recorded()[0] }
}

// forwardingSubscriber is a subscriber that forwards the one track it
// receives to a socket of the test.
type forwardingSubscriber struct {
	peer *native.Peer
	f    *native.RTPForwarder
	sock *net.UDPConn
}

// subscribeAndForward subscribes to the one stream of a feed and forwards
// it with ForwardTrack (pliInterval 0) to a socket of the test; all is
// released when the test ends.
func subscribeAndForward(t *testing.T, ctx context.Context, s *core.Session, room, feed core.ID) *forwardingSubscriber {
	t.Helper()
	sock, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sock.Close() })
	fs := &forwardingSubscriber{peer: namespacePeer(t), sock: sock}
	pc := fs.peer.PeerConnection()
	forwarders := make(chan *native.RTPForwarder, 1)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		f, err := native.ForwardTrack(pc, tr, sock.LocalAddr().String(), 0)
		if assert.NoError(t, err) {
			forwarders <- f
		}
	})
	_, _, err = videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{
		Room: room, Streams: []videoroom.SubscribeStream{{Feed: feed}}}, fs.peer, nil)
	require.NoError(t, err)
	select {
	case fs.f = <-forwarders:
	case <-ctx.Done():
		t.Fatal("no track to forward")
	}
	t.Cleanup(func() { _ = fs.f.Close() })
	return fs
}

// checkFirstPacket reads the first packet forwarded, which must start a
// keyframe.
func (fs *forwardingSubscriber) checkFirstPacket(t *testing.T, mime string) {
	t.Helper()
	require.NoError(t, fs.sock.SetReadDeadline(time.Now().Add(30*time.Second)))
	buf := make([]byte, 1500)
	n, err := fs.sock.Read(buf)
	require.NoError(t, err, "the first packet forwarded")
	var first rtp.Packet
	require.NoError(t, first.Unmarshal(buf[:n]))
	assert.True(t, native.StartsKeyframe(mime, first.Payload), "the first packet forwarded starts a keyframe: %x", first.Payload[:min(8, len(first.Payload))])
}

// TestSubscriberAsksUntilKeyframe subscribes twice to a publisher that
// sends inter frames and cannot answer keyframe requests: one subscriber
// records, the other forwards RTP to a socket of the test. Each
// subscriber's Peer asks again and again (the growing gaps themselves are
// checked on a clock of the test's own in TestKeyframeRequestsBackoff),
// and the forwarder sends nothing. Once the publisher sends a keyframe,
// the first packet forwarded is that keyframe's first, and the Peers stop
// asking for good: not one PLI more while three seconds of frames arrive,
// longer than the longest gap. pion's statistics count the same PLIs
// leaving, the recording starts at that keyframe, and TestMain finds no
// goroutine left behind.
func TestSubscriberAsksUntilKeyframe(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 90*time.Second)
	room := videoRoom(t, ctx, s, "vp8")
	keyframe := make(chan struct{}, 1)
	deaf, feed := publishDeaf(t, ctx, s, room, keyframe)

	dir := t.TempDir()
	rs := subscribeAndRecord(t, ctx, s, room, feed, dir, 1)
	fwd := subscribeAndForward(t, ctx, s, room, feed)
	rec := onlyRecorder(t, rs)

	// 100, 200, 300 and 500 ms after the first packet.
	require.Eventually(t, func() bool { return min(rec().KeyframeRequests, fwd.f.Stats().KeyframeRequests) >= 4 },
		30*time.Second, 10*time.Millisecond, "keyframe requests while no keyframe comes")
	assert.Zero(t, rec().Keyframes+fwd.f.Stats().Keyframes)
	keyframe <- struct{}{}
	fwd.checkFirstPacket(t, webrtc.MimeTypeVP8)

	require.Eventually(t, func() bool { return rec().Keyframes >= 1 }, 30*time.Second, 10*time.Millisecond, "the keyframe arrives")
	atKey, fwdAtKey := rec(), fwd.f.Stats()
	t.Logf("at the keyframe: recorder %+v, forwarder %+v; the publisher heard %d requests (relayed by Janus or its own)",
		atKey, fwdAtKey, deaf.requests.Load())
	require.Eventually(t, func() bool { return min(rec().Frames-atKey.Frames, fwd.f.Stats().Frames-fwdAtKey.Frames) >= 90 },
		30*time.Second, 10*time.Millisecond, "3 s of frames after the keyframe")
	assert.Equal(t, atKey.KeyframeRequests, rec().KeyframeRequests, "no request after the first keyframe")
	assert.Equal(t, fwdAtKey.KeyframeRequests, fwd.f.Stats().KeyframeRequests, "no request after the first keyframe")
	in := inboundVideo(t, rs.peer)
	assert.EqualValues(t, atKey.KeyframeRequests, in.PLICount, "PLIs in pion's statistics")
	assert.EqualValues(t, fwdAtKey.KeyframeRequests, inboundVideo(t, fwd.peer).PLICount, "PLIs in pion's statistics")

	require.NoError(t, rs.peer.Close())
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.recs {
		require.NoError(t, r.Wait(ctx))
	}
	checkDecodesFromFirstFrame(t, filepath.Join(dir, "video.ivf"), in)
}

// TestRecordingStartsAtKeyframe records real publishers' video from the
// middle of a group of pictures: ffmpeg (VP8 and H.264, a keyframe a
// second, deaf to requests) and a looping AV1 file (a keyframe every 10
// frames). Every recording starts with a keyframe and decodes without an
// error, and a forwarder's first packet starts a keyframe. (pion's IVF and
// H.264 writers wait for a keyframe of their own too; a forwarder has
// only the sinks' wait.)
func TestRecordingStartsAtKeyframe(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 120*time.Second)
	cases := []struct {
		codec, file string
		src         func() (native.Source, error)
	}{
		{"vp8", "video.ivf", func() (native.Source, error) {
			return native.FFmpegSource([]string{"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"},
				native.FFmpegOptions{Video: true, VideoBitrate: "300k"})
		}},
		{"h264", "video.h264", func() (native.Source, error) {
			return native.FFmpegSource([]string{"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"},
				native.FFmpegOptions{Video: true, VideoCodec: "h264", VideoBitrate: "300k"})
		}},
		{"av1", "video.ivf", func() (native.Source, error) {
			return native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/av1-160x120-30fps-1s.ivf")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.codec, func(t *testing.T) {
			room := videoRoom(t, ctx, s, tc.codec)
			src, err := tc.src()
			require.NoError(t, err)
			feed := publishTracks(t, ctx, s, room, tc.codec, src.Tracks()...)
			srcCtx, stopSrc := context.WithCancel(ctx)
			ran := make(chan error, 1)
			go func() { ran <- src.Run(srcCtx) }()
			defer func() {
				stopSrc()
				<-ran
			}()
			// Join once the publisher is well into its stream.
			require.Eventually(t, func() bool { return src.Stats()[0].Frames >= 45 }, 30*time.Second, 10*time.Millisecond)

			dir := t.TempDir()
			rs := subscribeAndRecord(t, ctx, s, room, feed, dir, 1)
			fwd := subscribeAndForward(t, ctx, s, room, feed)
			rec := onlyRecorder(t, rs)
			require.Eventually(t, func() bool { return rec().Keyframes >= 3 }, 30*time.Second, 10*time.Millisecond,
				"three keyframes recorded: %+v", rec())
			in := inboundVideo(t, rs.peer)
			require.NoError(t, rs.peer.Close())
			rs.mu.Lock()
			for _, r := range rs.recs {
				require.NoError(t, r.Wait(ctx))
			}
			rs.mu.Unlock()
			path := filepath.Join(dir, tc.file)
			decoded := checkDecodesFromFirstFrame(t, path, in)
			fwd.checkFirstPacket(t, rec().Codec)
			t.Logf("%s: received %+v, decoded %d frames", tc.codec, rec(), decoded)
		})
	}
}

// checkDecodesFromFirstFrame checks that a video file's first frame is a
// keyframe and that ffmpeg decodes all of it without an error; it returns
// the number of frames decoded. A recorder writes packets in the order
// they arrive: when a packet was lost and repaired by a retransmission
// (in, pion's statistics of the recorded stream, counts NACKs), it came
// late, and decoding errors are logged instead.
func checkDecodesFromFirstFrame(t *testing.T, path string, in webrtc.InboundRTPStreamStats) int {
	t.Helper()
	keys := keyframeIndexes(t, path)
	require.NotEmpty(t, keys, "keyframes in %s", path)
	assert.Equal(t, 0, keys[0], "the first frame of %s is a keyframe (keyframes at %v)", path, keys)
	out, err := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	assert.NoError(t, err)
	errs := strings.TrimSpace(string(out))
	if in.PacketsLost == 0 && in.NACKCount == 0 {
		assert.Empty(t, errs, "ffmpeg's decoding errors for %s", path)
	} else if errs != "" {
		t.Logf("%d packets lost, %d NACKs; ffmpeg's decoding errors for %s: %s", in.PacketsLost, in.NACKCount, path, errs)
	}
	return ffprobeFrames(t, path)
}

// inboundVideo returns pion's statistics of a Peer's one received video
// stream.
func inboundVideo(t *testing.T, peer *native.Peer) webrtc.InboundRTPStreamStats {
	t.Helper()
	var found []webrtc.InboundRTPStreamStats
	for _, st := range peer.PeerConnection().GetStats() {
		if in, ok := st.(webrtc.InboundRTPStreamStats); ok && in.Kind == "video" {
			found = append(found, in)
		}
	}
	require.Len(t, found, 1, "received video streams")
	return found[0]
}
