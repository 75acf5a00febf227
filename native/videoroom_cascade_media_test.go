package native_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/versiontest"
	"github.com/gojanus/gojanus/native"
)

// TestVideoRoomCascade publishes into a room of one Janus (A) and makes
// the publisher available in a room of another (B) with the
// remote-publisher requests: a remote publisher on B (its streams from
// the publisher's own answer, RemoteStreams), then publish_remotely on A.
// A subscriber on B records and decodes what alice sends to A. From
// Janus 1.3.0 the RTP between the two servers is SRTP and the remote
// publisher has metadata.
func TestVideoRoomCascade(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srvA, ctx, cA, sA := mediaSetup(t, 90*time.Second)
	_, _, cB, sB := mediaSetup(t, 90*time.Second)
	v := versiontest.Server(t, srvA)
	room := videoroom.CreateRequest{VideoCodec: core.Codecs{core.VP8}, AudioCodec: core.Codecs{core.Opus}}
	adminA, err := videoroom.Attach(ctx, sA)
	require.NoError(t, err)
	createdA, err := adminA.Create(ctx, room)
	require.NoError(t, err)
	adminB, err := videoroom.Attach(ctx, sB)
	require.NoError(t, err)
	createdB, err := adminB.Create(ctx, room)
	require.NoError(t, err)
	observer, _, err := videoroom.JoinPublisher(ctx, newSession(t, ctx, cB), videoroom.JoinRequest{Room: createdB.Room, Display: "observer"})
	require.NoError(t, err)

	// alice publishes on A.
	src, err := native.FileSource(native.FileOptions{},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	alice, pubPeer, conf := publishWith(t, ctx, newSession(t, ctx, cA), videoroom.JoinRequest{Room: createdA.Room, Display: "alice"},
		videoroom.PublishRequest{Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "first"}}}, addTracks(src))
	require.Len(t, conf.Streams, 2)

	// B gets a remote publisher with alice's streams; A sends her there.
	add := videoroom.AddRemotePublisherRequest{Room: createdB.Room, Display: "alice@A", Iface: "127.0.0.1",
		Streams: videoroom.RemoteStreams(conf.Streams)}
	remotely := videoroom.PublishRemotelyRequest{Room: createdA.Room, Participant: alice.ParticipantID(), RemoteID: "to-b", Host: "127.0.0.1"}
	if v >= core.V(1, 3, 0) {
		key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcd")) // 30 bytes: key and salt
		add.SRTPSuite, add.SRTPCrypto = 80, key
		remotely.SRTPSuite, remotely.SRTPCrypto = 80, key
		add.Metadata = json.RawMessage(`{"origin":"A"}`)
	}
	rp, err := adminB.AddRemotePublisher(ctx, add)
	require.NoError(t, err)
	remotely.Port, remotely.RTCPPort = rp.Port, rp.RTCPPort
	rz, err := adminA.PublishRemotely(ctx, remotely)
	require.NoError(t, err)
	assert.Equal(t, "to-b", rz.RemoteID)
	remotes, err := adminA.ListRemotes(ctx, videoroom.ListRemotesRequest{Room: createdA.Room, Participant: alice.ParticipantID()})
	require.NoError(t, err)
	require.Len(t, remotes, 1)
	assert.Equal(t, rp.Port, remotes[0].Port)

	// B's participants see alice as one of theirs.
	require.Eventually(t, func() bool {
		p, ok := observer.Roster().Participant(rp.Participant)
		return ok && p.Publisher && len(p.Streams) == 2
	}, 10*time.Second, 20*time.Millisecond, "observer roster: %+v", observer.Roster().Participants())
	p, _ := observer.Roster().Participant(rp.Participant)
	assert.Equal(t, "alice@A", p.Display)
	if add.Metadata != nil {
		assert.JSONEq(t, `{"origin":"A"}`, string(p.Metadata))
	}
	parts, err := adminB.ListParticipants(ctx, createdB.Room)
	require.NoError(t, err)
	assert.Contains(t, parts, videoroom.ParticipantInfo{ID: rp.Participant, Display: "alice@A", Publisher: true, Remote: true, Metadata: add.Metadata})

	// A subscriber on B records her.
	dir := t.TempDir()
	rs := subscribeAndRecord(t, ctx, newSession(t, ctx, cB), createdB.Room, rp.Participant, dir, 2)
	described := 0
	for _, st := range rs.attached.Streams {
		if st.FeedMid == "0" {
			assert.Equal(t, "first", st.FeedDescription, "the description travelled with the streams")
			described++
		}
	}
	assert.Equal(t, 1, described, "%+v", rs.attached.Streams)
	select {
	case <-rs.connected:
	case <-ctx.Done():
		t.Fatal("subscriber not connected")
	}
	waitWebRTCUp(t, ctx, rs.sub.Events())
	ran := make(chan error, 1)
	go func() { ran <- src.Run(ctx) }()
	if remotely.SRTPSuite != 0 {
		probeSRTP(t, ctx, adminA, remotely)
	}
	require.NoError(t, <-ran)
	waitCounts(t, ctx, "subscriber on B", kindCounts(src.Stats(), frames), func() map[string]uint64 {
		return kindCounts(rs.recorded(), frames)
	})

	// Stop: A stops sending, B removes the remote publisher and its
	// participants see it leave.
	_, err = adminA.UnpublishRemotely(ctx, videoroom.UnpublishRemotelyRequest{Room: createdA.Room, Participant: alice.ParticipantID(), RemoteID: "to-b"})
	require.NoError(t, err)
	require.NoError(t, adminB.RemoveRemotePublisher(ctx, videoroom.RemoveRemotePublisherRequest{Room: createdB.Room, Participant: rp.Participant}))
	require.Eventually(t, func() bool {
		_, ok := observer.Roster().Participant(rp.Participant)
		return !ok
	}, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, pubPeer.Close())

	checkDecoded(t, ctx, rs, dir, src, fmt.Sprintf("Janus %s, SRTP between the servers %v, on B of what alice sent to A", srvA.Version, add.SRTPSuite != 0))
	_, err = adminA.Destroy(ctx, videoroom.DestroyRequest{Room: createdA.Room})
	require.NoError(t, err)
	_, err = adminB.Destroy(ctx, videoroom.DestroyRequest{Room: createdB.Room})
	require.NoError(t, err)
}

// probeSRTP sends the publisher of a remotization to a socket of the test
// as well, with the same SRTP settings, and checks that what arrives is
// SRTP: it decrypts and authenticates with the key, and not with another.
func probeSRTP(t *testing.T, ctx context.Context, h *videoroom.Handle, req videoroom.PublishRemotelyRequest) {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer conn.Close()
	req.RemoteID, req.Port, req.RTCPPort = "probe", conn.LocalAddr().(*net.UDPAddr).Port, 0
	_, err = h.PublishRemotely(ctx, req)
	require.NoError(t, err)
	defer func() {
		_, err := h.UnpublishRemotely(ctx, videoroom.UnpublishRemotelyRequest{Room: req.Room, Participant: req.Participant, RemoteID: req.RemoteID})
		assert.NoError(t, err)
	}()
	key, err := base64.StdEncoding.DecodeString(req.SRTPCrypto)
	require.NoError(t, err)
	wrong := append([]byte(nil), key...)
	wrong[0] ^= 1
	newContext := func(k []byte) *srtp.Context {
		c, err := srtp.CreateContext(k[:16], k[16:], srtp.ProtectionProfileAes128CmHmacSha1_80)
		require.NoError(t, err)
		return c
	}
	right, other := newContext(key), newContext(wrong)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second))) // a bound, far above a packet's trip
	buf := make([]byte, 1500)
	for i := 0; i < 5; i++ {
		n, _, err := conn.ReadFrom(buf)
		require.NoError(t, err, "packets of the remotization")
		var hdr rtp.Header
		_, err = hdr.Unmarshal(buf[:n])
		require.NoError(t, err, "an RTP header in the clear")
		_, err = other.DecryptRTP(nil, buf[:n], nil)
		assert.Error(t, err, "packet %d authenticates with another key", i)
		plain, err := right.DecryptRTP(nil, buf[:n], nil)
		require.NoError(t, err, "packet %d (ssrc %d, seq %d) decrypts with the key", i, hdr.SSRC, hdr.SequenceNumber)
		assert.Len(t, plain, n-10, "the 80-bit authentication tag is gone")
	}
}
