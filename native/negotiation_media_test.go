package native_test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
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
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// countingPeer is a native Peer that counts the server candidates it is
// given.
type countingPeer struct {
	*native.Peer
	candidates, completed atomic.Int32
}

func (p *countingPeer) AddRemoteCandidate(c core.Candidate) error {
	if c.Completed {
		p.completed.Add(1)
	} else {
		p.candidates.Add(1)
	}
	return p.Peer.AddRemoteCandidate(c)
}

// hostCandidates returns the host candidates of Janus (on the namespace's
// address) that pion's ICE agent holds. Janus's SDP has none with
// full_trickle, and candidates learnt from its connectivity checks are
// peer-reflexive: a host one can only come from a trickle.
func hostCandidates(p *native.Peer) []string {
	var out []string
	for _, c := range remoteCandidates(p.PeerConnection()) {
		if strings.HasPrefix(c, "host "+netns.Addr+":") {
			out = append(out, c)
		}
	}
	return out
}

// negotiationLoop is the loop of a user over a handle's events: each goes
// to core.HandleNegotiation.
type negotiationLoop struct {
	up       chan struct{}   // closed at webrtcup
	answered chan core.Event // the offers answered
	done     chan struct{}
}

// followHandle starts a negotiationLoop over events, ended with the test.
func followHandle(t *testing.T, events <-chan core.Event, peer core.Peer, answer core.AnswerFunc) *negotiationLoop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &negotiationLoop{up: make(chan struct{}), answered: make(chan core.Event, 8), done: make(chan struct{})}
	t.Cleanup(func() { cancel(); <-l.done })
	go func() {
		defer close(l.done)
		var up sync.Once
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				if _, ok := ev.(*core.WebRTCUp); ok {
					up.Do(func() { close(l.up) })
				}
				handled, err := core.HandleNegotiation(ctx, ev, peer, answer)
				if err != nil && ctx.Err() == nil {
					t.Errorf("negotiation of %T: %v", ev, err)
				}
				if _, trickle := ev.(*core.Trickle); handled && !trickle {
					l.answered <- ev
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return l
}

// waitUp waits until Janus reported the handle's PeerConnection up.
func (l *negotiationLoop) waitUp(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-l.up:
	case <-ctx.Done():
		t.Fatalf("%s: no webrtcup", what)
	}
}

// publishFiles joins room as display and publishes VP8 and Opus files
// from a counting Peer whose handle's events a negotiationLoop follows
// from before the offer is sent (Janus's candidates come before its
// answer). It returns once the PeerConnection is up.
func publishFiles(t *testing.T, ctx context.Context, s *core.Session, room core.ID, display string) (*videoroom.Publisher, *countingPeer, native.Source, *videoroom.Configured) {
	t.Helper()
	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Display: display})
	require.NoError(t, err)
	peer := &countingPeer{Peer: namespacePeer(t)}
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	loop := followHandle(t, pub.Events(), peer, nil)
	conf, err := pub.PublishPeer(ctx, peer, videoroom.PublishRequest{}, nil)
	require.NoError(t, err)
	require.NotNil(t, conf.JSEP)
	assert.NotContains(t, conf.JSEP.SDP, "a=candidate", "%s: a full-trickle Janus's answer has no candidates", display)
	loop.waitUp(t, ctx, display)
	return pub, peer, src, conf
}

// streamMid returns the mid of the published stream of a kind.
func streamMid(t *testing.T, conf *videoroom.Configured, kind string) string {
	t.Helper()
	for _, st := range conf.Streams {
		if st.Type == kind {
			return st.Mid
		}
	}
	t.Fatalf("no %s stream in %+v", kind, conf.Streams)
	return ""
}

// TestFullTrickleVideoRoom runs a VideoRoom on a Janus that trickles its
// candidates (full_trickle: its SDPs carry none), with the events of each
// handle passed to core.HandleNegotiation by a loop of its own. The
// publishers and the subscriber get Janus's candidates into pion (the
// publishers' before Janus's answer is applied), and the subscriber
// answers an offer Janus sends as an event (a change asked while an
// earlier offer was unanswered) and decodes the stream it brought.
func TestFullTrickleVideoRoom(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediabench.SetupWith(t, 90*time.Second, janusserver.Options{FullTrickle: true})
	room := mediabench.Room(t, ctx, s)

	alice, alicePeer, aliceSrc, _ := publishFiles(t, ctx, s, room, "alice")

	// A subscriber to alice that records every track by mid.
	subPeer := &countingPeer{Peer: namespacePeer(t)}
	pc := subPeer.PeerConnection()
	dir := t.TempDir()
	var mu sync.Mutex
	recs := map[string]*native.TrackRecorder{} // by mid
	pc.OnTrack(func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		var mid string
		for _, x := range pc.GetTransceivers() {
			if x.Receiver() == recv {
				mid = x.Mid()
			}
		}
		ext := ".ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			ext = ".ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, "mid"+mid+ext), 0)
		if assert.NoError(t, err) {
			mu.Lock()
			recs[mid] = r
			mu.Unlock()
		}
	})
	sub, att, err := videoroom.SubscribePeer(ctx, s, videoroom.SubscribeRequest{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: alice.ParticipantID()}}}, subPeer, nil)
	require.NoError(t, err)
	assert.NotContains(t, att.JSEP.SDP, "a=candidate", "a full-trickle Janus's offer has no candidates")
	subLoop := followHandle(t, sub.Events(), subPeer, sub.Start)
	subLoop.waitUp(t, ctx, "subscriber")

	// Bob publishes; the subscriber adds his video, then at once his
	// audio: the second change waits for the answer to the first offer,
	// and its offer comes as an event, which the loop answers.
	bob, bobPeer, bobSrc, bobConf := publishFiles(t, ctx, s, room, "bob")
	first, err := sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: bob.ParticipantID(), Mid: streamMid(t, bobConf, "video")}})
	require.NoError(t, err)
	require.NotNil(t, first.JSEP, "the first change comes with its offer")
	second, err := sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: bob.ParticipantID(), Mid: streamMid(t, bobConf, "audio")}})
	require.NoError(t, err)
	require.True(t, second.Pending, "the second change waits for the first answer")
	require.Nil(t, second.JSEP)
	require.NoError(t, sub.Renegotiate(ctx, subPeer, first.JSEP))
	var later *videoroom.Updated
	select {
	case ev := <-subLoop.answered:
		u, ok := ev.(*videoroom.Updated)
		require.True(t, ok, "answered %T", ev)
		later = u
	case <-ctx.Done():
		t.Fatal("Janus's offer for the second change was not answered")
	}
	feeds := map[string]string{} // mid -> "alice video", ...
	names := map[core.ID]string{alice.ParticipantID(): "alice", bob.ParticipantID(): "bob"}
	for _, st := range later.Streams {
		if st.Active && st.Type != "data" {
			feeds[st.Mid] = names[st.Feed] + " " + st.Type
		}
	}
	require.ElementsMatch(t, []string{"alice video", "alice audio", "bob video", "bob audio"}, slices.Collect(maps.Values(feeds)),
		"the subscription after the event's offer: %+v", later.Streams)

	// Janus's candidates reached every peer, and pion holds them.
	for name, p := range map[string]*countingPeer{"alice": alicePeer, "bob": bobPeer, "subscriber": subPeer} {
		assert.Positive(t, p.candidates.Load(), "%s: candidates trickled by Janus", name)
		assert.Equal(t, int32(1), p.completed.Load(), "%s: end-of-candidates", name)
		require.Eventually(t, func() bool { return len(hostCandidates(p.Peer)) > 0 }, 5*time.Second, 10*time.Millisecond,
			"%s: no host candidate of Janus in pion: %v", name, remoteCandidates(p.PeerConnection()))
		t.Logf("%s: %d candidates trickled, pion's remote candidates %v", name, p.candidates.Load(), remoteCandidates(p.PeerConnection()))
	}

	// Both publishers send their files; the subscriber decodes all four
	// streams, bob's audio included.
	var wg sync.WaitGroup
	for _, src := range []native.Source{aliceSrc, bobSrc} {
		wg.Go(func() { assert.NoError(t, src.Run(ctx)) })
	}
	wg.Wait()
	sent := map[string]native.TrackStats{}
	for who, src := range map[string]native.Source{"alice": aliceSrc, "bob": bobSrc} {
		for _, st := range src.Stats() {
			sent[who+" "+st.Kind] = st
		}
	}
	// The last packets arrive.
	want := map[string]uint64{}
	for _, feed := range feeds {
		want[feed] = sent[feed].Frames
	}
	waitCounts(t, ctx, "subscriber", want, func() map[string]uint64 {
		mu.Lock()
		defer mu.Unlock()
		got := map[string]uint64{}
		for mid, r := range recs {
			got[feeds[mid]] = r.Stats().Frames
		}
		return got
	})
	require.NoError(t, subPeer.Close())
	mu.Lock()
	defer mu.Unlock()
	for mid, feed := range feeds {
		r, ok := recs[mid]
		if !assert.True(t, ok, "no track for %s (mid %s)", feed, mid) {
			continue
		}
		require.NoError(t, r.Wait(ctx))
		ext := ".ogg"
		if strings.HasSuffix(feed, "video") {
			ext = ".ivf"
		}
		decoded := ffprobeFrames(t, filepath.Join(dir, "mid"+mid+ext))
		t.Logf("%s (mid %s): decoded %d of %d frames sent", feed, mid, decoded, sent[feed].Frames)
		assert.GreaterOrEqual(t, decoded, int(sent[feed].Frames)*9/10, "%s", feed)
	}
}
