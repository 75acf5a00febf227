package native_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/versiontest"
	"github.com/gojanus/gojanus/native"
)

// The VideoRoom features Janus added after 1.1.2, with media. Against an
// older server each test checks that the feature fails with
// core.ErrUnsupported, and goes on with what that server has.

// TestVideoRoomMetadata runs a room whose media goes through helper
// threads (Janus 1.2.3) with a publisher that has metadata (1.3.0): an
// observer and a subscriber see the metadata (the subscriber from 1.4.1),
// then its change after a configure; the subscriber decodes what went
// through the threads; the observer learns who unpublished.
func TestVideoRoomMetadata(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv, ctx, c, s := mediaSetup(t, 90*time.Second)
	v := versiontest.Server(t, srv)
	session := func() *core.Session { return newSession(t, ctx, c) }
	admin, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)
	create := videoroom.CreateRequest{Description: "threads", Threads: 2, VideoCodec: core.Codecs{core.VP8}, AudioCodec: core.Codecs{core.Opus}}
	if v < core.V(1, 2, 3) {
		_, err := admin.Create(ctx, create)
		versiontest.RequireUnsupported(t, err, "", core.V(1, 2, 3))
		create.Threads = 0
	}
	created, err := admin.Create(ctx, create)
	require.NoError(t, err)
	room := created.Room
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
	observer, _, err := videoroom.JoinPublisher(ctx, session(), videoroom.JoinRequest{Room: room, Display: "observer"})
	require.NoError(t, err)

	join := videoroom.JoinRequest{Room: room, Display: "alice", Metadata: json.RawMessage(`{"camera":"front"}`)}
	if v < core.V(1, 3, 0) {
		_, _, err := videoroom.JoinPublisher(ctx, session(), join)
		versiontest.RequireUnsupported(t, err, "", core.V(1, 3, 0))
		join.Metadata = nil
	}
	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	alice, pubPeer, conf := publishWith(t, ctx, session(), join, videoroom.PublishRequest{}, addTracks(src))

	// The observer sees alice publish, with her metadata.
	require.Eventually(t, func() bool {
		p, ok := observer.Roster().Participant(alice.ParticipantID())
		return ok && p.Publisher && len(p.Streams) == 2
	}, 10*time.Second, 20*time.Millisecond, "observer roster: %+v", observer.Roster().Participants())
	p, _ := observer.Roster().Participant(alice.ParticipantID())
	if join.Metadata != nil {
		assert.JSONEq(t, `{"camera":"front"}`, string(p.Metadata))
	} else {
		assert.Nil(t, p.Metadata)
	}

	// A subscriber records alice; its m-lines carry her metadata (1.4.1).
	dir := t.TempDir()
	rs := subscribeAndRecord(t, ctx, session(), room, alice.ParticipantID(), dir, 2)
	for _, st := range rs.attached.Streams {
		if v >= core.V(1, 4, 1) {
			assert.JSONEq(t, `{"camera":"front"}`, string(st.FeedMetadata), "m-line %s", st.Mid)
		} else {
			assert.Nil(t, st.FeedMetadata)
		}
	}
	select {
	case <-rs.connected:
	case <-ctx.Done():
		t.Fatal("subscriber not connected")
	}
	waitWebRTCUp(t, ctx, rs.sub.Events())
	require.NoError(t, src.Run(ctx))
	waitCounts(t, ctx, "subscriber", kindCounts(src.Stats(), frames), func() map[string]uint64 {
		return kindCounts(rs.recorded(), frames)
	})

	// alice changes her metadata: the observer is told, and the
	// subscriber's next renegotiation describes her with the new one.
	if v >= core.V(1, 3, 0) {
		_, err = alice.Configure(ctx, videoroom.ConfigureRequest{Metadata: json.RawMessage(`{"camera":"back"}`)}, nil)
		require.NoError(t, err)
		mc := waitForEvent[*videoroom.MetadataChanged](t, ctx, observer.Events())
		assert.Equal(t, alice.ParticipantID(), mc.Participant)
		assert.JSONEq(t, `{"camera":"back"}`, string(mc.Metadata))
		p, _ = observer.Roster().Participant(alice.ParticipantID())
		assert.JSONEq(t, `{"camera":"back"}`, string(p.Metadata))
	} else {
		_, err = alice.Configure(ctx, videoroom.ConfigureRequest{Metadata: json.RawMessage(`{"camera":"back"}`)}, nil)
		versiontest.RequireUnsupported(t, err, "", core.V(1, 3, 0))
	}
	upd, err := rs.sub.Unsubscribe(ctx, []videoroom.UnsubscribeStream{{Feed: alice.ParticipantID(), Mid: audioMid(t, conf)}})
	require.NoError(t, err)
	require.NotNil(t, upd.JSEP)
	for _, st := range upd.Streams {
		if st.Active && v >= core.V(1, 4, 1) {
			assert.JSONEq(t, `{"camera":"back"}`, string(st.FeedMetadata), "m-line %s", st.Mid)
		} else {
			assert.Nil(t, st.FeedMetadata, "m-line %s", st.Mid)
		}
	}
	require.NoError(t, rs.sub.Renegotiate(ctx, rs.peer, upd.JSEP))

	// alice unpublishes: the observer's event names her (1.3.0).
	require.NoError(t, alice.Unpublish(ctx))
	un := waitForEvent[*videoroom.Unpublished](t, ctx, observer.Events())
	assert.Equal(t, alice.ParticipantID(), un.Participant)
	if v >= core.V(1, 3, 0) {
		assert.Equal(t, "alice", un.Display)
		assert.JSONEq(t, `{"camera":"back"}`, string(un.Metadata))
	} else {
		assert.Empty(t, un.Display)
	}
	require.NoError(t, pubPeer.Close())

	// What went through the room decodes.
	checkDecoded(t, ctx, rs, dir, src, fmt.Sprintf("Janus %s, %d helper threads", srv.Version, create.Threads))
}

// newSession creates one more session on c, for another handle.
func newSession(t *testing.T, ctx context.Context, c *core.Client) *core.Session {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	return s
}

// waitForEvent reads events until one of type T.
func waitForEvent[T core.Event](t *testing.T, ctx context.Context, events <-chan core.Event) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "event stream ended")
			if e, ok := ev.(T); ok {
				return e
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("no %T event", zero)
			return zero
		}
	}
}
