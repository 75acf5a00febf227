package videoroom_test

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// transports runs fn over WebSocket and HTTP against srv.
func transports(t *testing.T, srv *janusserver.Server, fn func(t *testing.T, ctx context.Context, c *core.Client)) {
	for _, url := range []string{srv.WSURL, srv.HTTPURL} {
		t.Run(url[:strIndex(url, ":")], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := core.Dial(ctx, url)
			require.NoError(t, err)
			defer c.Close()
			fn(t, ctx, c)
		})
	}
}

func strIndex(s, sep string) int {
	for i := range s {
		if s[i:i+len(sep)] == sep {
			return i
		}
	}
	return len(s)
}

func session(t *testing.T, ctx context.Context, c *core.Client) *core.Session {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Destroy(context.Background()) })
	return s
}

// requireCode checks that err is the plugin's error of sentinel want.
func requireCode(t *testing.T, err error, want *core.PluginError) {
	t.Helper()
	require.ErrorIs(t, err, want)
	pe, ok := errors.AsType[*core.PluginError](err)
	require.True(t, ok)
	assert.Equal(t, want.Code, pe.Code, "%v", err)
	assert.Equal(t, videoroom.Plugin, pe.Plugin)
}

// waitFor reads events from ch until one of type T satisfies ok.
func waitFor[T core.Event](t *testing.T, ctx context.Context, ch <-chan core.Event, ok func(T) bool) T {
	t.Helper()
	for {
		select {
		case ev, open := <-ch:
			require.True(t, open, "event stream closed")
			if e, is := ev.(T); is && (ok == nil || ok(e)) {
				return e
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("no %T event", zero)
			return zero
		}
	}
}

func audioOffer(t *testing.T) *core.JSEP {
	b, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	return &core.JSEP{Type: "offer", SDP: string(b)}
}

func freeUDPPort(t *testing.T) int {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

var roomSeq uint64 = 5000

func nextRoom() core.ID {
	roomSeq++
	return core.NumID(roomSeq)
}

func TestRoomManagement(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		s := session(t, ctx, c)
		h, err := videoroom.Attach(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, videoroom.Plugin, h.Plugin())

		// A room with most settings.
		room := nextRoom()
		created, err := h.Create(ctx, videoroom.CreateRequest{
			Room: room, Description: "All options", Secret: "adm", Pin: "1234", Publishers: 4,
			Bitrate: 256000, BitrateCap: true, FIRFreq: 5, AudioCodec: core.Codecs{core.Opus, core.PCMU}, VideoCodec: core.Codecs{core.VP8, core.VP9},
			VP9Profile: "0", OpusFEC: core.Ptr(false), OpusDTX: true, AudioLevelExt: core.Ptr(true),
			AudioLevelEvent: true, AudioActivePackets: 50, AudioLevelAverage: 40, VideoOrientExt: core.Ptr(false),
			PlayoutDelayExt: core.Ptr(false), TransportWideCCExt: core.Ptr(true), RecDir: srv.RecordingsDir,
			LockRecord: true, NotifyJoining: true, RequirePvtID: true, Allowed: []string{"t1"},
		})
		require.NoError(t, err)
		assert.Equal(t, room, created.Room)
		assert.False(t, created.Permanent)

		// The same id again: room exists.
		_, err = h.Create(ctx, videoroom.CreateRequest{Room: room})
		requireCode(t, err, videoroom.ErrRoomExists)

		// An id picked by the plugin, a private room, a dummy publisher.
		auto, err := h.Create(ctx, videoroom.CreateRequest{IsPrivate: true, DummyPublisher: true,
			DummyStreams: []videoroom.DummyStream{{Codec: "opus"}, {Codec: "vp8"}}})
		require.NoError(t, err)
		assert.False(t, auto.Room.IsZero())
		assert.False(t, auto.Room.IsString())

		ok, err := h.Exists(ctx, room)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = h.Exists(ctx, core.NumID(999999))
		require.NoError(t, err)
		assert.False(t, ok)

		rooms, err := h.List(ctx)
		require.NoError(t, err)
		i := slices.IndexFunc(rooms, func(r videoroom.RoomInfo) bool { return r.Room == room })
		require.GreaterOrEqual(t, i, 0)
		info := rooms[i]
		assert.Equal(t, "All options", info.Description)
		assert.True(t, info.PinRequired)
		assert.Equal(t, 4, info.MaxPublishers)
		assert.Equal(t, 256000, info.Bitrate)
		assert.True(t, info.BitrateCap)
		assert.Equal(t, 5, info.FIRFreq)
		assert.Equal(t, core.Codecs{core.Opus, core.PCMU}, info.AudioCodec)
		assert.Equal(t, core.Codecs{core.VP8, core.VP9}, info.VideoCodec)
		assert.False(t, info.OpusFEC)
		assert.True(t, info.OpusDTX)
		assert.True(t, info.AudioLevelEvent)
		assert.Equal(t, 50, info.AudioActivePackets)
		assert.Equal(t, 40, info.AudioLevelAverage)
		assert.False(t, info.VideoOrientExt)
		assert.False(t, info.PlayoutDelayExt)
		assert.True(t, info.TransportWideCCExt)
		assert.True(t, info.LockRecord)
		assert.True(t, info.NotifyJoining)
		assert.True(t, info.RequirePvtID)
		assert.Equal(t, srv.RecordingsDir, info.RecDir)
		assert.False(t, slices.ContainsFunc(rooms, func(r videoroom.RoomInfo) bool { return r.Room == auto.Room }), "private rooms are not listed")
		assert.True(t, slices.ContainsFunc(rooms, func(r videoroom.RoomInfo) bool { return r.Room == core.NumID(1234) }), "the configured room")

		// edit: the secret is needed.
		_, err = h.Edit(ctx, videoroom.EditRequest{Room: room, Secret: "wrong", NewDescription: "x"})
		requireCode(t, err, videoroom.ErrUnauthorized)
		edited, err := h.Edit(ctx, videoroom.EditRequest{Room: room, Secret: "adm", NewDescription: "Edited",
			NewPublishers: core.Ptr(2), NewBitrate: core.Ptr(0), NewIsPrivate: core.Ptr(false), NewPin: "4321"})
		require.NoError(t, err)
		assert.Equal(t, room, edited.Room)
		rooms, err = h.List(ctx)
		require.NoError(t, err)
		i = slices.IndexFunc(rooms, func(r videoroom.RoomInfo) bool { return r.Room == room })
		assert.Equal(t, "Edited", rooms[i].Description)
		assert.Equal(t, 2, rooms[i].MaxPublishers)
		assert.Equal(t, 0, rooms[i].Bitrate)

		// The token ACL.
		al, err := h.Allowed(ctx, videoroom.AllowedRequest{Room: room, Secret: "adm", Action: videoroom.AllowedAdd, Allowed: []string{"t2", "t3"}})
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"t1", "t2", "t3"}, al.Allowed)
		al, err = h.Allowed(ctx, videoroom.AllowedRequest{Room: room, Secret: "adm", Action: videoroom.AllowedRemove, Allowed: []string{"t1"}})
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"t2", "t3"}, al.Allowed)
		// Joining needs a listed token (and the pin).
		_, _, err = videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Pin: "4321", Token: "t1"})
		requireCode(t, err, videoroom.ErrUnauthorized)
		_, _, err = videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Pin: "1234", Token: "t2"})
		requireCode(t, err, videoroom.ErrUnauthorized)
		p, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Pin: "4321", Token: "t2", Display: "ok"})
		require.NoError(t, err)
		require.NoError(t, p.Leave(ctx))
		al, err = h.Allowed(ctx, videoroom.AllowedRequest{Room: room, Secret: "adm", Action: videoroom.AllowedDisable})
		require.NoError(t, err)
		assert.Nil(t, al.Allowed)
		_, err = h.Allowed(ctx, videoroom.AllowedRequest{Room: room, Secret: "adm", Action: videoroom.AllowedEnable})
		require.NoError(t, err)
		_, err = h.Allowed(ctx, videoroom.AllowedRequest{Room: room, Secret: "adm", Action: "bogus"})
		requireCode(t, err, videoroom.ErrInvalidElement)

		// Recording of the whole room.
		rec, err := h.EnableRecording(ctx, videoroom.EnableRecordingRequest{Room: room, Secret: "adm", Record: true})
		require.NoError(t, err)
		assert.True(t, rec)
		rec, err = h.EnableRecording(ctx, videoroom.EnableRecordingRequest{Room: room, Secret: "adm", Record: false})
		require.NoError(t, err)
		assert.False(t, rec)
		_, err = h.EnableRecording(ctx, videoroom.EnableRecordingRequest{Room: room, Record: true})
		requireCode(t, err, videoroom.ErrMissingElement)

		parts, err := h.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.Empty(t, parts)
		fw, err := h.ListForwarders(ctx, videoroom.ListForwardersRequest{Room: room, Secret: "adm"})
		require.NoError(t, err)
		assert.Empty(t, fw)

		// Unknown rooms.
		missing := core.NumID(424242)
		_, err = h.ListParticipants(ctx, missing)
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		assert.EqualError(t, err, "janus: videoroom: listparticipants: error 426: No such room (424242)")
		_, _, err = videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: missing})
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		_, _, err = videoroom.Subscribe(ctx, s, videoroom.SubscribeRequest{Room: missing, Streams: []videoroom.SubscribeStream{{Feed: core.NumID(1)}}})
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		err = h.Kick(ctx, videoroom.KickRequest{Room: missing, Participant: core.NumID(1)})
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		_, err = h.Edit(ctx, videoroom.EditRequest{Room: missing})
		requireCode(t, err, videoroom.ErrNoSuchRoom)

		// destroy.
		_, err = h.Destroy(ctx, videoroom.DestroyRequest{Room: room})
		requireCode(t, err, videoroom.ErrMissingElement)
		d, err := h.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "adm"})
		require.NoError(t, err)
		assert.Equal(t, room, d.Room)
		_, err = h.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "adm"})
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		ok, err = h.Exists(ctx, room)
		require.NoError(t, err)
		assert.False(t, ok)
		_, err = h.Destroy(ctx, videoroom.DestroyRequest{Room: auto.Room})
		require.NoError(t, err)

		// The same handle, adopted (as after a claim on a new connection).
		adopted := videoroom.Adopt(s, h.ID())
		ok, err = adopted.Exists(ctx, core.NumID(1234))
		require.NoError(t, err)
		assert.True(t, ok)

		// An unknown request.
		_, err = h.Message(ctx, map[string]any{"request": "bogus"})
		requireCode(t, err, videoroom.ErrInvalidRequest)
		require.NoError(t, h.Detach(ctx))
	})
}

// TestParticipants runs the flows that work without media: joins, events
// between participants, publish answers, moderation, forwarding, kick,
// leave and destroy, and checks the rosters against them.
func TestParticipants(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		admin, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		room := nextRoom()
		_, err = admin.Create(ctx, videoroom.CreateRequest{Room: room, Secret: "adm", NotifyJoining: true, Description: "people"})
		require.NoError(t, err)

		// alice joins an empty room.
		alice, aj, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "alice"})
		require.NoError(t, err)
		assert.Equal(t, room, aj.Room)
		assert.Equal(t, "people", aj.Description)
		assert.False(t, aj.Participant.IsZero())
		assert.NotZero(t, aj.PrivateID)
		assert.Empty(t, aj.Publishers)
		assert.Empty(t, aj.Attendees)
		assert.Equal(t, aj.Participant, alice.ParticipantID())
		assert.Equal(t, room, alice.Roster().Room())
		assert.Equal(t, 0, alice.Roster().Len())
		aliceChanges, stop := changes(alice.Roster())
		defer stop()

		// bob joins with his own id: he sees alice as an attendee, alice
		// gets a typed joining event, and both rosters agree.
		bobID := core.NumID(4242)
		bob, bj, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Participant: bobID, Display: "bob"})
		require.NoError(t, err)
		assert.Equal(t, bobID, bj.Participant)
		assert.Equal(t, []videoroom.Attendee{{ID: alice.ParticipantID(), Display: "alice"}}, bj.Attendees)
		assert.Equal(t, []videoroom.Participant{{ID: alice.ParticipantID(), Display: "alice"}}, bob.Roster().Participants())
		joining := waitFor[*videoroom.Joining](t, ctx, alice.Events(), nil)
		assert.Equal(t, bobID, joining.Participant)
		assert.Equal(t, "bob", joining.Display)
		assert.Equal(t, room, joining.Room)
		assert.Equal(t, []videoroom.Participant{{ID: bobID, Display: "bob"}}, alice.Roster().Participants())
		ch := nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantAdded, ch.Kind)
		assert.Equal(t, "bob", ch.Participant.Display)
		assert.IsType(t, &videoroom.Joining{}, ch.Event)

		// The same id twice.
		_, _, err = videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Participant: bobID})
		requireCode(t, err, videoroom.ErrIDExists)
		// A handle joins once.
		_, _, err = alice.JoinAsPublisher(ctx, videoroom.JoinRequest{Room: room})
		assert.Error(t, err)

		// listparticipants shows both, not publishing.
		parts, err := admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		slices.SortFunc(parts, func(a, b videoroom.ParticipantInfo) int { return int(a.ID.Num() - b.ID.Num()) })
		assert.ElementsMatch(t, []videoroom.ParticipantInfo{{ID: alice.ParticipantID(), Display: "alice"}, {ID: bobID, Display: "bob"}}, parts)

		// alice publishes the static audio offer: an SDP answer.
		conf, err := alice.Publish(ctx, videoroom.PublishRequest{Bitrate: 64000,
			Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "mic"}}}, audioOffer(t))
		require.NoError(t, err)
		require.NotNil(t, conf.JSEP)
		assert.Equal(t, "answer", conf.JSEP.Type)
		assert.Contains(t, conf.JSEP.SDP, "opus/48000")
		assert.Equal(t, room, conf.Room)
		assert.Equal(t, core.Opus, conf.AudioCodec)
		require.Len(t, conf.Streams, 1)
		assert.Equal(t, videoroom.PublishedStream{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", Description: "mic", FEC: true}, conf.Streams[0])
		// A codec the room does not allow.
		_, err = bob.Publish(ctx, videoroom.PublishRequest{AudioCodec: "pcmu"}, audioOffer(t))
		requireCode(t, err, videoroom.ErrInvalidElement)

		// configure: settings, then a display change the others see.
		conf, err = alice.Configure(ctx, videoroom.ConfigureRequest{Bitrate: 128000, Keyframe: core.Ptr(true),
			Streams:      []videoroom.ConfigureStream{{Mid: "0", Send: core.Ptr(false), MinDelay: core.Ptr(0), MaxDelay: core.Ptr(10)}},
			Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "muted"}}}, nil)
		require.NoError(t, err)
		assert.Nil(t, conf.JSEP)
		_, err = alice.Configure(ctx, videoroom.ConfigureRequest{Display: "Alice"}, nil)
		require.NoError(t, err)
		dc := waitFor[*videoroom.DisplayChanged](t, ctx, bob.Events(), nil)
		assert.Equal(t, alice.ParticipantID(), dc.Participant)
		assert.Equal(t, "Alice", dc.Display)
		p, ok := bob.Roster().Participant(alice.ParticipantID())
		require.True(t, ok)
		assert.Equal(t, "Alice", p.Display)
		_, err = alice.Configure(ctx, videoroom.ConfigureRequest{Streams: []videoroom.ConfigureStream{{Mid: "9", Send: core.Ptr(true)}}}, nil)
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		// unpublish: the PeerConnection never came up, so not published.
		requireCode(t, alice.Unpublish(ctx), videoroom.ErrNotPublished)
		// publish again is allowed until media flows.
		conf, err = alice.Publish(ctx, videoroom.PublishRequest{}, audioOffer(t))
		require.NoError(t, err)
		assert.Equal(t, "answer", conf.JSEP.Type)

		// moderate alice's negotiated stream: everyone is told, alice too.
		require.NoError(t, admin.Moderate(ctx, videoroom.ModerateRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(), Mid: "0", Mute: true}))
		for _, who := range []*videoroom.Publisher{alice, bob} {
			m := waitFor[*videoroom.Moderation](t, ctx, who.Events(), nil)
			assert.Equal(t, alice.ParticipantID(), m.Participant)
			assert.Equal(t, "0", m.Mid)
			assert.True(t, m.Muted)
		}
		require.NoError(t, admin.Moderate(ctx, videoroom.ModerateRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(), Mid: "0", Mute: false}))
		assert.False(t, waitFor[*videoroom.Moderation](t, ctx, bob.Events(), nil).Muted)
		err = admin.Moderate(ctx, videoroom.ModerateRequest{Room: room, Secret: "adm", Participant: bobID, Mid: "0", Mute: true})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		err = admin.Moderate(ctx, videoroom.ModerateRequest{Room: room, Secret: "bad", Participant: bobID, Mid: "0", Mute: true})
		requireCode(t, err, videoroom.ErrUnauthorized)

		// RTP forwarding of alice's audio to a local port.
		port := freeUDPPort(t)
		fwd, err := admin.RTPForward(ctx, videoroom.RTPForwardRequest{Room: room, Participant: alice.ParticipantID(), Secret: "adm",
			Host: "127.0.0.1", Streams: []videoroom.ForwardStream{{Mid: "0", Port: port, PT: 111, SSRC: 1234}}})
		require.NoError(t, err)
		assert.Equal(t, alice.ParticipantID(), fwd.Participant)
		require.Len(t, fwd.Forwarders, 1)
		f := fwd.Forwarders[0]
		assert.Equal(t, videoroom.Forwarder{StreamID: f.StreamID, Type: "audio", Host: "127.0.0.1", Port: port, PT: 111, SSRC: 1234}, f)
		list, err := admin.ListForwarders(ctx, videoroom.ListForwardersRequest{Room: room, Secret: "adm"})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, alice.ParticipantID(), list[0].Participant)
		assert.Equal(t, "Alice", list[0].Display)
		assert.Equal(t, []videoroom.Forwarder{f}, list[0].Forwarders)
		require.NoError(t, admin.StopRTPForward(ctx, videoroom.StopRTPForwardRequest{Room: room, Participant: alice.ParticipantID(), StreamID: f.StreamID, Secret: "adm"}))
		err = admin.StopRTPForward(ctx, videoroom.StopRTPForwardRequest{Room: room, Participant: alice.ParticipantID(), StreamID: f.StreamID, Secret: "adm"})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		_, err = admin.RTPForward(ctx, videoroom.RTPForwardRequest{Room: room, Participant: core.NumID(1), Secret: "adm",
			Host: "127.0.0.1", Streams: []videoroom.ForwardStream{{Mid: "0", Port: port}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		_, err = admin.RTPForward(ctx, videoroom.RTPForwardRequest{Room: room, Participant: alice.ParticipantID(), Secret: "adm",
			Host: "127.0.0.1", HostFamily: "ipx", Streams: []videoroom.ForwardStream{{Mid: "0", Port: port}}})
		requireCode(t, err, videoroom.ErrInvalidElement)

		// Subscribing needs a feed that is publishing (media up).
		_, _, err = videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
			Streams: []videoroom.SubscribeStream{{Feed: alice.ParticipantID()}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		_, _, err = videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
			Streams: []videoroom.SubscribeStream{{Feed: core.NumID(777)}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		// Subscriber requests on a handle that joined nothing.
		idle, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		requireCode(t, (&videoroom.Subscriber{Handle: idle}).Start(ctx, nil), videoroom.ErrJoinFirst)

		// carol joins, then is kicked: she gets a typed kicked event, the
		// others a leaving event marked kicked, and rosters follow.
		carol, _, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "carol"})
		require.NoError(t, err)
		waitFor[*videoroom.Joining](t, ctx, alice.Events(), func(j *videoroom.Joining) bool { return j.Participant == carol.ParticipantID() })
		waitFor[*videoroom.Joining](t, ctx, bob.Events(), func(j *videoroom.Joining) bool { return j.Participant == carol.ParticipantID() })
		assert.Len(t, carol.Roster().Participants(), 2)
		assert.Equal(t, []string{"bob", "carol"}, displays(alice.Roster().Participants()))
		ch = nextChange(t, aliceChanges) // events about alice herself changed nothing
		assert.Equal(t, videoroom.ParticipantAdded, ch.Kind)
		assert.Equal(t, "carol", ch.Participant.Display)
		require.NoError(t, admin.Kick(ctx, videoroom.KickRequest{Room: room, Secret: "adm", Participant: carol.ParticipantID()}))
		k := waitFor[*videoroom.Kicked](t, ctx, carol.Events(), nil)
		assert.Equal(t, room, k.Room)
		assert.Equal(t, 0, carol.Roster().Len())
		for _, who := range []*videoroom.Publisher{alice, bob} {
			l := waitFor[*videoroom.Leaving](t, ctx, who.Events(), func(l *videoroom.Leaving) bool { return l.Participant == carol.ParticipantID() })
			assert.True(t, l.Kicked)
			_, still := who.Roster().Participant(carol.ParticipantID())
			assert.False(t, still)
		}
		ch = nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantRemoved, ch.Kind)
		assert.True(t, ch.Kicked)
		assert.Equal(t, "carol", ch.Participant.Display)
		err = admin.Kick(ctx, videoroom.KickRequest{Room: room, Secret: "adm", Participant: carol.ParticipantID()})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		// A kicked participant's handle is out of the room.
		_, err = carol.Configure(ctx, videoroom.ConfigureRequest{Bitrate: 1}, nil)
		requireCode(t, err, videoroom.ErrNoSuchRoom)

		// bob leaves: alice gets a leaving event, bob's roster is cleared.
		require.NoError(t, bob.Leave(ctx))
		assert.Equal(t, 0, bob.Roster().Len())
		l := waitFor[*videoroom.Leaving](t, ctx, alice.Events(), nil)
		assert.Equal(t, bobID, l.Participant)
		assert.False(t, l.Kicked)
		assert.Equal(t, 0, alice.Roster().Len())
		ch = nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantRemoved, ch.Kind)
		assert.False(t, ch.Kicked)
		// A handle that left cannot join again.
		_, _, err = bob.JoinAsPublisher(ctx, videoroom.JoinRequest{Room: room})
		assert.Error(t, err)

		parts, err = admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.Equal(t, []videoroom.ParticipantInfo{{ID: alice.ParticipantID(), Display: "Alice"}}, parts)

		// destroy: alice gets a typed destroyed event; her roster clears.
		dave, _, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "dave"})
		require.NoError(t, err)
		waitFor[*videoroom.Joining](t, ctx, alice.Events(), nil)
		assert.Equal(t, 1, alice.Roster().Len())
		assert.Equal(t, "dave", nextChange(t, aliceChanges).Participant.Display)
		_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "adm"})
		require.NoError(t, err)
		for _, who := range []*videoroom.Publisher{alice, dave} {
			d := waitFor[*videoroom.Destroyed](t, ctx, who.Events(), nil)
			assert.Equal(t, room, d.Room)
			assert.Equal(t, 0, who.Roster().Len())
		}
		assert.Equal(t, videoroom.RosterCleared, nextChange(t, aliceChanges).Kind)
	})
}

func displays(ps []videoroom.Participant) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Display
	}
	return out
}

// TestJoinAndConfigure joins and publishes in one request.
func TestJoinAndConfigure(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		s := session(t, ctx, c)
		h, err := videoroom.Attach(ctx, s)
		require.NoError(t, err)
		room := nextRoom()
		_, err = h.Create(ctx, videoroom.CreateRequest{Room: room, Publishers: 1, RecDir: srv.RecordingsDir})
		require.NoError(t, err)
		pub, j, err := h.JoinAndConfigure(ctx, videoroom.JoinRequest{Room: room},
			videoroom.PublishRequest{Display: "one", Bitrate: 100000, Record: core.Ptr(false),
				Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "voice"}}}, audioOffer(t))
		require.NoError(t, err)
		assert.Equal(t, "answer", j.JSEP.Type)
		assert.Contains(t, j.JSEP.SDP, "opus/48000")
		require.Len(t, j.Streams, 1)
		assert.Equal(t, "voice", j.Streams[0].Description)
		parts, err := h.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.Equal(t, []videoroom.ParticipantInfo{{ID: pub.ParticipantID(), Display: "one"}}, parts)
		// Without an offer there is nothing to configure.
		_, _, err = h.JoinAndConfigure(ctx, videoroom.JoinRequest{Room: room}, videoroom.PublishRequest{}, nil)
		assert.Error(t, err)
		require.NoError(t, pub.Leave(ctx))
		_, err = h.Destroy(ctx, videoroom.DestroyRequest{Room: room})
		require.NoError(t, err)
	})
}

// TestStringIDs runs rooms and participants with string ids.
func TestStringIDs(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{StringIDs: true})
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		admin, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		room := core.StrID("room-" + t.Name()[len(t.Name())-4:])
		created, err := admin.Create(ctx, videoroom.CreateRequest{Room: room, Secret: "s", NotifyJoining: true})
		require.NoError(t, err)
		assert.Equal(t, room, created.Room)
		_, err = admin.Create(ctx, videoroom.CreateRequest{Room: room})
		requireCode(t, err, videoroom.ErrRoomExists)
		auto, err := admin.Create(ctx, videoroom.CreateRequest{})
		require.NoError(t, err)
		assert.True(t, auto.Room.IsString())
		assert.NotEmpty(t, auto.Room.String())
		ok, err := admin.Exists(ctx, core.StrID("1234"))
		require.NoError(t, err)
		assert.True(t, ok, "the configured room is \"1234\"")

		alice, aj, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Participant: core.StrID("alice"), Display: "Alice"})
		require.NoError(t, err)
		assert.Equal(t, core.StrID("alice"), aj.Participant)
		assert.Equal(t, room, aj.Room)
		bob, bj, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "Bob"})
		require.NoError(t, err)
		assert.True(t, bj.Participant.IsString(), "a picked id is a string too")
		assert.Equal(t, []videoroom.Attendee{{ID: core.StrID("alice"), Display: "Alice"}}, bj.Attendees)
		j := waitFor[*videoroom.Joining](t, ctx, alice.Events(), nil)
		assert.Equal(t, bob.ParticipantID(), j.Participant)
		assert.Equal(t, room, j.Room)
		_, ok = alice.Roster().Participant(bob.ParticipantID())
		assert.True(t, ok)

		parts, err := admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.ElementsMatch(t, []videoroom.ParticipantInfo{{ID: core.StrID("alice"), Display: "Alice"}, {ID: bob.ParticipantID(), Display: "Bob"}}, parts)

		_, err = alice.Publish(ctx, videoroom.PublishRequest{}, audioOffer(t))
		require.NoError(t, err)
		fwd, err := admin.RTPForward(ctx, videoroom.RTPForwardRequest{Room: room, Participant: core.StrID("alice"), Secret: "s",
			Host: "127.0.0.1", Streams: []videoroom.ForwardStream{{Mid: "0", Port: freeUDPPort(t)}}})
		require.NoError(t, err)
		assert.Equal(t, core.StrID("alice"), fwd.Participant)
		assert.Equal(t, room, fwd.Room)
		require.NoError(t, admin.StopRTPForward(ctx, videoroom.StopRTPForwardRequest{Room: room, Participant: core.StrID("alice"),
			StreamID: fwd.Forwarders[0].StreamID, Secret: "s"}))
		require.NoError(t, admin.Moderate(ctx, videoroom.ModerateRequest{Room: room, Secret: "s", Participant: core.StrID("alice"), Mid: "0", Mute: true}))
		assert.Equal(t, core.StrID("alice"), waitFor[*videoroom.Moderation](t, ctx, bob.Events(), nil).Participant)

		_, _, err = videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room,
			Streams: []videoroom.SubscribeStream{{Feed: core.StrID("nobody")}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		require.NoError(t, admin.Kick(ctx, videoroom.KickRequest{Room: room, Secret: "s", Participant: bob.ParticipantID()}))
		waitFor[*videoroom.Kicked](t, ctx, bob.Events(), nil)
		l := waitFor[*videoroom.Leaving](t, ctx, alice.Events(), nil)
		assert.Equal(t, bob.ParticipantID(), l.Participant)
		assert.True(t, l.Kicked)
		assert.Equal(t, 0, alice.Roster().Len())

		_, err = admin.ListParticipants(ctx, core.StrID("nope"))
		requireCode(t, err, videoroom.ErrNoSuchRoom)
		// A numeric id where strings are expected.
		_, err = admin.ListParticipants(ctx, core.NumID(1234))
		requireCode(t, err, videoroom.ErrInvalidElement)

		_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "s"})
		require.NoError(t, err)
		assert.Equal(t, room, waitFor[*videoroom.Destroyed](t, ctx, alice.Events(), nil).Room)
		_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: auto.Room})
		require.NoError(t, err)
	})
}

// answerFor writes a minimal SDP answer to a subscription offer of Janus,
// with the ICE and DTLS credentials of the static audio offer: enough for
// the plugin to take the negotiation as done (ICE will never complete).
func answerFor(t *testing.T, offer *core.JSEP) *core.JSEP {
	t.Helper()
	require.NotNil(t, offer)
	require.Equal(t, "offer", offer.Type)
	lines := strings.Split(strings.ReplaceAll(offer.SDP, "\r\n", "\n"), "\n")
	var mids, body []string
	for i, l := range lines {
		if !strings.HasPrefix(l, "m=") {
			continue
		}
		f := strings.Fields(l)
		dir := "a=recvonly"
		var rtpmap, mid string
		for _, l2 := range lines[i+1:] {
			if strings.HasPrefix(l2, "m=") {
				break
			}
			switch {
			case l2 == "a=inactive":
				dir = l2
			case strings.HasPrefix(l2, "a=mid:"):
				mid = l2
			case len(f) > 3 && strings.HasPrefix(l2, "a=rtpmap:"+f[3]+" "):
				rtpmap = l2
			}
		}
		body = append(body, strings.Join(f[:4], " "), "c=IN IP4 0.0.0.0", dir, mid, "a=rtcp-mux",
			"a=ice-ufrag:gjTs", "a=ice-pwd:kq0Qh1Zqpa9n5yJcTzVfqG0V", "a=setup:active",
			"a=fingerprint:sha-256 2C:5C:91:7B:1A:0F:0E:0D:7C:6E:52:3B:1F:97:2F:2D:7D:4B:5C:33:45:1E:9D:5B:1E:40:0A:53:59:54:4B:7D")
		if rtpmap != "" {
			body = append(body, rtpmap)
		}
		if f[0] == "m=application" {
			body = append(body, "a=sctp-port:5000")
		}
		if f[1] != "0" {
			mids = append(mids, strings.TrimPrefix(mid, "a=mid:"))
		}
	}
	sdp := []string{"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE " + strings.Join(mids, " ")}
	return &core.JSEP{Type: "answer", SDP: strings.Join(append(sdp, body...), "\r\n") + "\r\n"}
}

// TestSubscriberWithRemotePublishers subscribes for real: remote
// publishers (fed by RTP, so active without ICE) are feeds Janus offers,
// and a minimal answer completes each negotiation as far as the plugin is
// concerned. Only the media itself never flows.
func TestSubscriberWithRemotePublishers(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	transports(t, srv, func(t *testing.T, ctx context.Context, c *core.Client) {
		admin, err := videoroom.Attach(ctx, session(t, ctx, c))
		require.NoError(t, err)
		room := nextRoom()
		_, err = admin.Create(ctx, videoroom.CreateRequest{Room: room, Secret: "adm", VideoCodec: core.Codecs{core.VP8, core.VP9}})
		require.NoError(t, err)
		alice, _, err := videoroom.JoinPublisher(ctx, session(t, ctx, c), videoroom.JoinRequest{Room: room, Display: "alice"})
		require.NoError(t, err)
		aliceChanges, stop := changes(alice.Roster())
		defer stop()

		// Two remote publishers: alice is told, and her roster lists them.
		ra, err := admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Secret: "adm", Display: "remote-a",
			Iface: "127.0.0.1", Streams: []videoroom.RemoteStream{
				{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", FEC: true, Stereo: true},
				{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8", Simulcast: true, Description: "camera"},
			}})
		require.NoError(t, err)
		assert.Equal(t, room, ra.Room)
		assert.NotZero(t, ra.Port)
		pubs := waitFor[*videoroom.Publishers](t, ctx, alice.Events(), nil)
		require.Len(t, pubs.Publishers, 1)
		assert.Equal(t, ra.Participant, pubs.Publishers[0].ID)
		assert.Equal(t, "remote-a", pubs.Publishers[0].Display)
		assert.Equal(t, []videoroom.PublishedStream{
			{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", FEC: true, Stereo: true},
			{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8", Simulcast: true, Description: "camera"},
		}, pubs.Publishers[0].Streams)
		ch := nextChange(t, aliceChanges)
		assert.Equal(t, videoroom.ParticipantAdded, ch.Kind)
		assert.True(t, ch.Participant.Publisher)
		assert.Len(t, ch.Participant.Streams, 2)
		rb, err := admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Secret: "adm", Participant: core.NumID(77), Display: "remote-b",
			Iface: "127.0.0.1", Streams: []videoroom.RemoteStream{
				{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"},
				{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8"},
				{Type: "data", Mindex: 2, Mid: "2"},
			}})
		require.NoError(t, err)
		assert.Equal(t, core.NumID(77), rb.Participant)
		waitFor[*videoroom.Publishers](t, ctx, alice.Events(), nil)
		assert.Equal(t, []string{"remote-a", "remote-b"}, displays(alice.Roster().Participants()))
		_, err = admin.AddRemotePublisher(ctx, videoroom.AddRemotePublisherRequest{Room: room, Secret: "adm", Participant: core.NumID(77), Iface: "127.0.0.1",
			Streams: []videoroom.RemoteStream{{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"}}})
		requireCode(t, err, videoroom.ErrIDExists)
		parts, err := admin.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.Contains(t, parts, videoroom.ParticipantInfo{ID: rb.Participant, Display: "remote-b", Publisher: true, Remote: true})

		// An update of a remote publisher reaches alice's roster.
		require.NoError(t, admin.UpdateRemotePublisher(ctx, videoroom.UpdateRemotePublisherRequest{Room: room, Secret: "adm", Participant: ra.Participant,
			Display: "Remote A", Streams: []videoroom.RemoteStream{{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", Description: "voice"}}}))
		waitFor[*videoroom.Publishers](t, ctx, alice.Events(), func(p *videoroom.Publishers) bool { return p.Publishers[0].ID == ra.Participant })
		p, ok := alice.Roster().Participant(ra.Participant)
		require.True(t, ok)
		assert.Equal(t, "Remote A", p.Display)
		assert.Equal(t, "voice", p.Streams[0].Description)
		err = admin.UpdateRemotePublisher(ctx, videoroom.UpdateRemotePublisherRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(),
			Streams: []videoroom.RemoteStream{{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus"}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		// Subscribe to every stream of remote-a: Janus's offer.
		sub, att, err := videoroom.Subscribe(ctx, session(t, ctx, c), videoroom.SubscribeRequest{Room: room, UseMsid: true,
			PrivateID: alice.PrivateID(), Streams: []videoroom.SubscribeStream{{Feed: ra.Participant, CrossRefID: "a"}}})
		require.NoError(t, err)
		assert.Equal(t, room, sub.Room())
		require.NotNil(t, att.JSEP)
		assert.Contains(t, att.JSEP.SDP, "VP8/90000")
		require.Len(t, att.Streams, 2)
		assert.Equal(t, videoroom.SubscriberStream{Type: "audio", Active: true, Mindex: 0, Mid: "0", CrossRefID: "a", Send: true,
			Feed: ra.Participant, FeedDisplay: "Remote A", FeedMid: "0", FeedDescription: "voice", Codec: "opus"}, att.Streams[0])
		require.NotNil(t, att.Streams[1].Simulcast)
		assert.Equal(t, 2, att.Streams[1].Simulcast.SubstreamTarget)
		require.NoError(t, sub.Start(ctx, answerFor(t, att.JSEP)))

		// Add remote-b's audio: a renegotiation offer.
		up, err := sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: rb.Participant, Mid: "0"}})
		require.NoError(t, err)
		require.Len(t, up.Streams, 3)
		assert.True(t, up.Streams[0].Ready)
		assert.False(t, up.Streams[2].Ready)
		assert.Equal(t, rb.Participant, up.Streams[2].Feed)
		require.NoError(t, sub.Start(ctx, answerFor(t, up.JSEP)))

		// pause, start again, tweak a stream.
		require.NoError(t, sub.Pause(ctx))
		require.NoError(t, sub.Start(ctx, nil))
		conf, err := sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Streams: []videoroom.SubscriberConfigureStream{
			{Mid: "1", Substream: core.Ptr(1), Temporal: core.Ptr(0), Fallback: core.Ptr(300000), MinDelay: core.Ptr(0), MaxDelay: core.Ptr(10)},
			{Mid: "0", Send: core.Ptr(false)},
		}})
		require.NoError(t, err)
		assert.Nil(t, conf.JSEP)
		_, err = sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Streams: []videoroom.SubscriberConfigureStream{{Mid: "9", Send: core.Ptr(true)}}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)
		_, err = sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Streams: []videoroom.SubscriberConfigureStream{{Mid: "1", Substream: core.Ptr(3)}}})
		requireCode(t, err, videoroom.ErrInvalidElement)

		// switch m-line 1 to remote-b's video: no renegotiation.
		sw, err := sub.Switch(ctx, []videoroom.SwitchStream{{Feed: rb.Participant, Mid: "1", SubMid: "1"}})
		require.NoError(t, err)
		assert.Nil(t, sw.JSEP)
		assert.Equal(t, 1, sw.Changes)
		require.Len(t, sw.Streams, 3)
		assert.Equal(t, rb.Participant, sw.Streams[1].Feed)
		_, err = sub.Switch(ctx, []videoroom.SwitchStream{{Feed: core.NumID(12345), Mid: "1", SubMid: "1"}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		// unsubscribe m-line 2, then update both ways.
		up, err = sub.Unsubscribe(ctx, []videoroom.UnsubscribeStream{{SubMid: "2"}})
		require.NoError(t, err)
		require.NotNil(t, up.JSEP)
		require.NoError(t, sub.Start(ctx, answerFor(t, up.JSEP)))
		up, err = sub.Update(ctx, videoroom.UpdateRequest{
			Subscribe:   []videoroom.SubscribeStream{{Feed: rb.Participant, Mid: "2"}},
			Unsubscribe: []videoroom.UnsubscribeStream{{Feed: ra.Participant, Mid: "0"}},
		})
		require.NoError(t, err)
		require.NotNil(t, up.JSEP)
		assert.Contains(t, up.JSEP.SDP, "m=application")
		require.NoError(t, sub.Start(ctx, answerFor(t, up.JSEP)))
		_, err = sub.Update(ctx, videoroom.UpdateRequest{})
		requireCode(t, err, videoroom.ErrMissingElement)
		_, err = sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: ra.Participant, Mid: "9"}})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		// An ICE restart: a new offer flagged as such.
		conf, err = sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Restart: true})
		require.NoError(t, err)
		require.NotNil(t, conf.JSEP)
		assert.Equal(t, "offer", conf.JSEP.Type)
		require.NoError(t, sub.Start(ctx, answerFor(t, conf.JSEP)))

		// Two changes in a row: the second waits for the first answer,
		// then its offer comes as an Updated event.
		up, err = sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: ra.Participant, Mid: "0"}})
		require.NoError(t, err)
		require.NotNil(t, up.JSEP)
		pending, err := sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: rb.Participant, Mid: "0"}})
		require.NoError(t, err)
		assert.True(t, pending.Pending)
		assert.Nil(t, pending.JSEP)
		require.NoError(t, sub.Start(ctx, answerFor(t, up.JSEP)))
		later := waitFor[*videoroom.Updated](t, ctx, sub.Events(), func(u *videoroom.Updated) bool { return u.JSEP != nil })
		assert.False(t, later.Pending)
		assert.NotEmpty(t, later.Streams)
		require.NoError(t, sub.Start(ctx, answerFor(t, later.JSEP)))

		// alice publishes (static offer) and is sent to remote-a's ports.
		_, err = alice.Publish(ctx, videoroom.PublishRequest{}, audioOffer(t))
		require.NoError(t, err)
		rz, err := admin.PublishRemotely(ctx, videoroom.PublishRemotelyRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(),
			RemoteID: "mirror", Host: "127.0.0.1", Port: ra.Port, RTCPPort: ra.RTCPPort})
		require.NoError(t, err)
		assert.Equal(t, "mirror", rz.RemoteID)
		assert.Equal(t, alice.ParticipantID(), rz.Participant)
		_, err = admin.PublishRemotely(ctx, videoroom.PublishRemotelyRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(),
			RemoteID: "mirror", Host: "127.0.0.1", Port: ra.Port})
		requireCode(t, err, videoroom.ErrIDExists)
		_, err = admin.PublishRemotely(ctx, videoroom.PublishRemotelyRequest{Room: room, Secret: "adm", Participant: ra.Participant,
			RemoteID: "x", Host: "127.0.0.1", Port: ra.Port})
		requireCode(t, err, videoroom.ErrInvalidElement)
		remotes, err := admin.ListRemotes(ctx, videoroom.ListRemotesRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID()})
		require.NoError(t, err)
		assert.Equal(t, []videoroom.Remotization{{RemoteID: "mirror", Host: "127.0.0.1", Port: ra.Port, RTCPPort: ra.RTCPPort}}, remotes)
		rz, err = admin.UnpublishRemotely(ctx, videoroom.UnpublishRemotelyRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(), RemoteID: "mirror"})
		require.NoError(t, err)
		assert.Equal(t, alice.ParticipantID(), rz.Participant)
		_, err = admin.UnpublishRemotely(ctx, videoroom.UnpublishRemotelyRequest{Room: room, Secret: "adm", Participant: alice.ParticipantID(), RemoteID: "mirror"})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		// Removing remote-b: alice sees it leave.
		require.NoError(t, admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Secret: "adm", Participant: rb.Participant}))
		l := waitFor[*videoroom.Leaving](t, ctx, alice.Events(), nil)
		assert.Equal(t, rb.Participant, l.Participant)
		_, ok = alice.Roster().Participant(rb.Participant)
		assert.False(t, ok)
		err = admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Secret: "adm", Participant: rb.Participant})
		requireCode(t, err, videoroom.ErrNoSuchFeed)

		require.NoError(t, sub.Leave(ctx))
		require.NoError(t, admin.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: room, Secret: "adm", Participant: ra.Participant}))
		_, err = admin.Destroy(ctx, videoroom.DestroyRequest{Room: room, Secret: "adm"})
		require.NoError(t, err)
	})
}
