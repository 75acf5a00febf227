package videoroom_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/versiontest"
)

// The requests and options Janus added after 1.1.2: each works against a
// server that has it, and fails with core.ErrUnsupported, before
// anything is sent, against an older one.

// assertMetadata checks a metadata member against a JSON text ("" for
// none).
func assertMetadata(t *testing.T, want string, got json.RawMessage, msgAndArgs ...any) {
	t.Helper()
	if want == "" {
		assert.Nil(t, got, msgAndArgs...)
		return
	}
	assert.JSONEq(t, want, string(got), msgAndArgs...)
}

// waitPublishing waits until a participant is listed as publishing: a
// remote publisher is not at once.
func waitPublishing(t *testing.T, ctx context.Context, h *videoroom.Handle, room, id core.ID) {
	t.Helper()
	require.Eventually(t, func() bool {
		parts, err := h.ListParticipants(ctx, room)
		return err == nil && slices.ContainsFunc(parts, func(p videoroom.ParticipantInfo) bool { return p.ID == id && p.Publisher })
	}, 5*time.Second, 10*time.Millisecond, "participant %v publishing", id)
}

// adminOnNewServer starts a Janus and returns its version, a context for
// the test, a WebSocket client and a VideoRoom handle on it.
func adminOnNewServer(t *testing.T) (core.Version, context.Context, *core.Client, *videoroom.Handle) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	admin, err := videoroom.Attach(ctx, session(t, ctx, c))
	require.NoError(t, err)
	return versiontest.Server(t, srv), ctx, c, admin
}

// TestMetadata gives participants metadata on join and configure (Janus
// 1.3.0): the others see it in every list and event that describes a
// participant, and its changes; subscribers see their publisher's
// (1.4.1). Remote publishers, active without ICE, stand for publishers
// here; native's TestVideoRoomMetadata has a WebRTC publisher.
func TestMetadata(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	v := versiontest.Server(t, srv)
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		admin, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		room := nextRoom()
		_, err = admin.Create(ctx, videoroom.CreateRequest{Room: room, Secret: "adm", NotifyJoining: true})
		require.NoError(t, err)
		defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "adm"})

		if v < core.V(1, 3, 0) {
			_, _, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Metadata: json.RawMessage(`{"a":1}`)})
			versiontest.RequireUnsupported(t, err, "videoroom join metadata", core.V(1, 3, 0))
			h, err := videoroom.Attach(ctx, session(t, ctx, c))
			require.NoError(t, err)
			_, _, err = h.JoinAndConfigure(ctx, videoroom.JoinRequest{Room: room}, videoroom.PublishRequest{Metadata: json.RawMessage(`{}`)}, audioOffer(t))
			versiontest.RequireUnsupported(t, err, "videoroom joinandconfigure metadata", core.V(1, 3, 0))
			p, _, err := h.JoinAsPublisher(ctx, videoroom.JoinRequest{Room: room})
			require.NoError(t, err, "the failed joins sent nothing")
			_, err = p.Configure(ctx, videoroom.ConfigureRequest{Metadata: json.RawMessage(`{}`)}, nil)
			versiontest.RequireUnsupported(t, err, "videoroom configure metadata", core.V(1, 3, 0))
			_, err = p.Publish(ctx, videoroom.PublishRequest{Metadata: json.RawMessage(`{}`)}, audioOffer(t))
			versiontest.RequireUnsupported(t, err, "videoroom publish metadata", core.V(1, 3, 0))
			_, err = admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Secret: "adm", Iface: "127.0.0.1",
				Metadata: json.RawMessage(`{}`), Streams: []videoroom.RemoteStream{{Type: "audio", Mid: "0", Codec: "opus"}}})
			versiontest.RequireUnsupported(t, err, "videoroom add_remote_publisher metadata", core.V(1, 3, 0))
			err = admin.UpdateRemotePublisher(ctx, videoroom.UpdateRemotePublisherRequest{Room: room, Secret: "adm", Participant: core.NumID(1),
				Metadata: json.RawMessage(`{}`), Streams: []videoroom.RemoteStream{{Type: "audio", Mid: "0", Codec: "opus"}}})
			versiontest.RequireUnsupported(t, err, "videoroom update_remote_publisher metadata", core.V(1, 3, 0))
			parts, err := admin.ListParticipants(ctx, room)
			require.NoError(t, err)
			assert.Len(t, parts, 1, "only the join without metadata went through")
			return
		}

		// alice joins with metadata; bob sees it in his Joined (1.3.3),
		// alice sees his in the joining event, and both rosters have it.
		alice, _, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "alice",
			Metadata: json.RawMessage(`{"role":"host","langs":["en","it"]}`)})
		require.NoError(t, err)
		aliceChanges, stop := changes(alice.Roster())
		defer stop()
		bob, bj, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "bob",
			Metadata: json.RawMessage(`{"role":"guest"}`)})
		require.NoError(t, err)
		require.Len(t, bj.Attendees, 1)
		aliceMeta := ""
		if v >= core.V(1, 3, 3) {
			aliceMeta = `{"role":"host","langs":["en","it"]}`
		}
		assertMetadata(t, aliceMeta, bj.Attendees[0].Metadata, "attendees of Joined")
		p, ok := bob.Roster().Participant(alice.ParticipantID())
		require.True(t, ok)
		assertMetadata(t, aliceMeta, p.Metadata)
		joining := waitFor[*videoroom.Joining](t, ctx, alice.Events(), nil)
		assertMetadata(t, `{"role":"guest"}`, joining.Metadata)
		ch := nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantAdded, ch.Kind)
		assertMetadata(t, `{"role":"guest"}`, ch.Participant.Metadata)
		parts, err := admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		require.Len(t, parts, 2)
		for _, pi := range parts {
			if pi.ID == bob.ParticipantID() {
				assertMetadata(t, `{"role":"guest"}`, pi.Metadata)
			} else {
				assertMetadata(t, `{"role":"host","langs":["en","it"]}`, pi.Metadata)
			}
		}

		// bob replaces his metadata, then his display name: alice gets
		// both changes, and her roster follows.
		_, err = bob.Configure(ctx, videoroom.ConfigureRequest{Metadata: json.RawMessage(`{"role":"speaker"}`)}, nil)
		require.NoError(t, err)
		mc := waitFor[*videoroom.MetadataChanged](t, ctx, alice.Events(), nil)
		assert.Equal(t, bob.ParticipantID(), mc.Participant)
		assertMetadata(t, `{"role":"speaker"}`, mc.Metadata)
		ch = nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantUpdated, ch.Kind)
		assert.IsType(t, &videoroom.MetadataChanged{}, ch.Event)
		assertMetadata(t, `{"role":"speaker"}`, ch.Participant.Metadata)
		_, err = bob.Configure(ctx, videoroom.ConfigureRequest{Display: "bobby"}, nil)
		require.NoError(t, err)
		dc := waitFor[*videoroom.DisplayChanged](t, ctx, alice.Events(), nil)
		assert.Equal(t, "bobby", dc.Display)
		speaker := ""
		if v >= core.V(1, 4, 1) {
			speaker = `{"role":"speaker"}`
		}
		assertMetadata(t, speaker, dc.Metadata, "display change (1.4.1)")
		p, ok = alice.Roster().Participant(bob.ParticipantID())
		require.True(t, ok)
		assert.Equal(t, "bobby", p.Display)
		assertMetadata(t, `{"role":"speaker"}`, p.Metadata)

		// bob leaves: alice's leaving event names him (1.3.0).
		require.NoError(t, bob.Leave(ctx))
		l := waitFor[*videoroom.Leaving](t, ctx, alice.Events(), nil)
		assert.Equal(t, bob.ParticipantID(), l.Participant)
		assert.Equal(t, "bobby", l.Display)
		assertMetadata(t, `{"role":"speaker"}`, l.Metadata)

		// A remote publisher with metadata: alice sees it announced, a
		// subscriber with each of its streams (1.4.1), and both see the
		// update.
		rp, err := admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Secret: "adm", Display: "remote", Iface: "127.0.0.1",
			Metadata: json.RawMessage(`{"site":"A"}`), Streams: []videoroom.RemoteStream{
				{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"},
				{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8"},
			}})
		require.NoError(t, err)
		pubs := waitFor[*videoroom.Publishers](t, ctx, alice.Events(), nil)
		require.Len(t, pubs.Publishers, 1)
		assertMetadata(t, `{"site":"A"}`, pubs.Publishers[0].Metadata)
		p, ok = alice.Roster().Participant(rp.Participant)
		require.True(t, ok)
		assertMetadata(t, `{"site":"A"}`, p.Metadata)
		feedMeta := func(m string) string {
			if v >= core.V(1, 4, 1) {
				return m
			}
			return ""
		}
		sub, att, err := videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
			Streams: []videoroom.SubscribeStream{{Feed: rp.Participant, Mid: "0"}}})
		require.NoError(t, err)
		require.Len(t, att.Streams, 1)
		assertMetadata(t, feedMeta(`{"site":"A"}`), att.Streams[0].FeedMetadata, "subscription (1.4.1)")
		require.NoError(t, sub.Start(ctx, answerFor(t, att.JSEP)))

		require.NoError(t, admin.UpdateRemotePublisher(ctx, videoroom.UpdateRemotePublisherRequest{Room: room, Secret: "adm", Participant: rp.Participant,
			Metadata: json.RawMessage(`{"site":"B"}`), Streams: []videoroom.RemoteStream{{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"}}}))
		pubs = waitFor[*videoroom.Publishers](t, ctx, alice.Events(), nil)
		assertMetadata(t, `{"site":"B"}`, pubs.Publishers[0].Metadata)
		p, _ = alice.Roster().Participant(rp.Participant)
		assertMetadata(t, `{"site":"B"}`, p.Metadata)
		up, err := sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: rp.Participant, Mid: "1"}})
		require.NoError(t, err)
		require.Len(t, up.Streams, 2)
		for _, s := range up.Streams {
			assertMetadata(t, feedMeta(`{"site":"B"}`), s.FeedMetadata, "stream %s after the update", s.Mid)
		}
		require.NoError(t, sub.Start(ctx, answerFor(t, up.JSEP)))
		require.NoError(t, sub.Leave(ctx))
		require.NoError(t, admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Secret: "adm", Participant: rp.Participant}))

		// JoinAndConfigure takes the publish half's metadata when the
		// join has none.
		carol, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		_, _, err = carol.JoinAndConfigure(ctx, videoroom.JoinRequest{Room: room, Display: "carol"},
			videoroom.PublishRequest{Metadata: json.RawMessage(`{"from":"publish"}`)}, audioOffer(t))
		require.NoError(t, err)
		joining = waitFor[*videoroom.Joining](t, ctx, alice.Events(), func(j *videoroom.Joining) bool { return j.Display == "carol" })
		assertMetadata(t, `{"from":"publish"}`, joining.Metadata)
	})
}

// TestNewRoomOptions creates rooms with the options Janus added after
// 1.1.2: helper threads (1.2.3; native's TestVideoRoomMetadata relays
// media through them) and a dummy publisher advertised as end-to-end
// encrypted (1.3.2), whose subscriptions' offers say so.
func TestNewRoomOptions(t *testing.T) {
	v, ctx, c, admin := adminOnNewServer(t)
	dummy := []videoroom.DummyStream{{Codec: "opus"}, {Codec: "vp8"}}

	threaded := videoroom.CreateRequest{Room: nextRoom(), Threads: 2}
	if v < core.V(1, 2, 3) {
		_, err := admin.Create(ctx, threaded)
		versiontest.RequireUnsupported(t, err, "videoroom create threads", core.V(1, 2, 3))
	} else {
		_, err := admin.Create(ctx, threaded)
		require.NoError(t, err)
		_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: threaded.Room})
		require.NoError(t, err)
	}

	// Without dummy_e2ee, the dummy's subscriptions are plain.
	plain := nextRoom()
	_, err := admin.Create(ctx, videoroom.CreateRequest{Room: plain, DummyPublisher: true, DummyStreams: dummy})
	require.NoError(t, err)
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: plain})
	dummyOffer := func(room core.ID) *core.JSEP {
		t.Helper()
		parts, err := admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		require.Len(t, parts, 1)
		require.True(t, parts[0].Dummy)
		sub, att, err := videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
			Streams: []videoroom.SubscribeStream{{Feed: parts[0].ID}}})
		require.NoError(t, err)
		require.NoError(t, sub.Detach(ctx))
		return att.JSEP
	}
	assert.False(t, dummyOffer(plain).E2EE)

	e2ee := videoroom.CreateRequest{Room: nextRoom(), DummyPublisher: true, DummyStreams: dummy, DummyE2EE: true}
	if v < core.V(1, 3, 2) {
		_, err := admin.Create(ctx, e2ee)
		versiontest.RequireUnsupported(t, err, "videoroom create dummy_e2ee", core.V(1, 3, 2))
		ok, err := admin.Exists(ctx, e2ee.Room)
		require.NoError(t, err)
		assert.False(t, ok, "nothing was sent")
		return
	}
	_, err = admin.Create(ctx, e2ee)
	require.NoError(t, err)
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: e2ee.Room})
	assert.True(t, dummyOffer(e2ee.Room).E2EE, "the offer of a subscription to an e2ee dummy publisher")

	// One subscription cannot mix it with a plain publisher (1.2.2).
	parts, err := admin.ListParticipants(ctx, e2ee.Room)
	require.NoError(t, err)
	rp, err := admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: e2ee.Room, Iface: "127.0.0.1",
		Streams: []videoroom.RemoteStream{{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"}}})
	require.NoError(t, err)
	waitPublishing(t, ctx, admin, e2ee.Room, rp.Participant)
	_, _, err = videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: e2ee.Room,
		Streams: []videoroom.SubscribeStream{{Feed: parts[0].ID}, {Feed: rp.Participant}}})
	requireCode(t, err, videoroom.ErrInvalidFeed)
}

// TestSwitchLayers switches a subscription's m-line to a simulcast
// source at a chosen substream and temporal layer (Janus 1.1.4): the
// switched stream's targets are those asked for. Native's
// TestVideoRoomSwitchSubstream shows it with media.
func TestSwitchLayers(t *testing.T) {
	v, ctx, c, admin := adminOnNewServer(t)
	room := nextRoom()
	_, err := admin.Create(ctx, videoroom.CreateRequest{Room: room})
	require.NoError(t, err)
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
	var feeds []core.ID
	for range 2 {
		rp, err := admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Iface: "127.0.0.1",
			Streams: []videoroom.RemoteStream{{Type: "video", Mindex: 0, Mid: "0", Codec: "vp8", Simulcast: true}}})
		require.NoError(t, err)
		waitPublishing(t, ctx, admin, room, rp.Participant)
		feeds = append(feeds, rp.Participant)
	}
	sub, att, err := videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
		Streams: []videoroom.SubscribeStream{{Feed: feeds[0]}}})
	require.NoError(t, err)
	require.NoError(t, sub.Start(ctx, answerFor(t, att.JSEP)))
	mid := att.Streams[0].Mid

	to := []videoroom.SwitchStream{{Feed: feeds[1], Mid: "0", SubMid: mid, Substream: core.Ptr(0), Temporal: core.Ptr(1)}}
	if v < core.V(1, 1, 4) {
		_, err := sub.Switch(ctx, to)
		versiontest.RequireUnsupported(t, err, "videoroom switch substream/temporal/spatial_layer/temporal_layer", core.V(1, 1, 4))
		_, err = sub.Switch(ctx, []videoroom.SwitchStream{{Feed: feeds[1], Mid: "0", SubMid: mid, SpatialLayer: core.Ptr(0)}})
		require.ErrorIs(t, err, core.ErrUnsupported)
		sw, err := sub.Switch(ctx, []videoroom.SwitchStream{{Feed: feeds[1], Mid: "0", SubMid: mid}})
		require.NoError(t, err, "a switch without layers")
		assert.Equal(t, 1, sw.Changes)
		return
	}
	sw, err := sub.Switch(ctx, to)
	require.NoError(t, err)
	assert.Equal(t, 1, sw.Changes)
	require.Len(t, sw.Streams, 1)
	assert.Equal(t, feeds[1], sw.Streams[0].Feed)
	require.NotNil(t, sw.Streams[0].Simulcast)
	assert.Equal(t, 0, sw.Streams[0].Simulcast.SubstreamTarget)
	assert.Equal(t, 1, sw.Streams[0].Simulcast.TemporalLayerTarget)
	// Back without layers: the highest again.
	sw, err = sub.Switch(ctx, []videoroom.SwitchStream{{Feed: feeds[0], Mid: "0", SubMid: mid}})
	require.NoError(t, err)
	assert.Equal(t, 2, sw.Streams[0].Simulcast.SubstreamTarget)
	assert.Equal(t, 2, sw.Streams[0].Simulcast.TemporalLayerTarget)
}

// TestRemotePublisherOptions checks the remote-publisher options newer
// than 1.1.2: SRTP between the instances (1.3.0) and string profiles
// (1.2.1). Native's TestVideoRoomCascade sends media that way between
// two servers.
func TestRemotePublisherOptions(t *testing.T) {
	v, ctx, _, admin := adminOnNewServer(t)
	room := nextRoom()
	_, err := admin.Create(ctx, videoroom.CreateRequest{Room: room, VideoCodec: core.Codecs{core.VP8, core.H264}})
	require.NoError(t, err)
	defer admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
	key := base64.StdEncoding.EncodeToString(make([]byte, 30))
	srtp := videoroom.AddRemotePublisherRequest{Room: room, Iface: "127.0.0.1", SRTPSuite: 80, SRTPCrypto: key,
		Streams: []videoroom.RemoteStream{{Type: "video", Mindex: 0, Mid: "v", Codec: "vp8"}}}
	profile := videoroom.AddRemotePublisherRequest{Room: room, Iface: "127.0.0.1",
		Streams: []videoroom.RemoteStream{{Type: "video", Mindex: 0, Mid: "v", Codec: "h264", H264Profile: "42e01f"}}}
	remotely := videoroom.PublishRemotelyRequest{Room: room, Participant: core.NumID(1), RemoteID: "x", Host: "127.0.0.1", Port: 5000,
		SRTPSuite: 80, SRTPCrypto: key}

	if v < core.V(1, 2, 1) {
		_, err := admin.AddRemotePublisher(ctx, profile)
		versiontest.RequireUnsupported(t, err, "videoroom add_remote_publisher h264_profile/vp9_profile", core.V(1, 2, 1))
	} else {
		rp, err := admin.AddRemotePublisher(ctx, profile)
		require.NoError(t, err)
		waitPublishing(t, ctx, admin, room, rp.Participant)
		require.NoError(t, admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Participant: rp.Participant}))
	}
	if v < core.V(1, 3, 0) {
		_, err := admin.AddRemotePublisher(ctx, srtp)
		versiontest.RequireUnsupported(t, err, "videoroom add_remote_publisher srtp_suite/srtp_crypto", core.V(1, 3, 0))
		err = admin.UpdateRemotePublisher(ctx, videoroom.UpdateRemotePublisherRequest{Room: room, Participant: core.NumID(1), SRTPSuite: 32,
			Streams: srtp.Streams})
		versiontest.RequireUnsupported(t, err, "videoroom update_remote_publisher srtp_suite/srtp_crypto", core.V(1, 3, 0))
		_, err = admin.PublishRemotely(ctx, remotely)
		versiontest.RequireUnsupported(t, err, "videoroom publish_remotely srtp_suite/srtp_crypto", core.V(1, 3, 0))
		return
	}
	rp, err := admin.AddRemotePublisher(ctx, srtp)
	require.NoError(t, err)
	assert.NotZero(t, rp.Port)
	waitPublishing(t, ctx, admin, room, rp.Participant) // before RemoveRemotePublisher can find it
	// The plugin checks the SRTP settings.
	bad := srtp
	bad.SRTPSuite = 33
	_, err = admin.AddRemotePublisher(ctx, bad)
	requireCode(t, err, videoroom.ErrInvalidElement)
	require.NoError(t, admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Participant: rp.Participant}))
}
