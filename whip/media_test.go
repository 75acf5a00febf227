package whip_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
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

// requireTool skips without an external tool, or fails when CI=true.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		janustest.Missing(t, "%s is required (go tool mage deps installs it): %v", name, err)
	}
}

// recorder records the video tracks a PeerConnection receives into dir.
type recorder struct {
	dir  string
	mu   sync.Mutex
	recs []*native.TrackRecorder
}

// record makes rec record every video track of pc.
func record(t *testing.T, pc *webrtc.PeerConnection, dir string) *recorder {
	rec := &recorder{dir: dir}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() != webrtc.RTPCodecTypeVideo {
			return
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, fmt.Sprintf("video%d.ivf", len(rec.recs))), 0)
		if assert.NoError(t, err) {
			rec.recs = append(rec.recs, r)
		}
	})
	return rec
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

// decoded closes pc, waits for the recording to end and returns how many
// frames of it ffprobe decodes.
func (rec *recorder) decoded(t *testing.T, ctx context.Context, pc *webrtc.PeerConnection) int {
	t.Helper()
	require.NoError(t, pc.Close())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.recs, "a video track")
	require.NoError(t, rec.recs[0].Wait(ctx))
	path := filepath.Join(rec.dir, "video0.ivf")
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe %s: %s", path, out)
	n, err := strconv.Atoi(strings.TrimRight(strings.TrimSpace(string(out)), ","))
	require.NoError(t, err, "ffprobe output %q", out)
	return n
}

// trickler PATCHes a peer's local candidates to a resource, one fragment
// each, with the ICE credentials of the peer's current local description
// and the resource's ETag, as they are gathered.
type trickler struct {
	mu      sync.Mutex
	loc     string
	etag    string
	queue   []core.Candidate
	wake    chan struct{}
	paused  bool
	statusM map[int]int
}

func newTrickler(peer *native.Peer) *trickler {
	tr := &trickler{wake: make(chan struct{}, 1), statusM: map[int]int{}}
	peer.OnLocalCandidate(func(c core.Candidate) {
		tr.mu.Lock()
		tr.queue = append(tr.queue, c)
		tr.mu.Unlock()
		select {
		case tr.wake <- struct{}{}:
		default:
		}
	})
	return tr
}

// run sends the queued candidates until ctx ends, once loc is known.
func (tr *trickler) run(t *testing.T, ctx context.Context, f *fixture, pc *webrtc.PeerConnection, loc, etag string) {
	tr.mu.Lock()
	tr.loc, tr.etag = loc, etag
	tr.mu.Unlock()
	go func() {
		for {
			tr.mu.Lock()
			var q []core.Candidate
			if !tr.paused {
				q, tr.queue = tr.queue, nil
			}
			tr.mu.Unlock()
			for _, c := range q {
				ld := pc.LocalDescription()
				if ld == nil {
					continue
				}
				body := "a=ice-ufrag:" + sdpAttr(ld.SDP, "ice-ufrag") + "\r\na=ice-pwd:" + sdpAttr(ld.SDP, "ice-pwd") + "\r\n" +
					"m=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + c.SDPMid + "\r\n"
				if c.Completed {
					body += "a=end-of-candidates\r\n"
				} else {
					body += "a=" + c.Candidate + "\r\n"
				}
				if c.SDPMid == "" {
					body = strings.Replace(body, "a=mid:\r\n", "a=mid:"+sdpAttr(ld.SDP, "mid")+"\r\n", 1)
				}
				req, err := http.NewRequestWithContext(ctx, "PATCH", f.base+loc, strings.NewReader(body))
				if err != nil {
					return
				}
				req.Header.Set("Content-Type", whip.ContentTypeFragment)
				tr.mu.Lock()
				req.Header.Set("If-Match", tr.etag)
				tr.mu.Unlock()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				_ = resp.Body.Close()
				tr.mu.Lock()
				tr.statusM[resp.StatusCode]++
				tr.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tr.wake:
			}
		}
	}()
}

// statuses returns how many trickle PATCHes got each status.
func (tr *trickler) statuses() map[int]int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := map[int]int{}
	for k, v := range tr.statusM {
		out[k] = v
	}
	return out
}

// pause holds the candidates back during an ICE restart, until resume
// gives the resource's new ETag.
func (tr *trickler) pause() {
	tr.mu.Lock()
	tr.paused = true
	tr.mu.Unlock()
}

// resume sends the candidates held back, with the new ETag.
func (tr *trickler) resume(etag string) {
	tr.mu.Lock()
	tr.etag, tr.paused = etag, false
	tr.mu.Unlock()
	select {
	case tr.wake <- struct{}{}:
	default:
	}
}

// restartAnswer is the peer's remote answer after an ICE restart: the
// previous answer with the server's new credentials and candidates from
// the fragment it sent back.
func restartAnswer(prev, fragment string) string {
	ufrag, pwd := sdpAttr(fragment, "ice-ufrag"), sdpAttr(fragment, "ice-pwd")
	cands := map[string][]string{}
	mid := ""
	for l := range strings.SplitSeq(fragment, "\n") {
		l = strings.TrimRight(l, "\r")
		if v, ok := strings.CutPrefix(l, "a=mid:"); ok {
			mid = v
		}
		if strings.HasPrefix(l, "a=candidate:") || l == "a=end-of-candidates" {
			cands[mid] = append(cands[mid], l)
		}
	}
	var out []string
	for l := range strings.SplitSeq(prev, "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case l == "":
			continue
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			l = "a=ice-ufrag:" + ufrag
		case strings.HasPrefix(l, "a=ice-pwd:"):
			l = "a=ice-pwd:" + pwd
		case strings.HasPrefix(l, "a=candidate:"), l == "a=end-of-candidates":
			continue
		}
		out = append(out, l)
		if v, ok := strings.CutPrefix(l, "a=mid:"); ok {
			out = append(out, cands[v]...)
		}
	}
	return strings.Join(out, "\r\n") + "\r\n"
}

// whipPublish publishes src through the handler's WHIP endpoint at path
// with a plain POST and trickle PATCHes, and waits until the
// PeerConnection is connected.
func whipPublish(t *testing.T, f *fixture, path string, src native.Source) (*native.Peer, *trickler, string, string, string) {
	t.Helper()
	peer := mediabench.Peer(t)
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	tr := newTrickler(peer)
	connected := mediabench.WaitConnected(peer)
	offer, err := peer.CreateOffer(f.ctx)
	require.NoError(t, err)
	assert.NotContains(t, offer.SDP, "a=candidate:", "the candidates come by PATCH")
	r := f.do(t, "POST", path, whip.ContentTypeSDP, offer.SDP)
	loc := f.location(t, r)
	etag := r.header.Get("ETag")
	tr.run(t, f.ctx, f, peer.PeerConnection(), loc, etag)
	require.NoError(t, peer.SetRemoteDescription(f.ctx, &core.JSEP{Type: "answer", SDP: r.body}))
	select {
	case <-connected:
	case <-f.ctx.Done():
		t.Fatal("the WHIP publisher did not connect")
	}
	return peer, tr, loc, etag, r.body
}

// feedOf finds the participant id of a room's publisher by display.
func feedOf(t *testing.T, f *fixture, room core.ID, display string) core.ID {
	t.Helper()
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	var feed core.ID
	require.Eventually(t, func() bool {
		ps, err := vh.ListParticipants(f.ctx, room)
		require.NoError(t, err)
		for _, p := range ps {
			if p.Display == display && p.Publisher {
				feed = p.ID
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "publisher %s in the room", display)
	return feed
}

// whepServerOffer plays an endpoint with the server-offer flow: POST
// without a body, answer by PATCH, candidates by PATCH.
func whepServerOffer(t *testing.T, f *fixture, path string) (*native.Peer, *recorder, string) {
	t.Helper()
	peer := mediabench.Peer(t)
	rec := record(t, peer.PeerConnection(), t.TempDir())
	tr := newTrickler(peer)
	connected := mediabench.WaitConnected(peer)
	r := f.do(t, "POST", path, "", "")
	loc := f.location(t, r)
	require.NoError(t, peer.SetRemoteDescription(f.ctx, &core.JSEP{Type: "offer", SDP: r.body}))
	answer, err := peer.CreateAnswer(f.ctx)
	require.NoError(t, err)
	a := f.do(t, "PATCH", loc, whip.ContentTypeSDP, answer.SDP, "If-Match", r.header.Get("ETag"))
	require.Equal(t, http.StatusNoContent, a.status, "PATCH the answer: %s", a.body)
	tr.run(t, f.ctx, f, peer.PeerConnection(), loc, r.header.Get("ETag"))
	select {
	case <-connected:
	case <-f.ctx.Done():
		t.Fatal("the WHEP player did not connect")
	}
	return peer, rec, loc
}

// whepClientOffer plays an endpoint with the WHEP flow: POST a recvonly
// offer, set the answer.
func whepClientOffer(t *testing.T, f *fixture, path string) (*native.Peer, *recorder, string) {
	t.Helper()
	peer := mediabench.Peer(t)
	rec := record(t, peer.PeerConnection(), t.TempDir())
	_, err := peer.PeerConnection().AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	require.NoError(t, err)
	tr := newTrickler(peer)
	connected := mediabench.WaitConnected(peer)
	offer, err := peer.CreateOffer(f.ctx)
	require.NoError(t, err)
	r := f.do(t, "POST", path, whip.ContentTypeSDP, offer.SDP)
	loc := f.location(t, r)
	tr.run(t, f.ctx, f, peer.PeerConnection(), loc, r.header.Get("ETag"))
	require.NoError(t, peer.SetRemoteDescription(f.ctx, &core.JSEP{Type: "answer", SDP: r.body}))
	select {
	case <-connected:
	case <-f.ctx.Done():
		t.Fatal("the WHEP player did not connect")
	}
	return peer, rec, loc
}

// TestWHIPAndWHEPMedia publishes a VP8 file through the WHIP endpoint
// (plain POST, candidates by PATCH), records it with a native VideoRoom
// subscriber and with a WHEP player through the handler (server-offer
// flow), restarts the publisher's ICE by PATCH while media flows on, and
// finally drops the publisher without a DELETE: Janus's hangup reaps its
// resource.
func TestWHIPAndWHEPMedia(t *testing.T) {
	requireTool(t, "ffprobe")
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
	pub, tr, pubLoc, etag, firstAnswer := whipPublish(t, f, "/whip/room", src)
	srcCtx, stopSrc := context.WithCancel(f.ctx)
	srcDone := make(chan error, 1)
	go func() { srcDone <- src.Run(srcCtx) }()
	defer func() { stopSrc(); <-srcDone }()
	var src2Done chan error
	defer func() {
		if src2Done != nil {
			stopSrc()
			<-src2Done
		}
	}()

	// A native subscriber of the room decodes what the WHIP client sends.
	feed := feedOf(t, f, room, "obs")
	subPeer := mediabench.Peer(t)
	subRec := record(t, subPeer.PeerConnection(), t.TempDir())
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
	player, playRec, playLoc := whepServerOffer(t, f, "/whep/room")
	playRec.waitFrames(t, "WHEP player", 60)

	// A second WHIP publisher, and a WHEP player of the whole room: one
	// m-line per publisher, both play.
	src2, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf")
	require.NoError(t, err)
	require.NoError(t, f.h.Publish("/whip/cam2", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "cam2"}}))
	require.NoError(t, f.h.Subscribe("/whep/all", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room}}))
	pub2, _, pub2Loc, _, _ := whipPublish(t, f, "/whip/cam2", src2)
	src2Done = make(chan error, 1)
	go func() { src2Done <- src2.Run(srcCtx) }()
	feedOf(t, f, room, "cam2")
	all, allRec, allLoc := whepServerOffer(t, f, "/whep/all")
	require.Eventually(t, func() bool { return allRec.framesOf(0) >= 30 && allRec.framesOf(1) >= 30 }, 30*time.Second, 10*time.Millisecond,
		"the room's two publishers: %d and %d frames", allRec.framesOf(0), allRec.framesOf(1))
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", allLoc, "", "").status)
	require.NoError(t, all.Close())
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", pub2Loc, "", "").status)
	require.NoError(t, pub2.Close())

	// ICE restart of the publisher by PATCH: new credentials in, Janus's
	// new credentials and candidates out, media on.
	pc := pub.PeerConnection()
	tr.pause()
	restartOffer, err := pc.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
	require.NoError(t, err)
	require.NoError(t, pc.SetLocalDescription(restartOffer))
	ufrag, pwd := sdpAttr(restartOffer.SDP, "ice-ufrag"), sdpAttr(restartOffer.SDP, "ice-pwd")
	require.NotEqual(t, sdpAttr(pc.CurrentLocalDescription().SDP, "ice-ufrag"), ufrag, "new credentials")
	r := f.do(t, "PATCH", pubLoc, whip.ContentTypeFragment, "a=ice-ufrag:"+ufrag+"\r\na=ice-pwd:"+pwd+"\r\n", "If-Match", etag)
	require.Equal(t, http.StatusOK, r.status, "ICE restart: %s", r.body)
	assert.Equal(t, whip.ContentTypeFragment, r.header.Get("Content-Type"))
	newETag := r.header.Get("ETag")
	assert.NotEqual(t, etag, newETag, "a new ETag after the restart")
	assert.NotEqual(t, sdpAttr(firstAnswer, "ice-ufrag"), sdpAttr(r.body, "ice-ufrag"), "Janus's new credentials: %s", r.body)
	assert.Contains(t, r.body, "a=candidate:", "Janus's candidates")
	tr.resume(newETag)
	// The old ETag is stale now.
	assert.Equal(t, http.StatusPreconditionFailed, f.do(t, "PATCH", pubLoc, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", etag).status)
	require.NoError(t, pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: restartAnswer(pc.CurrentRemoteDescription().SDP, r.body)}))
	require.Eventually(t, func() bool {
		return pc.ICEConnectionState() == webrtc.ICEConnectionStateConnected || pc.ICEConnectionState() == webrtc.ICEConnectionStateCompleted
	}, 30*time.Second, 10*time.Millisecond)
	after := subRec.frames()
	subRec.waitFrames(t, "native subscriber after the ICE restart", after+90)
	t.Logf("native subscriber: %d frames before the ICE restart answer was applied, %d now", after, subRec.frames())
	assert.Equal(t, http.StatusNoContent, f.do(t, "PATCH", pubLoc, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", newETag).status)
	t.Logf("trickle PATCH statuses: %v", tr.statuses())
	assert.Positive(t, tr.statuses()[http.StatusNoContent], "candidates trickled")
	assert.Len(t, tr.statuses(), 1, "only 204s")

	// Decoded recordings.
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", playLoc, "", "").status)
	played := playRec.decoded(t, f.ctx, player.PeerConnection())
	require.NoError(t, sub.Detach(f.ctx))
	got := subRec.decoded(t, f.ctx, subPeer.PeerConnection())
	t.Logf("decoded: native subscriber %d frames, WHEP player %d frames", got, played)
	assert.GreaterOrEqual(t, got, 150)
	assert.GreaterOrEqual(t, played, 60)

	// The publisher goes away without a DELETE: Janus hangs up, the
	// resource is reaped and later requests on it are 404.
	stopSrc()
	require.NoError(t, pub.Close())
	require.Eventually(t, func() bool {
		return f.do(t, "PATCH", pubLoc, whip.ContentTypeFragment, "a=end-of-candidates\r\n", "If-Match", "*").status == http.StatusNotFound
	}, 30*time.Second, 50*time.Millisecond, "the abandoned resource was reaped")
	assert.Equal(t, 0, f.h.Len())
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	ps, err := vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	assert.Empty(t, ps, "the reaped publisher left the room")
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
// through the handler: the server-offer flow on every Janus, and the
// client-offer flow (the WHEP one) on Janus 1.1.4 and later (older ones
// answer 406, see TestProtocol). Both recordings decode.
func TestWHEPStreamingMedia(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{})
	mp, port := f.mountpoint(t)
	require.NoError(t, f.h.Watch("/whep/mp", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: mp}}))
	ffmpegFeed(t, port)

	peer, rec, loc := whepServerOffer(t, f, "/whep/mp")
	rec.waitFrames(t, "server-offer player", 90)
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").status)
	n := rec.decoded(t, f.ctx, peer.PeerConnection())
	t.Logf("server-offer player decoded %d frames", n)
	assert.GreaterOrEqual(t, n, 45)

	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
		r := f.do(t, "POST", "/whep/mp", whip.ContentTypeSDP, offerOnly(t, true))
		assert.Equal(t, http.StatusNotAcceptable, r.status, r.body)
		return
	}
	peer, rec, loc = whepClientOffer(t, f, "/whep/mp")
	rec.waitFrames(t, "client-offer player", 90)
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").status)
	n = rec.decoded(t, f.ctx, peer.PeerConnection())
	t.Logf("client-offer player decoded %d frames", n)
	assert.GreaterOrEqual(t, n, 45)
	assert.Equal(t, 0, f.h.Len())
}
