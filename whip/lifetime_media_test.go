package whip_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
	"github.com/gojanus/gojanus/whip"
)

// Media tests of the resources' lifetime: a publisher that dies without
// a word, a player whose publisher goes, several publishers with one
// display name, a player that comes right after its publisher.

const (
	clipVideo = "../testdata/media/vp8-320x240-30fps-3s.ivf"
	clipAudio = "../testdata/media/opus-440hz-3s.ogg"
)

// logRecorder is a slog.Handler that keeps every record, to check the
// handler's log lines.
type logRecorder struct {
	mu    sync.Mutex
	lines []map[string]string // "msg" and the attributes, as text
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	line := map[string]string{"msg": r.Message, "level": r.Level.String()}
	r.Attrs(func(a slog.Attr) bool {
		line[a.Key] = a.Value.String()
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	return nil
}

// find returns the first line with msg whose attributes have the values
// of kv (key, value pairs), or nil.
func (l *logRecorder) find(msg string, kv ...string) map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
next:
	for _, line := range l.lines {
		if line["msg"] != msg {
			continue
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if line[kv[i]] != kv[i+1] {
				continue next
			}
		}
		return line
	}
	return nil
}

// waitLog waits until a line like find's is logged and returns it.
func (l *logRecorder) waitLog(t *testing.T, msg string, kv ...string) map[string]string {
	t.Helper()
	var line map[string]string
	require.Eventually(t, func() bool { line = l.find(msg, kv...); return line != nil }, 60*time.Second, 10*time.Millisecond,
		"log line %q %v", msg, kv)
	return line
}

// cutConn is a UDP socket of the namespace that can be cut: then it
// drops everything it would send or receive, as a network gone without
// a goodbye. It wraps the socket as a plain net.PacketConn, so pion's
// ICE mux uses only these methods.
type cutConn struct {
	net.PacketConn
	cut atomic.Bool
}

// newCutConn listens on the namespace's address; the socket closes with
// the test.
func newCutConn(t *testing.T) *cutConn {
	t.Helper()
	pc, err := net.ListenPacket("udp4", netns.Addr+":0")
	require.NoError(t, err)
	return &cutConn{PacketConn: pc}
}

// ReadFrom returns the next datagram, or drops it when cut.
func (c *cutConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(b)
		if err != nil || !c.cut.Load() {
			return n, addr, err
		}
	}
}

// WriteTo sends b, or drops it when cut.
func (c *cutConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if c.cut.Load() {
		return len(b), nil
	}
	return c.PacketConn.WriteTo(b, addr)
}

// clientOptions are the native client's options with every ICE packet
// through c, and no ICE restart of its own (a dead client does none).
func (c *cutConn) clientOptions(t *testing.T, f *fixture) native.WHIPOptions {
	t.Helper()
	opts := f.clientOptions()
	se := *opts.Peer.SettingEngine
	mux := webrtc.NewICEUDPMux(nil, c)
	t.Cleanup(func() { _ = mux.Close() }) // after the client's own cleanup
	se.SetICEUDPMux(mux)
	opts.Peer.SettingEngine = &se
	opts.NoAutoRestart = true
	return opts
}

// sources publishes several sources as one; each runs on its own (see
// start), so that one can stop while the others go on.
type sources []native.Source

func (s sources) Tracks() []webrtc.TrackLocal {
	var out []webrtc.TrackLocal
	for _, src := range s {
		out = append(out, src.Tracks()...)
	}
	return out
}

func (s sources) Run(context.Context) error { return errors.New("run each source with start") }

func (s sources) Stats() []native.TrackStats {
	var out []native.TrackStats
	for _, src := range s {
		out = append(out, src.Stats()...)
	}
	return out
}

// fileSource is a looping file source.
func fileSource(t *testing.T, paths ...string) native.Source {
	t.Helper()
	src, err := native.FileSource(native.FileOptions{Loop: true}, paths...)
	require.NoError(t, err)
	return src
}

// start runs src until the returned stop is called or the test ends.
func start(t *testing.T, ctx context.Context, src native.Source) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// resourceGone reports whether a resource answers 404 now.
func (f *fixture) resourceGone(t *testing.T, loc string) bool {
	return f.do(t, "PATCH", loc, whip.ContentTypeFragment, "a=end-of-candidates\r\n").Status == http.StatusNotFound
}

// publishersNamed lists the feeds of the room's publishers with display.
func (f *fixture) publishersNamed(t *testing.T, room core.ID, display string) []core.ID {
	t.Helper()
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	defer func() { _ = vh.Detach(f.ctx) }()
	ps, err := vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	var out []core.ID
	for _, p := range ps {
		if p.Publisher && p.Display == display {
			out = append(out, p.ID)
		}
	}
	return out
}

// TestReapDeadPublisher: a publisher whose network is cut without any
// goodbye (no DELETE, no DTLS alert: its packets are dropped) is reaped
// after Options.MediaTimeout without media on every stream, as Janus
// sends no hangup; it leaves the room, its resource is 404, and the
// WHEP player of that publisher ends with it, while the player of the
// whole room stays. Before that, a publisher with its audio stopped and
// its video flowing is not reaped.
func TestReapDeadPublisher(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	logs := &logRecorder{}
	f := newFixture(t, srv.WSURL, whip.Options{MediaTimeout: 2 * time.Second, Logger: slog.New(logs)})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip/room", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "cam"}}))
	require.NoError(t, f.h.Subscribe("/whep/cam", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "cam"}}))
	require.NoError(t, f.h.Subscribe("/whep/all", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room}}))

	conn := newCutConn(t)
	video, audio := fileSource(t, clipVideo), fileSource(t, clipAudio)
	pub, err := native.WHIPPublish(f.ctx, f.base+"/whip/room", sources{video, audio}, conn.clientOptions(t, f))
	require.NoError(t, err)
	t.Cleanup(func() { _ = pub.Close(f.ctx) })
	stopVideo, stopAudio := start(t, f.ctx, video), start(t, f.ctx, audio)
	pubPath := strings.TrimPrefix(pub.Location(), f.base)
	pubID := path.Base(pubPath)
	created := logs.waitLog(t, "whip: resource created", "resource", pubID)
	assert.Equal(t, "cam", created["display"])
	feedOf(t, f, room, "cam")

	player, rec := play(t, f, "/whep/cam", true)
	playerPath := strings.TrimPrefix(player.Location(), f.base)
	all, allRec := play(t, f, "/whep/all", true)
	allPath := strings.TrimPrefix(all.Location(), f.base)
	rec.waitFrames(t, "player of cam", 30)
	allRec.waitFrames(t, "player of the room", 30)
	logs.waitLog(t, "whip: media", "resource", pubID, "type", "audio", "receiving", "true")

	// The audio stops, the video flows on: Janus reports the audio
	// stream without media, and the publisher stays well past
	// MediaTimeout (4 s of video frames at the player).
	stopAudio()
	logs.waitLog(t, "whip: media", "resource", pubID, "type", "audio", "receiving", "false")
	rec.waitFrames(t, "player of cam with the audio stopped", rec.frames()+120)
	assert.Nil(t, logs.find("whip: resource ended", "resource", pubID), "a publisher with video flowing stays")
	assert.Equal(t, 3, f.h.Len())

	// The network goes and the source stops, without a word to anyone.
	conn.cut.Store(true)
	stopVideo()
	require.Eventually(t, func() bool { return f.resourceGone(t, pubPath) }, 60*time.Second, 50*time.Millisecond,
		"the dead publisher's resource was reaped")
	ended := logs.waitLog(t, "whip: resource ended", "resource", pubID)
	assert.Equal(t, "no media", ended["reason"], "%v", ended)
	assert.Empty(t, f.publishersNamed(t, room, "cam"), "the dead publisher left the room")

	// Its player ends with it; the room's player stays.
	require.Eventually(t, func() bool { return f.resourceGone(t, playerPath) }, 30*time.Second, 50*time.Millisecond,
		"the player of the dead publisher ended")
	playerID := path.Base(playerPath)
	assert.Equal(t, "publisher gone", logs.waitLog(t, "whip: resource ended", "resource", playerID)["reason"])
	assert.Equal(t, http.StatusNoContent, f.do(t, "PATCH", allPath, whip.ContentTypeFragment, "a=end-of-candidates\r\n").Status,
		"the player of the room stays")
	assert.Equal(t, 1, f.h.Len())
	require.NoError(t, all.Close(f.ctx))
	assert.Nil(t, logs.find("whip: resource ended", "reason", "hangup"), "Janus sent no hangup")
}

// mlines counts the m-lines of an SDP.
func mlines(sdp string) int { return strings.Count("\n"+sdp, "\nm=") }

// TestDisplayPrefersLatest: with two publishers of one display name in
// the room, a WHEP player by display gets the one the handler made last
// (the one with audio and video), then, once that one left (DELETE, which
// ends its player too), the other (video only); a handler that made
// neither answers 409.
func TestDisplayPrefersLatest(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip/cam", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "cam"}}))
	sub := whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "cam"}}
	require.NoError(t, f.h.Subscribe("/whep/cam", sub))

	publish(t, f, "/whip/cam", fileSource(t, clipVideo))
	require.Eventually(t, func() bool { return len(f.publishersNamed(t, room, "cam")) == 1 }, 30*time.Second, 20*time.Millisecond)
	second := publish(t, f, "/whip/cam", fileSource(t, clipVideo, clipAudio))
	require.Eventually(t, func() bool { return len(f.publishersNamed(t, room, "cam")) == 2 }, 30*time.Second, 20*time.Millisecond)

	offered := func(what string, want int) {
		t.Helper()
		for range 3 { // the pick does not depend on Janus's list order
			r := f.do(t, "POST", "/whep/cam", "", "")
			loc := f.location(t, r)
			assert.Equal(t, want, mlines(r.Body), "%s: Janus's offer: %s", what, r.Body)
			assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").Status)
		}
	}
	offered("the latest publisher (audio and video)", 2)

	// A handler that made neither of them cannot tell: 409.
	other := whip.New(f.c, whip.Options{})
	hs := httptest.NewServer(other)
	t.Cleanup(func() {
		hs.Close()
		require.NoError(t, other.Close(f.ctx))
	})
	require.NoError(t, other.Subscribe("/whep/cam", sub))
	r := f.do(t, "POST", hs.URL+"/whep/cam", "", "")
	assert.Equal(t, http.StatusConflict, r.Status, r.Body)
	assert.Contains(t, r.Body, "subscribe by feed")

	// A player of the latest one ends when it DELETEs.
	player, rec := play(t, f, "/whep/cam", true)
	rec.waitFrames(t, "player of the latest publisher", 30)
	require.NoError(t, second.Close(f.ctx))
	playerPath := strings.TrimPrefix(player.Location(), f.base)
	require.Eventually(t, func() bool { return f.resourceGone(t, playerPath) }, 30*time.Second, 50*time.Millisecond,
		"the player of the publisher that left ended")
	require.Eventually(t, func() bool { return len(f.publishersNamed(t, room, "cam")) == 1 }, 30*time.Second, 20*time.Millisecond)
	offered("the one left (video only)", 1)
	assert.Equal(t, http.StatusCreated, f.do(t, "POST", hs.URL+"/whep/cam", "", "").Status, "one publisher: no doubt")
}

// TestSubscribeWhileSettingUp: a WHEP POST right after the WHIP POST
// that publishes its display name, while the publisher's PeerConnection
// is still being set up (Janus does not list the publisher yet), waits
// for it and subscribes instead of answering 404.
func TestSubscribeWhileSettingUp(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip/cam", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "fresh"}}))
	require.NoError(t, f.h.Subscribe("/whep/cam", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "fresh"}}))
	require.NoError(t, f.h.Subscribe("/whep/nobody", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "nobody"}}))

	// A publisher's PeerConnection with every candidate in its offer, so
	// that nothing but the answer is needed to connect.
	peer := mediabench.Peer(t)
	src := fileSource(t, clipVideo)
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	pc := peer.PeerConnection()
	offer, err := pc.CreateOffer(nil)
	require.NoError(t, err)
	gathered := webrtc.GatheringCompletePromise(pc)
	require.NoError(t, pc.SetLocalDescription(offer))
	<-gathered
	r := f.do(t, "POST", "/whip/cam", whip.ContentTypeSDP, pc.LocalDescription().SDP)
	pubLoc := f.location(t, r)
	assert.Empty(t, f.publishersNamed(t, room, "fresh"), "Janus does not list the publisher before its PeerConnection is up")

	// The player's POST goes first, then the publisher connects.
	type posted struct {
		status int
		body   string
		loc    string
		err    error
	}
	played := make(chan posted, 1)
	go func() {
		var p posted
		resp, err := http.Post(f.base+"/whep/cam", "", nil)
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			p = posted{status: resp.StatusCode, body: string(b), loc: resp.Header.Get("Location"), err: rerr}
		}
		if err != nil {
			p.err = err
		}
		played <- p
	}()
	require.NoError(t, pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: r.Body}))
	runSource(t, f.ctx, src)
	var pr posted
	select {
	case pr = <-played:
	case <-f.ctx.Done():
		t.Fatal("no answer to the player's POST")
	}
	require.NoError(t, pr.err)
	require.Equal(t, http.StatusCreated, pr.status, "the player's POST: %s", pr.body)
	playLoc := pr.loc
	assert.Equal(t, 1, mlines(pr.body), "Janus's offer of the publisher's video: %s", pr.body)
	assert.Len(t, f.publishersNamed(t, room, "fresh"), 1)

	// Without a publisher of the handler setting up, no waiting: 404.
	assert.Equal(t, http.StatusNotFound, f.do(t, "POST", "/whep/nobody", "", "").Status)
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", playLoc, "", "").Status)
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", pubLoc, "", "").Status)
}
