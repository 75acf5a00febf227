package nosip_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/nosip"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// requireCode checks that err is the plugin's error want, named after
// the request.
func requireCode(t *testing.T, err error, want *core.PluginError, request string) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var pe *core.PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, want.Code, pe.Code, pe.Reason)
	assert.Equal(t, nosip.Plugin, pe.Plugin)
	assert.Equal(t, request, pe.Request)
	assert.Contains(t, err.Error(), fmt.Sprintf("janus: nosip: %s: error %d: ", request, want.Code))
}

// requireUnsupported checks that err is the typed refusal of a feature
// newer than the server.
func requireUnsupported(t *testing.T, err error, feature string, since, server core.Version) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrUnsupported)
	var ue *core.UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, core.UnsupportedError{Feature: feature, Since: since, Server: server}, *ue)
}

// webrtcOffer is a WebRTC audio offer (testdata/sdp), with CRLF lines.
func webrtcOffer(t *testing.T) *core.JSEP {
	t.Helper()
	b, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	return &core.JSEP{Type: "offer", SDP: strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")}
}

// mline matches the m-line of a plain audio SDP: its port and protocol.
var mline = regexp.MustCompile(`(?m)^m=audio (\d+) (RTP/S?AVP) `)

// plainAnswer is a plain audio answer to a plain offer: Opus from
// 127.0.0.1:port, with extra lines (a=crypto...).
func plainAnswer(port int, proto string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=plain\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
	fmt.Fprintf(&b, "m=audio %d %s 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n", port, proto)
	for _, e := range extra {
		b.WriteString(e + "\r\n")
	}
	return b.String()
}

// plainPort is a port of the plain peer for the signalling tests: no
// media flows there (Janus relays RTP to it only when WebRTC media comes
// in), so it need not be open, and the tests need no sockets, which the
// js build of the tests does not have.
const plainPort = 49170

func attach(ctx context.Context, t *testing.T, url string) (*core.Client, *core.Session, *nosip.Handle) {
	t.Helper()
	c, err := core.Dial(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := nosip.Attach(ctx, s)
	require.NoError(t, err)
	require.Equal(t, nosip.Plugin, h.Plugin())
	return c, s, h
}

func TestNoSIPAgainstJanus(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for _, url := range []string{srv.WSURL, srv.HTTPURL} {
		t.Run(url[:4], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, s, h := attach(ctx, t, url)
			version, err := c.ServerVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("nosip.Handle{id: %d, session: %d}", h.ID(), s.ID()), fmt.Sprint(h))
			assert.Equal(t, fmt.Sprint(h), fmt.Sprintf("%#v", h))

			// Generate needs a WebRTC SDP.
			_, err = h.Generate(ctx, nosip.GenerateRequest{}, nil)
			requireCode(t, err, nosip.ErrMissingSDP, "generate")
			// An offer the plugin refuses leaves Janus's side of the
			// PeerConnection started: the next offer goes to a new handle.
			_, _, refused := attach(ctx, t, url)
			_, err = refused.Generate(ctx, nosip.GenerateRequest{SRTP: "sometimes"}, webrtcOffer(t))
			requireCode(t, err, nosip.ErrInvalidElement, "generate")

			// The WebRTC offer becomes a plain one: Janus's address and
			// port, RTP/AVP, nothing of ICE or DTLS.
			gen, err := h.Generate(ctx, nosip.GenerateRequest{Info: "call 1"}, webrtcOffer(t))
			require.NoError(t, err)
			assert.Equal(t, nosip.Offer, gen.Type)
			assert.False(t, gen.Update)
			assert.Equal(t, core.Source{Session: s.ID(), Handle: h.ID()}, gen.EventSource())
			assert.Contains(t, gen.SDP, "c=IN IP4 127.0.0.1")
			m := mline.FindStringSubmatch(gen.SDP)
			require.NotNil(t, m, gen.SDP)
			assert.Equal(t, "RTP/AVP", m[2])
			assert.NotEqual(t, "9", m[1], "a port Janus bound")
			for _, webrtcOnly := range []string{"a=ice-ufrag", "a=fingerprint", "a=setup", "a=crypto"} {
				assert.NotContains(t, gen.SDP, webrtcOnly)
			}
			if version >= core.V(1, 4, 0) {
				assert.NotEmpty(t, gen.UniqueID, "unique_id since 1.4.0")
			} else {
				assert.Empty(t, gen.UniqueID)
			}

			// Plain SDPs the plugin refuses.
			_, err = h.Process(ctx, nosip.ProcessRequest{Type: "pranswer", SDP: plainAnswer(plainPort, "RTP/AVP")})
			requireCode(t, err, nosip.ErrMissingSDP, "process")
			_, err = h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer})
			requireCode(t, err, nosip.ErrMissingSDP, "process")
			_, err = h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer, SDP: "v=0\r\nm=application 5000 UDP/DTLS/SCTP webrtc-datachannel\r\n"})
			requireCode(t, err, nosip.ErrMissingSDP, "process")

			// The plain answer becomes Janus's WebRTC answer.
			port := plainPort
			proc, err := h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer, SDP: plainAnswer(port, "RTP/AVP"), Info: "call 1"})
			require.NoError(t, err)
			require.NotNil(t, proc.JSEP)
			assert.Equal(t, nosip.Answer, proc.JSEP.Type)
			for _, webrtc := range []string{"a=ice-ufrag", "a=fingerprint", "opus/48000"} {
				assert.Contains(t, proc.JSEP.SDP, webrtc)
			}
			assert.Empty(t, proc.SRTP)
			if version >= core.V(1, 4, 0) {
				assert.Equal(t, gen.UniqueID, proc.UniqueID)
			}

			// Recording: the errors, then a start and a stop.
			_, err = h.StartRecording(ctx, nosip.RecordRequest{})
			requireCode(t, err, nosip.ErrRecording, "recording")
			rec := nosip.RecordRequest{Audio: true, PeerAudio: true, Filename: filepath.Join(t.TempDir(), "call")}
			_, err = h.StartRecording(ctx, rec)
			require.NoError(t, err)
			_, err = h.StopRecording(ctx, rec)
			require.NoError(t, err)

			// Keyframe came with 1.3.1.
			kf, err := h.Keyframe(ctx, nosip.KeyframeRequest{User: true, Peer: true})
			if version < core.V(1, 3, 1) {
				requireUnsupported(t, err, "nosip keyframe", core.V(1, 3, 1), version)
			} else {
				require.NoError(t, err)
				assert.Equal(t, h.ID(), kf.EventSource().Handle)
			}

			forwarders(ctx, t, h, version)

			// A request the plugin does not know.
			_, err = h.Message(ctx, map[string]any{"request": "dance"})
			require.ErrorIs(t, err, nosip.ErrInvalidRequest)

			// The plugin's hangup.
			_, err = h.HangupCall(ctx)
			require.NoError(t, err)
			require.NoError(t, s.Destroy(ctx))
		})
	}
}

// forwarders checks RTPForward, ListForwarders and StopRTPForward: typed
// refusals before 1.4.0, forwarders of the session from then on.
func forwarders(ctx context.Context, t *testing.T, h *nosip.Handle, version core.Version) {
	t.Helper()
	port := plainPort + 10
	stream := nosip.ForwardStream{Type: nosip.ForwardPeerAudio, Host: "127.0.0.1", Port: port, PT: 100, SSRC: 1234}
	if version < core.V(1, 4, 0) {
		_, err := h.RTPForward(ctx, nosip.RTPForwardRequest{Streams: []nosip.ForwardStream{stream}})
		requireUnsupported(t, err, "nosip rtp_forward", core.V(1, 4, 0), version)
		_, err = h.ListForwarders(ctx)
		requireUnsupported(t, err, "nosip listforwarders", core.V(1, 4, 0), version)
		err = h.StopRTPForward(ctx, 1)
		requireUnsupported(t, err, "nosip stop_rtp_forward", core.V(1, 4, 0), version)
		return
	}
	list, err := h.ListForwarders(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = h.RTPForward(ctx, nosip.RTPForwardRequest{})
	requireCode(t, err, nosip.ErrMissingElement, "rtp_forward")
	_, err = h.RTPForward(ctx, nosip.RTPForwardRequest{Streams: []nosip.ForwardStream{{Type: "data", Host: "127.0.0.1", Port: port}}})
	requireCode(t, err, nosip.ErrInvalidElement, "rtp_forward")

	fw, err := h.RTPForward(ctx, nosip.RTPForwardRequest{Streams: []nosip.ForwardStream{stream}})
	require.NoError(t, err)
	require.Len(t, fw.Forwarders, 1)
	f := fw.Forwarders[0]
	assert.NotZero(t, f.StreamID)
	assert.Equal(t, nosip.Forwarder{StreamID: f.StreamID, Type: nosip.ForwardPeerAudio, Host: "127.0.0.1", Port: port, Media: "audio", SSRC: 1234, PT: 100}, f)
	list, err = h.ListForwarders(ctx)
	require.NoError(t, err)
	assert.Equal(t, []nosip.Forwarder{f}, list)

	require.NoError(t, h.StopRTPForward(ctx, f.StreamID))
	err = h.StopRTPForward(ctx, f.StreamID)
	requireCode(t, err, nosip.ErrNoSuchStream, "stop_rtp_forward")
	list, err = h.ListForwarders(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestNoSIPSRTP negotiates SDES-SRTP in the plain SDPs.
func TestNoSIPSRTP(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Optional SRTP: RTP/AVP with a=crypto, in the profile asked for.
	_, _, h := attach(ctx, t, srv.WSURL)
	gen, err := h.Generate(ctx, nosip.GenerateRequest{SRTP: nosip.SRTPOptional, SRTPProfile: nosip.SRTPAES32}, webrtcOffer(t))
	require.NoError(t, err)
	m := mline.FindStringSubmatch(gen.SDP)
	require.NotNil(t, m, gen.SDP)
	assert.Equal(t, "RTP/AVP", m[2])
	assert.Regexp(t, `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:\S+`, gen.SDP)
	// A plain answer without SRTP is accepted.
	proc, err := h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer, SDP: plainAnswer(plainPort, "RTP/AVP")})
	require.NoError(t, err)
	assert.Empty(t, proc.SRTP)

	// An unknown profile.
	_, _, h = attach(ctx, t, srv.WSURL)
	_, err = h.Generate(ctx, nosip.GenerateRequest{SRTP: nosip.SRTPOptional, SRTPProfile: "ROT13"}, webrtcOffer(t))
	requireCode(t, err, nosip.ErrInvalidElement, "generate")
	_, _, h = attach(ctx, t, srv.WSURL)

	// Mandatory SRTP: RTP/SAVP; an answer without crypto is too little
	// when Process requires SRTP too.
	gen, err = h.Generate(ctx, nosip.GenerateRequest{SRTP: nosip.SRTPMandatory}, webrtcOffer(t))
	require.NoError(t, err)
	m = mline.FindStringSubmatch(gen.SDP)
	require.NotNil(t, m, gen.SDP)
	assert.Equal(t, "RTP/SAVP", m[2])
	assert.Regexp(t, `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\S+`, gen.SDP)
	_, err = h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer, SDP: plainAnswer(plainPort, "RTP/AVP"), SRTP: nosip.SRTPMandatory})
	requireCode(t, err, nosip.ErrTooStrict, "process")
	// With the answerer's key for the offered tag, it is accepted.
	key := make([]byte, 30)
	_, _ = rand.Read(key)
	proc, err = h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer,
		SDP: plainAnswer(plainPort, "RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"+base64.StdEncoding.EncodeToString(key))})
	require.NoError(t, err)
	assert.Equal(t, nosip.SRTPMandatory, proc.SRTP)
	require.NotNil(t, proc.JSEP)
	assert.Equal(t, nosip.Answer, proc.JSEP.Type)
}

func TestDecodeEvent(t *testing.T) {
	ev := func(data string) core.Event {
		return nosip.DecodeEvent(&core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: nosip.Plugin, Data: []byte(data)})
	}
	gen := ev(`{"nosip":"event","result":{"event":"generated","type":"offer","sdp":"v=0","update":true,"unique_id":"u1"}}`).(*nosip.Generated)
	assert.Equal(t, "offer", gen.Type)
	assert.Equal(t, "v=0", gen.SDP)
	assert.True(t, gen.Update)
	assert.Equal(t, "u1", gen.UniqueID)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, gen.EventSource())
	proc := ev(`{"nosip":"event","result":{"event":"processed","srtp":"sdes_optional"}}`).(*nosip.Processed)
	assert.Equal(t, nosip.SRTPOptional, proc.SRTP)
	assert.IsType(t, &nosip.HangingUp{}, ev(`{"nosip":"event","result":{"event":"hangingup"}}`))
	assert.IsType(t, &nosip.RecordingUpdated{}, ev(`{"nosip":"event","result":{"event":"recordingupdated"}}`))
	assert.IsType(t, &nosip.KeyframeSent{}, ev(`{"nosip":"event","result":{"event":"keyframesent"}}`))
	fw := ev(`{"nosip":"event","result":{"event":"rtp_forward","forwarders":[{"stream_id":7,"type":"video","host":"127.0.0.1","port":5004,"media":"video","srtp":true}]}}`).(*nosip.RTPForwarded)
	assert.Equal(t, []nosip.Forwarder{{StreamID: 7, Type: nosip.ForwardVideo, Host: "127.0.0.1", Port: 5004, Media: "video", SRTP: true}}, fw.Forwarders)
	assert.Equal(t, uint32(7), ev(`{"nosip":"event","result":{"event":"stop_rtp_forward","stream_id":7}}`).(*nosip.RTPForwardStopped).StreamID)
	// 1.4's list is under rtp_forwarders, its documentation says forwarders.
	for _, key := range []string{"rtp_forwarders", "forwarders"} {
		l := ev(`{"nosip":"event","result":{"event":"forwarders","` + key + `":[{"stream_id":8,"type":"peer_audio","media":"audio"}]}}`).(*nosip.ForwarderList)
		assert.Equal(t, []nosip.Forwarder{{StreamID: 8, Type: nosip.ForwardPeerAudio, Media: "audio"}}, l.Forwarders, key)
	}
	errEv := ev(`{"nosip":"event","error_code":447,"error":"No remote IP addresses"}`).(*core.PluginEvent)
	require.ErrorIs(t, errEv.Err(), nosip.ErrInvalidSDP)
	assert.IsType(t, &core.PluginEvent{}, ev(`{"nosip":"event","result":{"event":"something new"}}`))
	assert.IsType(t, &core.PluginEvent{}, ev(`{"nosip":"event"}`))
	assert.IsType(t, &core.PluginEvent{}, ev(`not json`))
}

func TestRecordingFiles(t *testing.T) {
	assert.Nil(t, nosip.RecordRequest{Audio: true}.Files(), "Janus names the files")
	assert.Equal(t, []string{"/r/x-user-video.mjr", "/r/x-peer-audio.mjr"},
		nosip.RecordRequest{Video: true, PeerAudio: true, Filename: "/r/x"}.Files())
	assert.Equal(t, []string{"x-user-audio.mjr", "x-user-video.mjr", "x-peer-audio.mjr", "x-peer-video.mjr"},
		nosip.RecordRequest{Audio: true, Video: true, PeerAudio: true, PeerVideo: true, Filename: "x"}.Files())
}
