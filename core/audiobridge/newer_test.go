package audiobridge_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/versiontest"
)

// The tests of this file cover the requests and options Janus added after
// 1.1.2: each checks the feature against a server that has it and the
// core.ErrUnsupported error (sent before anything reaches the server)
// against one that does not, as the started server's version says.

// roomJoined starts a server, creates the room of req on a new handle
// (the room's moderator, watched) and joins it as "alice", without media.
func roomJoined(t *testing.T, req audiobridge.CreateRequest) (*janusserver.Server, context.Context, *core.Session, *watcher, core.ID) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{TemplateDir: loopbackTemplates(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	s := dialSession(t, ctx, srv.WSURL)
	w := attach(t, ctx, s)
	_, err := w.h.Create(ctx, req)
	require.NoError(t, err)
	j, err := w.h.Join(ctx, audiobridge.JoinRequest{Room: req.Room, Display: "alice"}, nil)
	require.NoError(t, err)
	return srv, ctx, s, w, j.Participant
}

// rtpPhone is a plain RTP participant on loopback: a UDP socket of the
// test that sends Opus silence to the room and reads the mix.
type rtpPhone struct {
	conn *net.UDPConn
	to   *net.UDPAddr
	seq  uint16
}

func newRTPPhone(t *testing.T) *rtpPhone {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &rtpPhone{conn: conn}
}

func (p *rtpPhone) port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

// send sends n packets of Opus silence to the room.
func (p *rtpPhone) send(t *testing.T, n int) {
	t.Helper()
	for range n {
		p.seq++
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: p.seq, Timestamp: uint32(p.seq) * 960, SSRC: 0x1234}, Payload: opusSilence}
		b, err := pkt.Marshal()
		require.NoError(t, err)
		_, err = p.conn.WriteToUDP(b, p.to)
		require.NoError(t, err)
	}
}

// flowing reads n packets of the mix (20 ms each), each within 3 s.
func (p *rtpPhone) flowing(t *testing.T, n int) {
	t.Helper()
	for range n {
		readRTP(t, p.conn)
	}
}

// quiet reads the mix until none came for a while, and fails if it
// never stops within 10 s.
func (p *rtpPhone) quiet(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1500)
	end := time.Now().Add(10 * time.Second)
	for time.Now().Before(end) {
		require.NoError(t, p.conn.SetReadDeadline(time.Now().Add(600*time.Millisecond)))
		if _, _, err := p.conn.ReadFromUDP(buf); err != nil {
			var ne net.Error
			require.True(t, errors.As(err, &ne) && ne.Timeout(), "read: %v", err)
			return
		}
	}
	t.Fatal("the mix still flows")
}

// TestSuspendResume suspends a plain RTP participant: the others see it
// suspended, it gets no mix any more, and after Resume the mix flows
// again. With PauseEvents the resumed participant gets a recap of the
// room instead of the events it missed.
func TestSuspendResume(t *testing.T) {
	room := core.NumID(7100)
	srv, ctx, s, alice, aliceID := roomJoined(t, audiobridge.CreateRequest{Room: room, Secret: secret, AllowRTPParticipants: true})

	if v := versiontest.Server(t, srv); v < core.V(1, 2, 1) {
		err := alice.h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: secret, Participant: aliceID})
		versiontest.RequireUnsupported(t, err, "audiobridge suspend", core.V(1, 2, 1))
		assert.EqualError(t, err, "janus: audiobridge suspend needs Janus 1.2.1 or later (the server is "+srv.Version+")")
		err = alice.h.Resume(ctx, audiobridge.ResumeRequest{Room: room, Secret: secret, Participant: aliceID})
		versiontest.RequireUnsupported(t, err, "audiobridge resume", core.V(1, 2, 1))
		bob := attach(t, ctx, s)
		_, err = bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Suspended: true}, nil)
		versiontest.RequireUnsupported(t, err, "audiobridge join suspended", core.V(1, 2, 1))
		_, err = alice.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: room, PauseEvents: true})
		versiontest.RequireUnsupported(t, err, "audiobridge changeroom suspended", core.V(1, 2, 1))
		ps, err := alice.h.ListParticipants(ctx, room)
		require.NoError(t, err)
		assert.Len(t, ps, 1, "the refused join was not sent")
		return
	}

	// The phone joins with plain RTP and gets the mix.
	phone := newRTPPhone(t)
	ph := attach(t, ctx, s)
	pj, err := ph.h.Join(ctx, audiobridge.JoinRequest{Room: room, Display: "phone", RTP: &audiobridge.RTPParticipant{IP: "127.0.0.1", Port: phone.port(), PayloadType: 111}}, nil)
	require.NoError(t, err)
	require.NotNil(t, pj.RTP)
	phoneID := pj.Participant
	phone.to = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: pj.RTP.Port}
	phone.send(t, 10)
	phone.flowing(t, 50)

	// Suspended: everybody is told, the list says so, the mix stops.
	require.NoError(t, alice.h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: secret, Participant: phoneID}))
	for _, w := range []*watcher{alice, ph} {
		ev := waitFor(t, w, func(e *audiobridge.Suspended) bool { return e.Participant == phoneID })
		assert.Equal(t, room, ev.Room)
	}
	ps, err := alice.h.ListParticipants(ctx, room)
	require.NoError(t, err)
	p, ok := participant(ps, phoneID)
	require.True(t, ok)
	assert.True(t, p.Suspended)
	p, _ = participant(ps, aliceID)
	assert.False(t, p.Suspended)
	phone.quiet(t)
	err = alice.h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: "wrong", Participant: phoneID})
	require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
	err = alice.h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: secret, Participant: core.NumID(999)})
	require.ErrorIs(t, err, audiobridge.ErrNoSuchUser)

	// Resumed: the mix flows again.
	require.NoError(t, alice.h.Resume(ctx, audiobridge.ResumeRequest{Room: room, Secret: secret, Participant: phoneID}))
	for _, w := range []*watcher{alice, ph} {
		ev := waitFor(t, w, func(e *audiobridge.Resumed) bool { return e.Participant == phoneID })
		assert.Nil(t, ev.Participants, "no recap when events were not paused")
	}
	phone.send(t, 10)
	phone.flowing(t, 50)

	// Paused events: the phone misses bob joining suspended, and gets a
	// recap with bob when resumed.
	require.NoError(t, alice.h.Suspend(ctx, audiobridge.SuspendRequest{Room: room, Secret: secret, Participant: phoneID, PauseEvents: true}))
	waitFor(t, alice, func(e *audiobridge.Suspended) bool { return e.Participant == phoneID })
	bob := attach(t, ctx, s)
	bj, err := bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Display: "bob", Suspended: true, PauseEvents: true}, nil)
	require.NoError(t, err)
	joined := waitFor(t, alice, func(e *audiobridge.ParticipantsJoined) bool { return e.Participants[0].ID == bj.Participant })
	assert.True(t, joined.Participants[0].Suspended)
	require.NoError(t, alice.h.Resume(ctx, audiobridge.ResumeRequest{Room: room, Secret: secret, Participant: phoneID}))
	recap := waitFor(t, ph, func(e *audiobridge.Resumed) bool { return e.Participant == phoneID })
	b, ok := participant(recap.Participants, bj.Participant)
	require.True(t, ok, "the recap lists bob: %+v", recap.Participants)
	assert.True(t, b.Suspended)
	_, ok = participant(recap.Participants, aliceID)
	assert.True(t, ok)
	for _, ev := range ph.backlog {
		if e, ok := ev.(*audiobridge.ParticipantsJoined); ok {
			t.Errorf("the suspended phone got an event while its events were paused: %+v", e.Participants)
		}
	}
	require.NoError(t, s.Destroy(ctx))
}

// TestDenoise turns RNNoise denoising on and off. Debian builds the
// AudioBridge without RNNoise: the server's own handle_info tells which
// answer to expect.
func TestDenoise(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{TemplateDir: loopbackTemplates(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := dialSession(t, ctx, srv.WSURL)
	w := attach(t, ctx, s)
	room := core.NumID(7200)

	if v := versiontest.Server(t, srv); v < core.V(1, 2, 3) {
		_, err := w.h.Create(ctx, audiobridge.CreateRequest{Room: room, Denoise: true})
		versiontest.RequireUnsupported(t, err, "audiobridge create denoise", core.V(1, 2, 3))
		_, err = w.h.Create(ctx, audiobridge.CreateRequest{Room: room})
		require.NoError(t, err)
		_, err = w.h.Join(ctx, audiobridge.JoinRequest{Room: room, Denoise: core.Ptr(true)}, nil)
		versiontest.RequireUnsupported(t, err, "audiobridge join denoise", core.V(1, 2, 3))
		j, err := w.h.Join(ctx, audiobridge.JoinRequest{Room: room}, nil)
		require.NoError(t, err)
		_, err = w.h.Configure(ctx, audiobridge.ConfigureRequest{Denoise: core.Ptr(false)}, nil)
		versiontest.RequireUnsupported(t, err, "audiobridge configure denoise", core.V(1, 2, 3))
		err = w.h.EnableDenoise(ctx, audiobridge.ParticipantRequest{Room: room, Participant: j.Participant})
		versiontest.RequireUnsupported(t, err, "audiobridge denoise_enable", core.V(1, 2, 3))
		err = w.h.DisableDenoise(ctx, audiobridge.ParticipantRequest{Room: room, Participant: j.Participant})
		versiontest.RequireUnsupported(t, err, "audiobridge denoise_disable", core.V(1, 2, 3))
		return
	}

	_, err := w.h.Create(ctx, audiobridge.CreateRequest{Room: room, Secret: secret, Denoise: true})
	require.NoError(t, err)
	j, err := w.h.Join(ctx, audiobridge.JoinRequest{Room: room, Denoise: core.Ptr(true)}, nil)
	require.NoError(t, err)
	_, err = w.h.Configure(ctx, audiobridge.ConfigureRequest{Denoise: core.Ptr(false)}, nil)
	require.NoError(t, err)

	admin, err := core.DialAdmin(ctx, srv.AdminWSURL, core.WithAdminSecret(srv.AdminSecret))
	require.NoError(t, err)
	defer admin.Close()
	info, err := admin.HandleInfo(ctx, s.ID(), w.h.ID())
	require.NoError(t, err)
	var ps map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(info.PluginSpecific, &ps))
	require.Contains(t, ps, "room", "handle_info describes the participant: %s", info.PluginSpecific)
	_, rnnoise := ps["denoise"]
	t.Logf("RNNoise in this build: %t", rnnoise)

	req := audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: j.Participant}
	for _, call := range []func(context.Context, audiobridge.ParticipantRequest) error{w.h.EnableDenoise, w.h.DisableDenoise} {
		err := call(ctx, req)
		if rnnoise {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, audiobridge.ErrNoDenoise)
		require.ErrorIs(t, err, audiobridge.ErrInvalidRequest)
		var pe *core.PluginError
		require.ErrorAs(t, err, &pe)
		assert.Contains(t, pe.Reason, "Unknown request")
	}
	if rnnoise {
		err := w.h.EnableDenoise(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: core.NumID(999)})
		require.ErrorIs(t, err, audiobridge.ErrNoSuchUser)
	}
	require.NoError(t, s.Destroy(ctx))
}

// TestAnnouncements lists the playbacks of a room and stops them all.
func TestAnnouncements(t *testing.T) {
	room := core.NumID(7300)
	srv, ctx, s, w, _ := roomJoined(t, audiobridge.CreateRequest{Room: room, Secret: secret})
	v := versiontest.Server(t, srv)
	if v < core.V(1, 2, 4) {
		_, err := w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
		versiontest.RequireUnsupported(t, err, "audiobridge listannouncements", core.V(1, 2, 4))
	}
	if v < core.V(1, 3, 2) {
		_, err := w.h.StopAllFiles(ctx, audiobridge.StopAllFilesRequest{Room: room, Secret: secret})
		versiontest.RequireUnsupported(t, err, "audiobridge stop_all_files", core.V(1, 3, 2))
		return
	}

	file := filepath.Join(t.TempDir(), "silence.opus")
	writeOpusFile(t, file, 50)
	anns, err := w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	assert.Empty(t, anns)
	for _, id := range []string{"one", "two"} {
		_, err := w.h.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Secret: secret, FileID: id, Filename: file, Loop: true})
		require.NoError(t, err)
		waitFor(t, w, func(e *audiobridge.AnnouncementStarted) bool { return e.FileID == id })
	}
	anns, err = w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	assert.ElementsMatch(t, []audiobridge.Announcement{
		{FileID: "one", Filename: file, Playing: true, Loop: true},
		{FileID: "two", Filename: file, Playing: true, Loop: true},
	}, anns)
	_, err = w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: room, Secret: "wrong"})
	require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
	_, err = w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: core.NumID(7399)})
	require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)

	stopped, err := w.h.StopAllFiles(ctx, audiobridge.StopAllFilesRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"one", "two"}, stopped)
	for _, id := range []string{"one", "two"} {
		waitFor(t, w, func(e *audiobridge.AnnouncementStopped) bool { return e.FileID == id })
	}
	anns, err = w.h.ListAnnouncements(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	assert.Empty(t, anns)
	stopped, err = w.h.StopAllFiles(ctx, audiobridge.StopAllFilesRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	assert.Empty(t, stopped)
	_, err = w.h.StopAllFiles(ctx, audiobridge.StopAllFilesRequest{Room: room, Secret: "wrong"})
	require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
	require.NoError(t, s.Destroy(ctx))
}

// TestRTPGenerateOffer joins a plain RTP participant the way a bridge
// dialling out does: the plugin gives its RTP address first and sends
// the mix only once Configure gives the participant's.
func TestRTPGenerateOffer(t *testing.T) {
	room := core.NumID(7400)
	srv, ctx, s, alice, _ := roomJoined(t, audiobridge.CreateRequest{Room: room, AllowRTPParticipants: true})
	ph := attach(t, ctx, s)
	if versiontest.Server(t, srv) < core.V(1, 3, 2) {
		_, err := ph.h.Join(ctx, audiobridge.JoinRequest{Room: room, GenerateOffer: true, RTP: &audiobridge.RTPParticipant{}}, nil)
		versiontest.RequireUnsupported(t, err, "audiobridge join generate_offer with rtp", core.V(1, 3, 2))
		_, err = alice.h.Configure(ctx, audiobridge.ConfigureRequest{RTP: &audiobridge.RTPParticipant{IP: "127.0.0.1", Port: 9}}, nil)
		versiontest.RequireUnsupported(t, err, "audiobridge configure rtp", core.V(1, 3, 2))
		return
	}

	j, err := ph.h.Join(ctx, audiobridge.JoinRequest{Room: room, Display: "sip", GenerateOffer: true, RTP: &audiobridge.RTPParticipant{PayloadType: 111}}, nil)
	require.NoError(t, err)
	require.NotNil(t, j.RTP, "the plugin gives its RTP address first")
	assert.Equal(t, "127.0.0.1", j.RTP.IP)
	assert.NotZero(t, j.RTP.Port)
	assert.Nil(t, j.JSEP, "plain RTP: no SDP")
	joined := waitFor(t, alice, func(e *audiobridge.ParticipantsJoined) bool { return e.Participants[0].ID == j.Participant })
	assert.False(t, joined.Participants[0].Setup, "no media before the participant's address")

	phone := newRTPPhone(t)
	phone.to = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: j.RTP.Port}
	answer, err := ph.h.Configure(ctx, audiobridge.ConfigureRequest{RTP: &audiobridge.RTPParticipant{IP: "127.0.0.1", Port: phone.port()}}, nil)
	require.NoError(t, err)
	assert.Nil(t, answer)
	up := waitFor(t, alice, func(e *audiobridge.ParticipantsUpdated) bool { return e.Participants[0].ID == j.Participant })
	assert.True(t, up.Participants[0].Setup, "set up once the plugin knows where to send")
	phone.send(t, 10)
	assert.Equal(t, uint8(111), readRTP(t, phone.conn).PayloadType, "the mix reaches the participant")
	require.NoError(t, s.Destroy(ctx))
}
