package native_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"sync"
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
)

// waitConnected returns a channel closed when peer reports "connected"
// (mediabench.WaitConnected).
func waitConnected(peer *native.Peer) <-chan struct{} { return mediabench.WaitConnected(peer) }

// recordingSubscriber is a subscriber PeerConnection that records every
// track it receives into dir.
type recordingSubscriber struct {
	peer      *native.Peer
	sub       *videoroom.Subscriber
	attached  *videoroom.Attached // the answer to the subscription
	connected <-chan struct{}
	mu        sync.Mutex
	recs      map[string]*native.TrackRecorder
}

// recorded returns what each recorder received so far.
func (rs *recordingSubscriber) recorded() []native.TrackStats {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return statsOf(maps.Values(rs.recs))
}

// subscribeAndRecord subscribes to the streams of a feed (there must be
// that many) and records them into dir: audio.ogg, video.ivf or, for
// H.264, video.h264.
func subscribeAndRecord(t *testing.T, ctx context.Context, s *core.Session, room, feed core.ID, dir string, streams int) *recordingSubscriber {
	t.Helper()
	rs := &recordingSubscriber{peer: namespacePeer(t), recs: map[string]*native.TrackRecorder{}}
	pc := rs.peer.PeerConnection()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		switch {
		case strings.EqualFold(tr.Codec().MimeType, webrtc.MimeTypeH264):
			name = "video.h264"
		case tr.Kind() == webrtc.RTPCodecTypeVideo:
			name = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if assert.NoError(t, err) {
			rs.mu.Lock()
			rs.recs[name] = r
			rs.mu.Unlock()
		}
	})
	rs.connected = waitConnected(rs.peer)
	sub, att, err := videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{
		Room: room, Streams: []videoroom.SubscribeStream{{Feed: feed}}}, rs.peer, nil)
	require.NoError(t, err)
	require.Len(t, att.Streams, streams, "the streams of the feed")
	rs.sub, rs.attached = sub, att
	return rs
}

// TestVideoRoomPublishAndSubscribe publishes VP8 + Opus from files into a
// VideoRoom and records it with two subscribers, whose recordings are
// decoded back; an observer's roster follows the publisher; a
// subscriber's update renegotiates.
func TestVideoRoomPublishAndSubscribe(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	session := func() *core.Session {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		return s
	}

	// The room, and an observer who joined before anyone publishes.
	sa := session()
	admin, err := videoroom.Attach(ctx, sa)
	require.NoError(t, err)
	created, err := admin.Create(ctx, videoroom.CreateRequest{Description: "media test", Publishers: 4, VideoCodec: core.Codecs{core.VP8}, AudioCodec: core.Codecs{core.Opus}})
	require.NoError(t, err)
	room := created.Room
	observer, _, err := videoroom.JoinPublisher(ctx, session(), videoroom.JoinRequest{Room: room, Display: "observer"})
	require.NoError(t, err)
	rosterChanged := make(chan videoroom.RosterChange, 16)
	stopWatch := observer.Roster().OnChange(func(ch videoroom.RosterChange) { rosterChanged <- ch })
	defer stopWatch()

	// Alice publishes a VP8 file and an Opus file.
	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	alice, pubPeer, conf := publishWith(t, ctx, session(), videoroom.JoinRequest{Room: room, Display: "alice"},
		videoroom.PublishRequest{Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "test pattern"}}}, addTracks(src))
	assert.Len(t, conf.Streams, 2)

	// The observer's roster shows alice publishing two streams.
	require.Eventually(t, func() bool {
		p, ok := observer.Roster().Participant(alice.ParticipantID())
		return ok && p.Publisher && len(p.Streams) == 2 && p.Display == "alice"
	}, 10*time.Second, 20*time.Millisecond, "observer roster: %+v", observer.Roster().Participants())

	// Two subscribers, connected before any media is sent.
	var subs []*recordingSubscriber
	var dirs []string
	for range 2 {
		dir := t.TempDir()
		dirs = append(dirs, dir)
		subs = append(subs, subscribeAndRecord(t, ctx, session(), room, alice.ParticipantID(), dir, 2))
	}
	for i, rs := range subs {
		select {
		case <-rs.connected:
		case <-ctx.Done():
			t.Fatalf("subscriber %d not connected", i)
		}
		// Janus relays once its side of the PeerConnection is up too.
		waitWebRTCUp(t, ctx, rs.sub.Events())
	}

	require.NoError(t, src.Run(ctx))
	// The last packets arrive: each subscriber received every frame sent.
	for i, rs := range subs {
		waitCounts(t, ctx, fmt.Sprintf("subscriber %d", i), kindCounts(src.Stats(), frames), func() map[string]uint64 {
			return kindCounts(rs.recorded(), frames)
		})
	}
	sent := map[string]native.TrackStats{}
	for _, st := range src.Stats() {
		sent[st.Kind] = st
	}

	// Renegotiation: drop the audio of the first subscription, then add it
	// back; each change comes with an offer that is answered.
	upd, err := subs[0].sub.Unsubscribe(ctx, []videoroom.UnsubscribeStream{{Feed: alice.ParticipantID(), Mid: audioMid(t, conf)}})
	require.NoError(t, err)
	require.NotNil(t, upd.JSEP, "unsubscribe renegotiates")
	require.NoError(t, subs[0].sub.Renegotiate(ctx, subs[0].peer, upd.JSEP))
	upd, err = subs[0].sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: alice.ParticipantID(), Mid: audioMid(t, conf)}})
	require.NoError(t, err)
	require.NotNil(t, upd.JSEP, "subscribe renegotiates")
	active := 0
	for _, st := range upd.Streams {
		if st.Active {
			active++
		}
	}
	assert.GreaterOrEqual(t, active, 2, "video plus the audio subscribed again: %+v", upd.Streams)
	require.NoError(t, subs[0].sub.Renegotiate(ctx, subs[0].peer, upd.JSEP))

	// Alice leaves: the observer's roster follows.
	require.NoError(t, pubPeer.Close())
	require.NoError(t, alice.Leave(ctx))
	require.Eventually(t, func() bool {
		_, ok := observer.Roster().Participant(alice.ParticipantID())
		return !ok
	}, 10*time.Second, 20*time.Millisecond)

	for i, rs := range subs {
		require.NoError(t, rs.peer.Close())
		rs.mu.Lock()
		require.Len(t, rs.recs, 2, "subscriber %d got audio and video", i)
		for name, r := range rs.recs {
			require.NoError(t, r.Wait(ctx))
			t.Logf("subscriber %d %s: %+v", i, name, r.Stats())
		}
		rs.mu.Unlock()
		video := ffprobeFrames(t, filepath.Join(dirs[i], "video.ivf"))
		audio := ffprobeFrames(t, filepath.Join(dirs[i], "audio.ogg"))
		t.Logf("subscriber %d decoded %d of %d video frames, %d of %d audio frames", i, video, sent["video"].Frames, audio, sent["audio"].Frames)
		assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*9/10, "subscriber %d video", i)
		assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*9/10, "subscriber %d audio", i)
	}
	select {
	case ch := <-rosterChanged:
		t.Logf("first roster change seen by the observer: %+v", ch)
	default:
		t.Error("the observer's OnChange callback was never called")
	}
	_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
	require.NoError(t, err)
}

// publishWith joins a room as a publisher with join and publishes, with
// req, what add puts on a new peer; it returns once Janus has the
// PeerConnection up.
func publishWith(t *testing.T, ctx context.Context, s *core.Session, join videoroom.JoinRequest, req videoroom.PublishRequest,
	add func(*native.Peer) error) (*videoroom.Publisher, *native.Peer, *videoroom.Configured) {
	t.Helper()
	pub, _, err := videoroom.JoinPublisher(ctx, s, join)
	require.NoError(t, err)
	peer := namespacePeer(t)
	require.NoError(t, add(peer))
	connected := waitConnected(peer)
	conf, err := pub.PublishPeer(ctx, peer, req, nil)
	require.NoError(t, err)
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatalf("publisher %s not connected", join.Display)
	}
	waitWebRTCUp(t, ctx, pub.Events())
	return pub, peer, conf
}

// addTracks is the add of publishWith that adds the tracks of src.
func addTracks(src native.Source) func(*native.Peer) error {
	return func(p *native.Peer) error {
		for _, tr := range src.Tracks() {
			if _, err := p.AddTrack(tr); err != nil {
				return err
			}
		}
		return nil
	}
}

// checkDecoded closes a recording subscriber, whose recordings are in
// dir, and checks that they decode at least 9 in 10 of the audio and
// video frames src sent.
func checkDecoded(t *testing.T, ctx context.Context, rs *recordingSubscriber, dir string, src native.Source, what string) {
	t.Helper()
	require.NoError(t, rs.peer.Close())
	rs.mu.Lock()
	require.Len(t, rs.recs, 2, "audio and video")
	for _, r := range rs.recs {
		require.NoError(t, r.Wait(ctx))
	}
	rs.mu.Unlock()
	sent := map[string]native.TrackStats{}
	for _, st := range src.Stats() {
		sent[st.Kind] = st
	}
	video := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	audio := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("%s: decoded %d of %d video frames, %d of %d audio frames", what, video, sent["video"].Frames, audio, sent["audio"].Frames)
	assert.GreaterOrEqual(t, video, int(sent["video"].Frames)*9/10, "video")
	assert.GreaterOrEqual(t, audio, int(sent["audio"].Frames)*9/10, "audio")
}

// audioMid returns the mid of the published audio stream.
func audioMid(t *testing.T, conf *videoroom.Configured) string {
	t.Helper()
	for _, st := range conf.Streams {
		if st.Type == "audio" {
			return st.Mid
		}
	}
	t.Fatal(fmt.Sprintf("no audio stream in %+v", conf.Streams))
	return ""
}

// waitWebRTCUp reads events until Janus reports the PeerConnection up.
func waitWebRTCUp(t *testing.T, ctx context.Context, events <-chan core.Event) {
	t.Helper()
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "event stream ended")
			if _, up := ev.(*core.WebRTCUp); up {
				return
			}
		case <-ctx.Done():
			t.Fatal("no webrtcup event")
		}
	}
}
