package whip_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
	"github.com/gojanus/gojanus/whip"
)

// The media tests run inside the network namespace (Janus does no ICE on
// loopback); the HTTP server of the handler listens on 127.0.0.1 there.

// recorder records the video tracks it gets into dir, one IVF file each
// (video0.ivf, video1.ivf...). It is the native.Sink of a WHEP player.
type recorder struct {
	dir  string
	mu   sync.Mutex
	recs []*native.TrackRecorder
}

// newRecorder makes a recorder into a new folder.
func newRecorder(t *testing.T) *recorder { return &recorder{dir: t.TempDir()} }

// record makes a recorder of every video track pc receives.
func record(t *testing.T, pc *webrtc.PeerConnection) *recorder {
	rec := newRecorder(t)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		assert.NoError(t, rec.AddTrack(pc, tr, 0))
	})
	return rec
}

// AddTrack records tr if it is video.
func (rec *recorder) AddTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pliInterval time.Duration) error {
	if tr.Kind() != webrtc.RTPCodecTypeVideo {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	r, err := native.RecordTrack(pc, tr, filepath.Join(rec.dir, fmt.Sprintf("video%d.ivf", len(rec.recs))), pliInterval)
	if err != nil {
		return err
	}
	rec.recs = append(rec.recs, r)
	return nil
}

// frames is how many video frames arrived on the first video track.
func (rec *recorder) frames() uint64 { return rec.framesOf(0) }

// framesOf is how many video frames arrived on the i-th video track.
func (rec *recorder) framesOf(i int) uint64 {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.recs) <= i {
		return 0
	}
	return rec.recs[i].Stats().Frames
}

// waitFrames waits until at least n frames arrived.
func (rec *recorder) waitFrames(t *testing.T, what string, n uint64) {
	t.Helper()
	require.Eventually(t, func() bool { return rec.frames() >= n }, 30*time.Second, 10*time.Millisecond,
		"%s: %d frames, want %d", what, rec.frames(), n)
}

// decoded waits for the recording of the first video track to end (close
// its PeerConnection first) and returns how many frames of it ffprobe
// decodes.
func (rec *recorder) decoded(t *testing.T, ctx context.Context) int {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.recs, "a video track")
	require.NoError(t, rec.recs[0].Wait(ctx))
	return mediabench.DecodedFrames(t, filepath.Join(rec.dir, "video0.ivf"), "v:0")
}

// publish publishes src through the WHIP endpoint at path with the
// native client (candidates by PATCH) and runs src until the test ends.
func publish(t *testing.T, f *fixture, path string, src native.Source) *native.WHIPSession {
	t.Helper()
	pub, err := native.WHIPPublish(f.ctx, f.base+path, src, f.clientOptions())
	require.NoError(t, err)
	runSource(t, f.ctx, src)
	t.Cleanup(func() { _ = pub.Close(f.ctx) }) // before the source stops
	return pub
}

// runSource runs src until the test ends.
func runSource(t *testing.T, ctx context.Context, src native.Source) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// play plays the WHEP endpoint at path with the native client into a
// recorder.
func play(t *testing.T, f *fixture, path string, serverOffer bool) (*native.WHEPSession, *recorder) {
	t.Helper()
	rec := newRecorder(t)
	w, err := native.WHEPPlay(f.ctx, f.base+path, rec, native.WHEPOptions{WHIPOptions: f.clientOptions(), ServerOffer: serverOffer})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close(f.ctx) })
	return w, rec
}

// feedOf finds the participant id of a room's publisher by display.
func feedOf(t *testing.T, f *fixture, room core.ID, display string) core.ID {
	t.Helper()
	var feeds []core.ID
	require.Eventually(t, func() bool { feeds = f.publishersNamed(t, room, display); return len(feeds) > 0 },
		10*time.Second, 20*time.Millisecond, "publisher %s in the room", display)
	return feeds[0]
}

// TestWHIPAndWHEPMedia publishes a VP8 file with the native WHIP client
// (candidates by PATCH), records it with a native VideoRoom subscriber
// and with the native WHEP client through the handler (server-offer
// flow), plays two publishers from one endpoint, restarts the
// publisher's ICE by PATCH while media flows on, and finally drops the
// publisher's PeerConnection without a DELETE: Janus's hangup reaps its
// resource. Every answer of the handler to the clients is checked.
func TestWHIPAndWHEPMedia(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{SetupTimeout: 30 * time.Second})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip/room", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "obs"}}))
	require.NoError(t, f.h.Subscribe("/whep/room", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "obs"}}))

	src, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf")
	require.NoError(t, err)
	pub := publish(t, f, "/whip/room", src)
	posted := f.log.only(t, func(e exchange) bool { return e.method == "POST" && e.path == "/whip/room" })
	assert.NotContains(t, posted.body, "a=candidate:", "the candidates come by PATCH")
	pubPath := strings.TrimPrefix(pub.Location(), f.base)
	assert.Equal(t, pubPath, posted.header.Get("Location"))

	// A native subscriber of the room decodes what the WHIP client sends.
	feed := feedOf(t, f, room, "obs")
	subPeer := mediabench.Peer(t)
	subRec := record(t, subPeer.PeerConnection())
	s, err := f.c.CreateSession(f.ctx)
	require.NoError(t, err)
	sub, _, err := videoroom.SubscribePeer(f.ctx, s, videoroom.SubscribeRequest{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: feed}}}, subPeer, nil)
	require.NoError(t, err)
	go func() {
		for ev := range sub.Events() {
			_, _ = core.HandleNegotiation(f.ctx, ev, subPeer, sub.Start)
		}
	}()
	subRec.waitFrames(t, "native subscriber", 60)

	// A WHEP player through the handler decodes it too.
	player, playRec := play(t, f, "/whep/room", true)
	playRec.waitFrames(t, "WHEP player", 60)

	// A second WHIP publisher, and a WHEP player of the whole room: one
	// m-line per publisher, both play.
	src2, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf")
	require.NoError(t, err)
	require.NoError(t, f.h.Publish("/whip/cam2", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "cam2"}}))
	require.NoError(t, f.h.Subscribe("/whep/all", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room}}))
	pub2 := publish(t, f, "/whip/cam2", src2)
	feedOf(t, f, room, "cam2")
	all, allRec := play(t, f, "/whep/all", true)
	require.Eventually(t, func() bool { return allRec.framesOf(0) >= 30 && allRec.framesOf(1) >= 30 }, 30*time.Second, 10*time.Millisecond,
		"the room's two publishers: %d and %d frames", allRec.framesOf(0), allRec.framesOf(1))
	require.NoError(t, all.Close(f.ctx))
	require.NoError(t, pub2.Close(f.ctx))

	// ICE restart of the publisher by PATCH: new credentials in, Janus's
	// new credentials and candidates out, a new ETag, media on.
	etag := pub.ETag()
	require.NoError(t, pub.RestartICE(f.ctx))
	r := f.log.only(t, func(e exchange) bool { return e.method == "PATCH" && e.path == pubPath && e.ifMatch == "*" })
	require.Equal(t, http.StatusOK, r.status, "ICE restart: %s", r.reply)
	assert.Equal(t, whip.ContentTypeFragment, r.ctype)
	assert.NotEqual(t, sdpAttr(posted.body, "ice-ufrag"), sdpAttr(r.body, "ice-ufrag"), "new credentials: %s", r.body)
	assert.Equal(t, whip.ContentTypeFragment, r.header.Get("Content-Type"))
	newETag := r.header.Get("ETag")
	assert.NotEqual(t, etag, newETag, "a new ETag after the restart")
	assert.Equal(t, newETag, pub.ETag())
	assert.NotEqual(t, sdpAttr(posted.reply, "ice-ufrag"), sdpAttr(r.reply, "ice-ufrag"), "Janus's new credentials: %s", r.reply)
	assert.Contains(t, r.reply, "a=candidate:", "Janus's candidates")
	// The old ETag is stale now.
	assert.Equal(t, http.StatusPreconditionFailed, f.do(t, "PATCH", pubPath, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", etag).Status)
	pc := pub.Peer().PeerConnection()
	require.Eventually(t, func() bool {
		return pc.ICEConnectionState() == webrtc.ICEConnectionStateConnected || pc.ICEConnectionState() == webrtc.ICEConnectionStateCompleted
	}, 30*time.Second, 10*time.Millisecond)
	after := subRec.frames()
	subRec.waitFrames(t, "native subscriber after the ICE restart", after+90)
	t.Logf("native subscriber: %d frames when the ICE restart was answered, %d now", after, subRec.frames())
	assert.Equal(t, http.StatusNoContent, f.do(t, "PATCH", pubPath, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", newETag).Status)
	trickled := f.log.statuses(func(e exchange) bool {
		return e.method == "PATCH" && e.ctype == whip.ContentTypeFragment && e.ifMatch != "*"
	})
	t.Logf("trickle PATCH statuses: %v", trickled)
	assert.Positive(t, trickled[http.StatusNoContent], "candidates trickled")
	assert.Len(t, trickled, 1, "only 204s")
	assert.Equal(t, map[int]int{http.StatusNoContent: 2}, f.log.statuses(func(e exchange) bool { return e.method == "PATCH" && e.ctype == whip.ContentTypeSDP }),
		"the two players' answers")

	// Decoded recordings.
	require.NoError(t, player.Close(f.ctx))
	require.NoError(t, player.SinkErr())
	played := playRec.decoded(t, f.ctx)
	require.NoError(t, sub.Detach(f.ctx))
	require.NoError(t, subPeer.Close())
	got := subRec.decoded(t, f.ctx)
	t.Logf("decoded: native subscriber %d frames, WHEP player %d frames", got, played)
	assert.GreaterOrEqual(t, got, 150)
	assert.GreaterOrEqual(t, played, 60)
	assert.Equal(t, map[int]int{http.StatusOK: 3}, f.log.statuses(func(e exchange) bool { return e.method == "DELETE" }), "Close DELETEs")

	// The publisher goes away without a DELETE (its PeerConnection
	// closes): Janus hangs up, the resource is reaped and later requests
	// on it are 404.
	require.NoError(t, pub.Peer().Close())
	require.Eventually(t, func() bool {
		return f.do(t, "PATCH", pubPath, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", "*").Status == http.StatusNotFound
	}, 30*time.Second, 50*time.Millisecond, "the abandoned resource was reaped")
	assert.Equal(t, 0, f.h.Len())
	var we *native.WHIPError
	require.ErrorAs(t, pub.Close(f.ctx), &we, "the DELETE of a reaped resource")
	assert.Equal(t, http.StatusNotFound, we.Status)
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	ps, err := vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	assert.Empty(t, ps, "the reaped publisher left the room")
	assert.Equal(t, map[int]int{http.StatusCreated: 4}, f.log.statuses(func(e exchange) bool { return e.method == "POST" }))
	assert.Equal(t, []string{"DELETE " + pubPath + " 404"}, f.log.unexpected(), "every other answer was the success the protocol names")
}

// ffmpegFeed sends a VP8 test pattern (a keyframe a second) as RTP to a
// port on 127.0.0.1 until the test ends.
func ffmpegFeed(t *testing.T, port int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "120", "-c:v", "libvpx", "-deadline", "realtime",
		"-g", "30", "-b:v", "500k", "-an", "-f", "rtp", "-payload_type", "96", fmt.Sprintf("rtp://127.0.0.1:%d", port))
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
}

// TestWHEPStreamingMedia plays a Streaming mountpoint fed by ffmpeg
// through the handler with the native WHEP client: the server-offer flow
// on every Janus, and the client-offer flow (the WHEP one) on Janus 1.1.4
// and later (older ones answer 406, see TestProtocol). Both recordings
// decode.
func TestWHEPStreamingMedia(t *testing.T) {
	janustest.RequireTool(t, "ffmpeg", "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{})
	mp, port := f.mountpoint(t)
	require.NoError(t, f.h.Watch("/whep/mp", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: mp}}))
	ffmpegFeed(t, port)

	for _, serverOffer := range []bool{true, false} {
		name := map[bool]string{true: "server-offer player", false: "client-offer player"}[serverOffer]
		if !serverOffer && core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
			_, err := native.WHEPPlay(f.ctx, f.base+"/whep/mp", native.SinkFunc(nil), native.WHEPOptions{WHIPOptions: f.clientOptions()})
			var we *native.WHIPError
			require.ErrorAs(t, err, &we)
			assert.Equal(t, http.StatusNotAcceptable, we.Status, "the client offer to Janus %s", srv.Version)
			break
		}
		w, rec := play(t, f, "/whep/mp", serverOffer)
		rec.waitFrames(t, name, 90)
		require.NoError(t, w.Close(f.ctx))
		require.NoError(t, w.SinkErr())
		n := rec.decoded(t, f.ctx)
		t.Logf("%s decoded %d frames", name, n)
		assert.GreaterOrEqual(t, n, 45)
	}
	assert.Equal(t, 0, f.h.Len())
	var refused []string
	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
		refused = []string{"POST /whep/mp 406"}
	}
	assert.Equal(t, refused, f.log.unexpected(), "every other answer was the success the protocol names")
}
