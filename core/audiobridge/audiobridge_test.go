package audiobridge_test

import (
	"context"
	"net"
	"os"
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
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

const (
	secret = "s3cret"
	pin    = "1234"
)

// transports returns the server's Janus API URLs, one per transport.
func transports(srv *janusserver.Server) map[string]string {
	return map[string]string{"ws": srv.WSURL, "http": srv.HTTPURL}
}

// TestRoomManagement covers the synchronous room requests and their errors.
func TestRoomManagement(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{TemplateDir: loopbackTemplates(t)})
	base := uint64(1000)
	for name, url := range transports(srv) {
		base += 1000
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := dialSession(t, ctx, url)
			h := attach(t, ctx, s).h
			room := core.NumID(base + 1)

			created, err := h.Create(ctx, audiobridge.CreateRequest{
				Room: room, Description: "Main", Secret: secret, Pin: pin,
				SamplingRate: 48000, SpatialAudio: true,
				AudioLevelExt: core.Ptr(true), AudioLevelEvent: true, AudioActivePackets: 10, AudioLevelAverage: 40,
				DefaultPrebuffering: core.Ptr(4), DefaultExpectedLoss: 5, DefaultBitrate: 32000,
				RecordDir: filepath.Join(srv.RecordingsDir, name), AllowRTPParticipants: true,
			})
			require.NoError(t, err)
			assert.Equal(t, room, created.Room)
			assert.False(t, created.Permanent)

			_, err = h.Create(ctx, audiobridge.CreateRequest{Room: room})
			require.ErrorIs(t, err, audiobridge.ErrRoomExists)
			assert.ErrorContains(t, err, "janus: audiobridge: create: error 486: ", "the error names the request")
			_, err = h.Create(ctx, audiobridge.CreateRequest{SamplingRate: 44100})
			require.ErrorIs(t, err, audiobridge.ErrUnknown)
			_, err = h.Create(ctx, audiobridge.CreateRequest{Allowed: []string{}, Groups: []string{"a"}, IsPrivate: true})
			require.NoError(t, err, "an empty ACL and groups are accepted")

			// A room id picked by the plugin.
			random, err := h.Create(ctx, audiobridge.CreateRequest{})
			require.NoError(t, err)
			assert.False(t, random.Room.IsZero())
			assert.False(t, random.Room.IsString())

			// A private, permanent room: saved to the configuration file,
			// missing from List.
			private := core.NumID(base + 2)
			perm, err := h.Create(ctx, audiobridge.CreateRequest{Room: private, IsPrivate: true, Permanent: true, Description: "Hidden"})
			require.NoError(t, err)
			assert.True(t, perm.Permanent)
			cfg, err := os.ReadFile(filepath.Join(srv.Dir, "janus.plugin.audiobridge.jcfg"))
			require.NoError(t, err)
			assert.Contains(t, string(cfg), "Hidden")

			rooms, err := h.List(ctx)
			require.NoError(t, err)
			var main *audiobridge.Room
			for i := range rooms {
				assert.NotEqual(t, private, rooms[i].Room, "private rooms are not listed")
				if rooms[i].Room == room {
					main = &rooms[i]
				}
			}
			require.NotNil(t, main)
			assert.Equal(t, audiobridge.Room{Room: room, Description: "Main", PinRequired: true, SamplingRate: 48000, SpatialAudio: true}, *main)

			ok, err := h.Exists(ctx, room)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = h.Exists(ctx, core.NumID(base+999))
			require.NoError(t, err)
			assert.False(t, ok)

			// Edit: the secret is checked; the PIN can be removed.
			_, err = h.Edit(ctx, audiobridge.EditRequest{Room: room, Secret: "wrong", NewDescription: "x"})
			require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
			_, err = h.Edit(ctx, audiobridge.EditRequest{Room: room, NewDescription: "x"})
			require.ErrorIs(t, err, audiobridge.ErrMissingElement)
			_, err = h.Edit(ctx, audiobridge.EditRequest{Room: core.NumID(base + 999), NewDescription: "x"})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			edited, err := h.Edit(ctx, audiobridge.EditRequest{Room: room, Secret: secret, NewDescription: "Renamed", NewPin: core.Ptr(""), NewIsPrivate: core.Ptr(false)})
			require.NoError(t, err)
			assert.Equal(t, room, edited.Room)
			rooms, err = h.List(ctx)
			require.NoError(t, err)
			for _, r := range rooms {
				if r.Room == room {
					assert.Equal(t, "Renamed", r.Description)
					assert.False(t, r.PinRequired)
				}
			}

			// The token ACL.
			tokens, err := h.Allowed(ctx, audiobridge.AllowedRequest{Room: room, Secret: secret, Action: audiobridge.AllowedAdd, Allowed: []string{"t1", "t2"}})
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"t1", "t2"}, tokens)
			tokens, err = h.Allowed(ctx, audiobridge.AllowedRequest{Room: room, Secret: secret, Action: audiobridge.AllowedRemove, Allowed: []string{"t1"}})
			require.NoError(t, err)
			assert.Equal(t, []string{"t2"}, tokens)
			tokens, err = h.Allowed(ctx, audiobridge.AllowedRequest{Room: room, Secret: secret, Action: audiobridge.AllowedEnable})
			require.NoError(t, err)
			assert.Equal(t, []string{"t2"}, tokens)
			tokens, err = h.Allowed(ctx, audiobridge.AllowedRequest{Room: room, Secret: secret, Action: audiobridge.AllowedDisable})
			require.NoError(t, err)
			assert.Nil(t, tokens)
			_, err = h.Allowed(ctx, audiobridge.AllowedRequest{Room: room, Secret: secret, Action: "ban"})
			require.ErrorIs(t, err, audiobridge.ErrInvalidElement)

			// Recording the mix to a .wav file.
			recDir := filepath.Join(srv.RecordingsDir, name+"-wav")
			rec, err := h.EnableRecording(ctx, audiobridge.EnableRecordingRequest{Room: room, Secret: secret, Record: true, RecordDir: recDir, RecordFile: "mix.wav"})
			require.NoError(t, err)
			assert.True(t, rec)
			assert.Eventually(t, func() bool {
				st, err := os.Stat(filepath.Join(recDir, "mix.wav"))
				return err == nil && st.Size() >= 44
			}, 3*time.Second, 20*time.Millisecond, "the mix is recorded")
			rec, err = h.EnableRecording(ctx, audiobridge.EnableRecordingRequest{Room: room, Secret: secret, Record: false})
			require.NoError(t, err)
			assert.False(t, rec)
			mjrs, err := h.EnableMJRs(ctx, audiobridge.EnableMJRsRequest{Room: room, Secret: secret, MJRs: true, MJRsDir: recDir})
			require.NoError(t, err)
			assert.True(t, mjrs)
			mjrs, err = h.EnableMJRs(ctx, audiobridge.EnableMJRsRequest{Room: room, Secret: secret, MJRs: false})
			require.NoError(t, err)
			assert.False(t, mjrs)
			_, err = h.EnableRecording(ctx, audiobridge.EnableRecordingRequest{Room: room, Record: true})
			require.ErrorIs(t, err, audiobridge.ErrMissingElement)

			// RTP forwarding of the mix, to a socket of the test.
			conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			require.NoError(t, err)
			defer conn.Close()
			port := conn.LocalAddr().(*net.UDPAddr).Port
			fwd, err := h.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: room, Secret: secret, Host: "127.0.0.1", Port: port, SSRC: 4321, PType: 111, AlwaysOn: true})
			require.NoError(t, err)
			assert.NotZero(t, fwd.StreamID)
			assert.Equal(t, "127.0.0.1", fwd.Host)
			assert.Equal(t, port, fwd.Port)
			assert.Equal(t, room, fwd.Room)
			pkt := readRTP(t, conn)
			assert.Equal(t, uint8(111), pkt.PayloadType)
			assert.Equal(t, uint32(4321), pkt.SSRC)
			fwds, err := h.ListForwarders(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
			require.NoError(t, err)
			assert.Equal(t, []audiobridge.Forwarder{{StreamID: fwd.StreamID, IP: "127.0.0.1", Port: port, SSRC: 4321, Codec: core.Opus, PType: 111, AlwaysOn: true}}, fwds)
			_, err = h.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: room, Secret: secret, Host: "127.0.0.1", Port: port, Codec: "g729"})
			require.ErrorIs(t, err, audiobridge.ErrInvalidElement)
			_, err = h.ListForwarders(ctx, audiobridge.RoomRequest{Room: room, Secret: "wrong"})
			require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
			require.NoError(t, h.StopRTPForward(ctx, audiobridge.StopRTPForwardRequest{Room: room, Secret: secret, StreamID: fwd.StreamID}))
			fwds, err = h.ListForwarders(ctx, audiobridge.RoomRequest{Room: room, Secret: secret})
			require.NoError(t, err)
			assert.Empty(t, fwds)

			// Groups: forwarders of one group.
			grouped := core.NumID(base + 3)
			_, err = h.Create(ctx, audiobridge.CreateRequest{Room: grouped, Groups: []string{"red", "blue"}})
			require.NoError(t, err)
			gfwd, err := h.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: grouped, Group: "blue", Host: "127.0.0.1", Port: port, Codec: core.PCMU})
			require.NoError(t, err)
			assert.Equal(t, "blue", gfwd.Group)
			fwds, err = h.ListForwarders(ctx, audiobridge.RoomRequest{Room: grouped})
			require.NoError(t, err)
			require.Len(t, fwds, 1)
			assert.Equal(t, "blue", fwds[0].Group)
			assert.Equal(t, core.PCMU, fwds[0].Codec)
			_, err = h.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: grouped, Group: "green", Host: "127.0.0.1", Port: port})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchGroup)

			// Requests about rooms that do not exist.
			missing := core.NumID(base + 999)
			_, err = h.ListParticipants(ctx, missing)
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			_, err = h.Destroy(ctx, audiobridge.DestroyRequest{Room: missing})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			err = h.Mute(ctx, audiobridge.ParticipantRequest{Room: missing, Participant: core.NumID(1)})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			_, err = h.Allowed(ctx, audiobridge.AllowedRequest{Room: missing, Action: audiobridge.AllowedEnable})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			// An unknown request is the plugin's invalid request error.
			_, err = h.Message(ctx, map[string]any{"request": "dance"})
			require.ErrorIs(t, err, audiobridge.ErrInvalidRequest)

			// Destroy: the secret is checked.
			_, err = h.Destroy(ctx, audiobridge.DestroyRequest{Room: room, Secret: "wrong"})
			require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
			for _, r := range []core.ID{room, grouped, random.Room} {
				d, err := h.Destroy(ctx, audiobridge.DestroyRequest{Room: r, Secret: map[bool]string{true: secret}[r == room]})
				require.NoError(t, err)
				assert.Equal(t, r, d.Room)
			}
			d, err := h.Destroy(ctx, audiobridge.DestroyRequest{Room: private, Permanent: true})
			require.NoError(t, err)
			assert.True(t, d.Permanent)
			ok, err = h.Exists(ctx, room)
			require.NoError(t, err)
			assert.False(t, ok)
			require.NoError(t, s.Destroy(ctx))
		})
	}
}

// readRTP reads one RTP packet from conn within 3 s.
func readRTP(t *testing.T, conn *net.UDPConn) *rtp.Packet {
	t.Helper()
	buf := make([]byte, 1500)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(3*time.Second)))
	n, _, err := conn.ReadFromUDP(buf)
	require.NoError(t, err, "no RTP packet")
	var p rtp.Packet
	require.NoError(t, p.Unmarshal(buf[:n]))
	return &p
}

// TestParticipants covers joining, configuring, moderation, announcements,
// changing rooms and leaving, with two participants on two connections
// seeing each other's events.
func TestParticipants(t *testing.T) {
	offer, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	srv := janustest.Start(t, janusserver.Options{TemplateDir: loopbackTemplates(t)})
	opus := filepath.Join(t.TempDir(), "silence.opus")
	writeOpusFile(t, opus, 5)
	base := uint64(5000)
	for name, url := range transports(srv) {
		base += 1000
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s1 := dialSession(t, ctx, url)
			s2 := dialSession(t, ctx, url)
			mod := attach(t, ctx, s1).h // the moderator: never joins
			alice := attach(t, ctx, s1)
			bob := attach(t, ctx, s2)
			room, other := core.NumID(base+1), core.NumID(base+2)
			aliceID, bobID := core.NumID(base+11), core.NumID(base+12)
			_, err := mod.Create(ctx, audiobridge.CreateRequest{Room: room, Secret: secret, Pin: pin, SpatialAudio: true, AllowRTPParticipants: true})
			require.NoError(t, err)
			_, err = mod.Create(ctx, audiobridge.CreateRequest{Room: other, Allowed: []string{"vip"}})
			require.NoError(t, err)

			// Join errors come back as plugin errors of the asynchronous answer.
			_, err = alice.h.Join(ctx, audiobridge.JoinRequest{Room: core.NumID(base + 999)}, nil)
			require.ErrorIs(t, err, audiobridge.ErrNoSuchRoom)
			_, err = alice.h.Join(ctx, audiobridge.JoinRequest{Room: room}, nil)
			require.ErrorIs(t, err, audiobridge.ErrMissingElement)
			_, err = alice.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: "0000"}, nil)
			require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
			_, err = alice.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Quality: 11}, nil)
			require.ErrorIs(t, err, audiobridge.ErrInvalidElement)
			_, err = alice.h.Configure(ctx, audiobridge.ConfigureRequest{Muted: core.Ptr(true)}, nil)
			require.ErrorIs(t, err, audiobridge.ErrNotJoined)
			_, err = alice.h.Leave(ctx)
			require.ErrorIs(t, err, audiobridge.ErrNotJoined)

			// Alice joins an empty room.
			j, err := alice.h.Join(ctx, audiobridge.JoinRequest{
				Room: room, Participant: aliceID, Pin: pin, Display: "alice", Codec: core.Opus,
				Prebuffer: core.Ptr(3), Quality: 5, Volume: core.Ptr(100), SpatialPosition: core.Ptr(20),
			}, nil)
			require.NoError(t, err)
			assert.Equal(t, room, j.Room)
			assert.Equal(t, aliceID, j.Participant)
			assert.Empty(t, j.Participants)
			assert.Nil(t, j.JSEP)
			assert.Nil(t, j.RTP)
			_, err = alice.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin}, nil)
			require.ErrorIs(t, err, audiobridge.ErrAlreadyJoined)
			_, err = bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Participant: aliceID}, nil)
			require.ErrorIs(t, err, audiobridge.ErrIDExists)

			// Bob joins muted and sees Alice; Alice sees Bob join.
			j, err = bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Participant: bobID, Pin: pin, Display: "bob", Muted: true, SpatialPosition: core.Ptr(80)}, nil)
			require.NoError(t, err)
			assert.Equal(t, bobID, j.Participant)
			assert.Equal(t, []audiobridge.Participant{{ID: aliceID, Display: "alice", SpatialPosition: core.Ptr(20)}}, j.Participants)
			pj := waitFor[*audiobridge.ParticipantsJoined](t, alice, nil)
			assert.Equal(t, room, pj.Room)
			assert.Equal(t, []audiobridge.Participant{{ID: bobID, Display: "bob", Muted: true, SpatialPosition: core.Ptr(80)}}, pj.Participants)

			// Bob unmutes and renames himself: Alice sees the update.
			answer, err := bob.h.Configure(ctx, audiobridge.ConfigureRequest{Muted: core.Ptr(false), Display: "bobby", SpatialPosition: core.Ptr(70), Volume: core.Ptr(90), Quality: 6, Bitrate: 24000}, nil)
			require.NoError(t, err)
			assert.Nil(t, answer)
			up := waitFor[*audiobridge.ParticipantsUpdated](t, alice, nil)
			assert.Equal(t, []audiobridge.Participant{{ID: bobID, Display: "bobby", SpatialPosition: core.Ptr(70)}}, up.Participants)
			_, err = bob.h.Configure(ctx, audiobridge.ConfigureRequest{Quality: 42}, nil)
			require.ErrorIs(t, err, audiobridge.ErrInvalidElement)

			// The moderator mutes and unmutes Alice: both see it.
			require.NoError(t, mod.Mute(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: aliceID}))
			for _, w := range []*watcher{alice, bob} {
				up = waitFor[*audiobridge.ParticipantsUpdated](t, w, nil)
				p, ok := participant(up.Participants, aliceID)
				require.True(t, ok)
				assert.True(t, p.Muted)
			}
			ps, err := mod.ListParticipants(ctx, room)
			require.NoError(t, err)
			assert.ElementsMatch(t, []audiobridge.Participant{
				{ID: aliceID, Display: "alice", Muted: true, SpatialPosition: core.Ptr(20)},
				{ID: bobID, Display: "bobby", SpatialPosition: core.Ptr(70)},
			}, ps)
			require.NoError(t, mod.Unmute(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: aliceID}))
			up = waitFor[*audiobridge.ParticipantsUpdated](t, bob, func(e *audiobridge.ParticipantsUpdated) bool { return e.Participants[0].ID == aliceID })
			assert.False(t, up.Participants[0].Muted)
			err = mod.Mute(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: core.NumID(base + 999)})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchUser)
			err = mod.Mute(ctx, audiobridge.ParticipantRequest{Room: room, Participant: aliceID})
			require.ErrorIs(t, err, audiobridge.ErrMissingElement)

			// Muting the whole room.
			require.NoError(t, mod.MuteRoom(ctx, audiobridge.RoomRequest{Room: room, Secret: secret}))
			for _, w := range []*watcher{alice, bob} {
				rm := waitFor[*audiobridge.RoomMuted](t, w, nil)
				assert.Equal(t, room, rm.Room)
				assert.True(t, rm.Muted)
			}
			require.NoError(t, mod.UnmuteRoom(ctx, audiobridge.RoomRequest{Room: room, Secret: secret}))
			assert.False(t, waitFor[*audiobridge.RoomMuted](t, alice, nil).Muted)

			require.NoError(t, alice.h.ResetDecoder(ctx))
			require.ErrorIs(t, mod.ResetDecoder(ctx), audiobridge.ErrNotJoined)

			// Announcements: a looping file until stopped, a short one that ends.
			id, err := mod.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Secret: secret, FileID: "jingle", Filename: opus, Loop: true})
			require.NoError(t, err)
			assert.Equal(t, "jingle", id)
			as := waitFor[*audiobridge.AnnouncementStarted](t, alice, nil)
			assert.Equal(t, "jingle", as.FileID)
			assert.Equal(t, room, as.Room)
			playing, err := mod.IsPlaying(ctx, audiobridge.FileRequest{Room: room, Secret: secret, FileID: "jingle"})
			require.NoError(t, err)
			assert.True(t, playing)
			_, err = mod.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Secret: secret, FileID: "jingle", Filename: opus})
			require.ErrorIs(t, err, audiobridge.ErrIDExists)
			require.NoError(t, mod.StopFile(ctx, audiobridge.FileRequest{Room: room, Secret: secret, FileID: "jingle"}))
			assert.Equal(t, "jingle", waitFor[*audiobridge.AnnouncementStopped](t, alice, nil).FileID)
			playing, err = mod.IsPlaying(ctx, audiobridge.FileRequest{Room: room, Secret: secret, FileID: "jingle"})
			require.NoError(t, err)
			assert.False(t, playing)
			id, err = mod.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Secret: secret, Filename: opus})
			require.NoError(t, err)
			assert.NotEmpty(t, id, "a random file id")
			waitFor[*audiobridge.AnnouncementStarted](t, bob, func(e *audiobridge.AnnouncementStarted) bool { return e.FileID == id })
			waitFor[*audiobridge.AnnouncementStopped](t, bob, func(e *audiobridge.AnnouncementStopped) bool { return e.FileID == id })
			_, err = mod.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Secret: secret, Filename: filepath.Join(t.TempDir(), "none.opus")})
			require.ErrorIs(t, err, audiobridge.ErrUnknown)
			_, err = mod.PlayFile(ctx, audiobridge.PlayFileRequest{Room: room, Filename: opus})
			require.ErrorIs(t, err, audiobridge.ErrMissingElement)

			// Bob moves to the other room (which has an ACL) and back.
			_, err = bob.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: other})
			require.ErrorIs(t, err, audiobridge.ErrUnauthorized)
			_, err = bob.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: room, Pin: pin})
			require.ErrorIs(t, err, audiobridge.ErrAlreadyJoined)
			rc, err := bob.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: other, Token: "vip", Display: "bob2", Muted: true})
			require.NoError(t, err)
			assert.Equal(t, other, rc.Room)
			assert.False(t, rc.Participant.IsZero())
			assert.Empty(t, rc.Participants)
			waitFor(t, alice, leaving(bobID))
			rc, err = bob.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: room, Pin: pin, Participant: bobID, Display: "bob"})
			require.NoError(t, err)
			assert.Equal(t, room, rc.Room)
			assert.Equal(t, bobID, rc.Participant)
			assert.Len(t, rc.Participants, 1)
			pj = waitFor[*audiobridge.ParticipantsJoined](t, alice, nil)
			assert.Equal(t, bobID, pj.Participants[0].ID)

			// A WebRTC participant: the offer is answered (ICE never completes here).
			carol := attach(t, ctx, s2)
			j, err = carol.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Display: "carol"}, &core.JSEP{Type: "offer", SDP: string(offer)})
			require.NoError(t, err)
			require.NotNil(t, j.JSEP)
			assert.Equal(t, "answer", j.JSEP.Type)
			assert.Contains(t, j.JSEP.SDP, "opus/48000")
			carolID := j.Participant
			waitFor[*audiobridge.ParticipantsJoined](t, alice, func(e *audiobridge.ParticipantsJoined) bool { return e.Participants[0].ID == carolID })

			// A participant asking the plugin for the offer.
			dave := attach(t, ctx, s1)
			j, err = dave.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Display: "dave", GenerateOffer: true}, nil)
			require.NoError(t, err)
			require.NotNil(t, j.JSEP)
			assert.Equal(t, "offer", j.JSEP.Type)
			assert.Contains(t, j.JSEP.SDP, "opus/48000")
			// An offer on a plugin-offered PeerConnection: the Janus core
			// refuses it before the plugin sees it.
			_, err = dave.h.Configure(ctx, audiobridge.ConfigureRequest{}, &core.JSEP{Type: "offer", SDP: string(offer)})
			var ce *core.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, core.CodeUnknown, ce.Code)
			daveID := j.Participant

			// A plain RTP participant on loopback: Janus gives its own
			// address, marks the participant set up at its first packet and
			// sends it the mix.
			conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			require.NoError(t, err)
			defer conn.Close()
			phone := attach(t, ctx, s2)
			j, err = phone.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Display: "phone", RTP: &audiobridge.RTPParticipant{
				IP: "127.0.0.1", Port: conn.LocalAddr().(*net.UDPAddr).Port, PayloadType: 111,
			}}, nil)
			require.NoError(t, err)
			require.NotNil(t, j.RTP)
			assert.Equal(t, "127.0.0.1", j.RTP.IP)
			assert.NotZero(t, j.RTP.Port)
			assert.Equal(t, 111, j.RTP.PayloadType)
			phoneID := j.Participant
			pj = waitFor[*audiobridge.ParticipantsJoined](t, alice, func(e *audiobridge.ParticipantsJoined) bool { return e.Participants[0].ID == phoneID })
			assert.False(t, pj.Participants[0].Setup)
			to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: j.RTP.Port}
			for i := range 10 {
				p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(i), Timestamp: uint32(i * 960), SSRC: 0x1234}, Payload: opusSilence}
				b, err := p.Marshal()
				require.NoError(t, err)
				_, err = conn.WriteToUDP(b, to)
				require.NoError(t, err)
			}
			up = waitFor[*audiobridge.ParticipantsUpdated](t, alice, func(e *audiobridge.ParticipantsUpdated) bool { return e.Participants[0].ID == phoneID })
			assert.True(t, up.Participants[0].Setup)
			assert.Equal(t, uint8(111), readRTP(t, conn).PayloadType, "the mix comes back")
			_, err = phone.h.Join(ctx, audiobridge.JoinRequest{Room: other, Token: "vip", RTP: &audiobridge.RTPParticipant{}}, nil)
			require.ErrorIs(t, err, audiobridge.ErrAlreadyJoined)

			// Kicks: the kicked participants (with or without a
			// PeerConnection) get the event too, and leave.
			require.NoError(t, mod.Kick(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: carolID}))
			for _, w := range []*watcher{alice, carol} {
				waitFor(t, w, kicked(carolID))
			}
			waitFor(t, alice, leaving(carolID))
			require.NoError(t, mod.Kick(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: bobID}))
			waitFor(t, bob, kicked(bobID))
			waitFor(t, alice, kicked(bobID))
			leaveAfterKick(t, ctx, srv, bob, alice, room, bobID)
			err = mod.Kick(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: bobID})
			require.ErrorIs(t, err, audiobridge.ErrNoSuchUser)
			ps, err = mod.ListParticipants(ctx, room)
			require.NoError(t, err)
			assert.Len(t, ps, 3)
			for _, id := range []core.ID{aliceID, daveID, phoneID} {
				_, ok := participant(ps, id)
				assert.True(t, ok, "%v is still in the room", id)
			}
			d, _ := participant(ps, daveID)
			require.NotNil(t, d.Talking, "the plugin's offer negotiates audio levels")
			assert.False(t, *d.Talking)

			// Leaving: the others see it.
			l, err := phone.h.Leave(ctx)
			require.NoError(t, err)
			assert.Equal(t, room, l.Room)
			assert.Equal(t, phoneID, l.Participant)
			waitFor(t, alice, leaving(phoneID))
			l, err = alice.h.Leave(ctx)
			require.NoError(t, err)
			assert.Equal(t, aliceID, l.Participant)
			waitFor(t, dave, leaving(aliceID))
			_, err = alice.h.Leave(ctx)
			require.ErrorIs(t, err, audiobridge.ErrNotJoined)

			// Kicking everybody.
			require.NoError(t, mod.KickAll(ctx, audiobridge.RoomRequest{Room: room, Secret: secret}))
			assert.Equal(t, daveID, waitFor[*audiobridge.KickedAll](t, dave, nil).Participant)
			assert.Eventually(t, func() bool {
				ps, err := mod.ListParticipants(ctx, room)
				return err == nil && len(ps) == 0
			}, 3*time.Second, 20*time.Millisecond)

			// Destroying the room tells its participants.
			_, err = bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Pin: pin, Participant: bobID}, nil)
			require.NoError(t, err, "a kicked participant may join again")
			_, err = mod.Destroy(ctx, audiobridge.DestroyRequest{Room: room, Secret: secret})
			require.NoError(t, err)
			assert.Equal(t, room, waitFor[*audiobridge.Destroyed](t, bob, nil).Room)
			require.NoError(t, dave.h.PluginHangup(ctx))
			require.NoError(t, s1.Destroy(ctx))
			require.NoError(t, s2.Destroy(ctx))
		})
	}
}

// TestStringIDs runs rooms and participants with string ids.
func TestStringIDs(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{StringIDs: true})
	for name, url := range transports(srv) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s1 := dialSession(t, ctx, url)
			s2 := dialSession(t, ctx, url)
			mod := attach(t, ctx, s1).h
			alice := attach(t, ctx, s1)
			bob := attach(t, ctx, s2)
			room, side := core.StrID("lobby-"+name), core.StrID("side-"+name)
			aliceID, bobID := core.StrID("alice"), core.StrID("bob")

			created, err := mod.Create(ctx, audiobridge.CreateRequest{Room: room, Secret: secret, Description: "Lobby"})
			require.NoError(t, err)
			assert.Equal(t, room, created.Room)
			_, err = mod.Create(ctx, audiobridge.CreateRequest{Room: side})
			require.NoError(t, err)
			random, err := mod.Create(ctx, audiobridge.CreateRequest{})
			require.NoError(t, err)
			assert.True(t, random.Room.IsString())
			assert.NotEmpty(t, random.Room.String())
			ok, err := mod.Exists(ctx, room)
			require.NoError(t, err)
			assert.True(t, ok)
			_, err = mod.Exists(ctx, core.NumID(1234))
			require.ErrorIs(t, err, audiobridge.ErrInvalidElement)
			rooms, err := mod.List(ctx)
			require.NoError(t, err)
			var ids []core.ID
			for _, r := range rooms {
				ids = append(ids, r.Room)
			}
			assert.Contains(t, ids, room)
			assert.Contains(t, ids, core.StrID("1234"), "the configured demo room")

			j, err := alice.h.Join(ctx, audiobridge.JoinRequest{Room: room, Participant: aliceID, Display: "alice"}, nil)
			require.NoError(t, err)
			assert.Equal(t, aliceID, j.Participant)
			assert.Equal(t, room, j.Room)
			j, err = bob.h.Join(ctx, audiobridge.JoinRequest{Room: room, Participant: bobID, Display: "bob"}, nil)
			require.NoError(t, err)
			assert.Equal(t, []audiobridge.Participant{{ID: aliceID, Display: "alice"}}, j.Participants)
			pj := waitFor[*audiobridge.ParticipantsJoined](t, alice, nil)
			assert.Equal(t, room, pj.Room)
			assert.Equal(t, bobID, pj.Participants[0].ID)
			anon := attach(t, ctx, s2)
			j, err = anon.h.Join(ctx, audiobridge.JoinRequest{Room: room}, nil)
			require.NoError(t, err)
			assert.True(t, j.Participant.IsString(), "the plugin picks a string id")
			anonID := j.Participant
			waitFor(t, alice, func(e *audiobridge.ParticipantsJoined) bool { return e.Participants[0].ID == anonID })

			require.NoError(t, mod.Mute(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: bobID}))
			up := waitFor[*audiobridge.ParticipantsUpdated](t, alice, nil)
			assert.Equal(t, []audiobridge.Participant{{ID: bobID, Display: "bob", Muted: true}}, up.Participants)
			ps, err := mod.ListParticipants(ctx, room)
			require.NoError(t, err)
			assert.ElementsMatch(t, []audiobridge.Participant{{ID: aliceID, Display: "alice"}, {ID: bobID, Display: "bob", Muted: true}, {ID: anonID}}, ps)

			rc, err := bob.h.ChangeRoom(ctx, audiobridge.ChangeRoomRequest{Room: side, Participant: bobID})
			require.NoError(t, err)
			assert.Equal(t, side, rc.Room)
			assert.Equal(t, bobID, rc.Participant)
			waitFor(t, alice, leaving(bobID))

			require.NoError(t, mod.Kick(ctx, audiobridge.ParticipantRequest{Room: room, Secret: secret, Participant: anonID}))
			waitFor(t, alice, kicked(anonID))
			leaveAfterKick(t, ctx, srv, anon, alice, room, anonID)
			l, err := alice.h.Leave(ctx)
			require.NoError(t, err)
			assert.Equal(t, aliceID, l.Participant)
			assert.Equal(t, room, l.Room)

			conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			require.NoError(t, err)
			defer conn.Close()
			fwd, err := mod.RTPForward(ctx, audiobridge.RTPForwardRequest{Room: side, Host: "127.0.0.1", Port: conn.LocalAddr().(*net.UDPAddr).Port})
			require.NoError(t, err)
			assert.Equal(t, side, fwd.Room)
			assert.Equal(t, uint8(100), readRTP(t, conn).PayloadType, "the default Opus payload type")
			require.NoError(t, mod.StopRTPForward(ctx, audiobridge.StopRTPForwardRequest{Room: side, StreamID: fwd.StreamID}))

			for _, r := range []core.ID{side, random.Room} {
				_, err = mod.Destroy(ctx, audiobridge.DestroyRequest{Room: r})
				require.NoError(t, err)
			}
			assert.Equal(t, side, waitFor[*audiobridge.Destroyed](t, bob, nil).Room)
			d, err := mod.Destroy(ctx, audiobridge.DestroyRequest{Room: room, Secret: secret})
			require.NoError(t, err)
			assert.Equal(t, room, d.Room)
			require.NoError(t, s1.Destroy(ctx))
			require.NoError(t, s2.Destroy(ctx))
		})
	}
}
