package native_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/sippeer"
	"github.com/gojanus/gojanus/native"
)

// sipParty is the Janus side of a SIP call: a registered SIP handle and a
// peer that sends a 440 Hz Opus file and records what it receives.
type sipParty struct {
	h         *sip.Handle
	master    core.ID
	peer      *native.Peer
	src       native.Source
	file      string
	connected <-chan struct{}

	mu  sync.Mutex
	rec *native.TrackRecorder
}

// newSIPParty registers user at reg; the peer uses pion's default codecs,
// or the MediaEngine me when not nil.
func newSIPParty(t *testing.T, ctx context.Context, s *core.Session, reg *sippeer.Registrar, user string, me *webrtc.MediaEngine, settings ...func(*sip.RegisterRequest)) *sipParty {
	t.Helper()
	h, err := sip.Attach(ctx, s)
	require.NoError(t, err)
	req := sip.RegisterRequest{Username: "sip:" + user + "@127.0.0.1", Secret: reg.Password, Proxy: reg.URI()}
	for _, set := range settings {
		set(&req)
	}
	res, err := h.Register(ctx, req)
	require.NoError(t, err)
	require.True(t, res.Sent)
	r := nextSIP[*sip.Registered](t, ctx, h)
	assert.Equal(t, user, r.Username)
	master := r.Master
	src, err := native.FileSource(native.FileOptions{StreamID: user}, "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	peer := namespacePeer(t)
	if me != nil {
		peer = namespacePeerWithMedia(t, me)
	}
	p := &sipParty{h: h, peer: peer, src: src, file: filepath.Join(t.TempDir(), "received.ogg"), master: master}
	for _, tr := range src.Tracks() {
		_, err := p.peer.AddTrack(tr)
		require.NoError(t, err)
	}
	pc := p.peer.PeerConnection()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		r, err := native.RecordTrack(pc, tr, p.file, 0)
		if assert.NoError(t, err) {
			p.mu.Lock()
			p.rec = r
			p.mu.Unlock()
		}
	})
	p.connected = waitConnected(p.peer)
	return p
}

// received returns what the peer received so far.
func (p *sipParty) received() native.TrackStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rec == nil {
		return native.TrackStats{}
	}
	return p.rec.Stats()
}

// up waits for the peer's connection and Janus's webrtcup.
func (p *sipParty) up(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-p.connected:
	case <-ctx.Done():
		t.Fatal("peer not connected")
	}
	waitWebRTCUp(t, ctx, p.h.Events())
}

// nextSIP reads h's events until one of type T, skipping core events
// (webrtcup, media...), the SIP provisional answers (*sip.Ringing,
// *sip.Proceeding) and a late *sip.Calling (see sip.Handle.Call),
// failing on other SIP events.
func nextSIP[T core.Event](t *testing.T, ctx context.Context, h *sip.Handle) T {
	t.Helper()
	return nextEvent[T](t, ctx, h, func(ev core.Event) bool {
		switch ev.(type) {
		case *sip.Ringing, *sip.Proceeding, *sip.Calling:
			return true
		}
		return core.PluginEventOf(ev) == nil
	})
}

// answerOf returns the callee's *sip.Accepted of a call: the early event
// of calling (see sip.Handle.Call) or the next on h's stream.
func answerOf(t *testing.T, ctx context.Context, h *sip.Handle, calling *sip.Calling) *sip.Accepted {
	t.Helper()
	if acc, ok := calling.Early.(*sip.Accepted); ok {
		return acc
	}
	if calling.Early != nil {
		t.Logf("early %T", calling.Early)
	}
	return nextSIP[*sip.Accepted](t, ctx, h)
}

// nextOf reads h's events until one of type T, skipping all others.
func nextOf[T core.Event](t *testing.T, ctx context.Context, h *sip.Handle) T {
	t.Helper()
	return nextEvent[T](t, ctx, h, func(core.Event) bool { return true })
}

// nextEvent reads h's events until one of type T, skipping (and
// logging) those skip accepts and failing on the others.
func nextEvent[T core.Event](t *testing.T, ctx context.Context, h *sip.Handle, skip func(core.Event) bool) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-h.Events():
			require.True(t, ok, "event stream closed")
			if want, ok := ev.(T); ok {
				return want
			}
			var zero T
			if !skip(ev) {
				if pe := core.PluginEventOf(ev); pe != nil {
					t.Fatalf("%T expected, got %T: %s", zero, ev, pe.Data)
				}
				t.Fatalf("%T expected, got %T: %+v", zero, ev, ev)
			}
			t.Logf("skipped %T while waiting for %T", ev, zero)
		case <-ctx.Done():
			var zero T
			t.Fatalf("no %T", zero)
		}
	}
}

// tone is what a recording holds: how long it sounds and at which pitch.
type tone struct {
	Seconds float64 // time with sound (20 ms windows louder than -40 dBFS)
	Hz      float64 // frequency from the zero crossings of those windows
}

// toneOf decodes an audio file with ffmpeg to 8 kHz mono and measures
// its tone.
func toneOf(t *testing.T, path string) tone {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "8000", "-").Output()
	require.NoError(t, err, "ffmpeg decodes %s", path)
	samples := make([]int16, len(out)/2)
	for i := range samples {
		samples[i] = int16(binary.LittleEndian.Uint16(out[2*i:]))
	}
	const window = 160 // 20 ms
	var loud, crossings int
	for w := 0; w+window <= len(samples); w += window {
		var sum float64
		for _, s := range samples[w : w+window] {
			sum += float64(s) * float64(s)
		}
		if math.Sqrt(sum/window) < 327 { // -40 dBFS
			continue
		}
		loud++
		for i := w + 1; i < w+window; i++ {
			if (samples[i-1] < 0) != (samples[i] < 0) {
				crossings++
			}
		}
	}
	secs := float64(loud) * 0.02
	if secs == 0 {
		return tone{}
	}
	return tone{Seconds: secs, Hz: float64(crossings) / 2 / secs}
}

// TestSIPCallBaresip calls baresip, registered at kamailio and answering
// by itself, from a native peer through the SIP plugin: the Opus file
// the peer sends is what baresip hears (recorded by baresip, 440 Hz for
// about 3 s), and baresip's 440 Hz sine comes back to the peer, recorded
// and decoded. During the call, a DTMF digit goes by SIP INFO, the call
// is held and resumed (re-INVITEs baresip sees), and the hangup arrives
// typed.
func TestSIPCallBaresip(t *testing.T) {
	requireTool(t, "ffmpeg")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 90*time.Second)
	reg := sippeer.Kamailio(t, "s3cret")
	bob := sippeer.Baresip(t, sippeer.BaresipOptions{User: "bob", Registrar: reg, AutoAnswer: true})
	alice := newSIPParty(t, ctx, s, reg, "alice", nil)

	calling, acc := talkTo(t, ctx, alice, bob, sip.CallRequest{URI: "sip:bob@" + reg.Addr})
	require.NotEmpty(t, calling.CallID)
	assert.Equal(t, calling.CallID, acc.CallID)
	assert.Contains(t, acc.Username, "bob")

	// Hold and resume: re-INVITEs baresip accepts. Janus reports nothing
	// when the peer accepted a re-INVITE, and ignores a hold or unhold
	// sent before: the test waits for the ACK of each at kamailio.
	require.NoError(t, alice.h.Hold(ctx))
	nextSIP[*sip.Holding](t, ctx, alice.h)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: ACK sip:bob-", 2))
	require.NoError(t, alice.h.Unhold(ctx))
	nextSIP[*sip.Resuming](t, ctx, alice.h)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: ACK sip:bob-", 3))
	assert.Equal(t, 2, strings.Count(bob.Log(), "got re-INVITE"), "baresip got the hold and the resume")

	// DTMF by SIP INFO: baresip answers 200 and reports the digit.
	_, err := alice.h.SendDTMF(ctx, sip.DTMFRequest{Digit: "7", Duration: 200})
	require.NoError(t, err)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: reply 200 OK for INFO", 1))
	require.NoError(t, bob.WaitLog(ctx, "received DTMF: '7'"))

	require.NoError(t, alice.h.HangupCall(ctx))
	hu := hangUp(t, ctx, alice.h)
	t.Logf("hangup: %d %s", hu.Code, hu.Reason)
	assert.Equal(t, calling.CallID, hu.CallID)
	require.NoError(t, bob.WaitLog(ctx, "terminated"))
	require.NoError(t, alice.peer.Close())
	bob.Stop()

	heard(t, ctx, alice, bob, 2)
}

// talkTo calls the baresip ua from p with req, which ua answers by
// itself; once the call is up, p sends its 3 s of Opus while ua's sine
// comes in, until p received 100 packets. It returns the call and its
// answer.
func talkTo(t *testing.T, ctx context.Context, p *sipParty, ua *sippeer.UA, req sip.CallRequest) (*sip.Calling, *sip.Accepted) {
	t.Helper()
	calling, err := p.h.CallPeer(ctx, req, p.peer, nil)
	require.NoError(t, err)
	acc := answerOf(t, ctx, p.h, calling)
	require.NoError(t, p.h.Answered(ctx, acc, p.peer))
	p.up(t, ctx)
	require.NoError(t, ua.WaitLog(ctx, "Call established"))
	require.NoError(t, p.src.Run(ctx))
	waitCounts(t, ctx, "baresip -> caller", map[string]uint64{"audio": 100}, func() map[string]uint64 {
		return map[string]uint64{"audio": p.received().Packets}
	})
	return calling, acc
}

// heard checks the audio both sides recorded in a call between p and
// the baresip ua, decoded with ffmpeg: ua heard p's 3 s file, p heard
// ua's 440 Hz sine for at least minSeconds. (The recording of p may hold
// telephone-event packets too, which ffmpeg skips.)
func heard(t *testing.T, ctx context.Context, p *sipParty, ua *sippeer.UA, minSeconds float64) {
	t.Helper()
	byUA := toneOf(t, ua.Recording("dec"))
	t.Logf("baresip heard %+v", byUA)
	assert.InDelta(t, 3.0, byUA.Seconds, 0.5, "baresip heard the 3 s file")
	assert.InDelta(t, 440, byUA.Hz, 20, "baresip heard 440 Hz")
	p.mu.Lock()
	rec := p.rec
	p.mu.Unlock()
	require.NotNil(t, rec, "a track arrived")
	require.NoError(t, rec.Wait(ctx))
	t.Logf("received %+v", rec.Stats())
	byP := toneOf(t, p.file)
	t.Logf("heard %+v", byP)
	assert.GreaterOrEqual(t, byP.Seconds, minSeconds, "baresip heard for the length of the call")
	assert.InDelta(t, 440, byP.Hz, 20, "baresip's 440 Hz")
}

// TestSIPIncomingCallBaresip has baresip, registered at kamailio, dial
// SIP accounts of native peers: the first call is declined with a SIP
// code baresip gets, the second (to another account) accepted, with real
// audio both ways
// and, on Janus 1.2.1 and later, the DTMF digit baresip sends in its
// media (RFC 2833) reported as a typed event. A second caller during the
// call is turned away (486) and reported as a missed call. Baresip hangs
// up; the hangup arrives typed.
func TestSIPIncomingCallBaresip(t *testing.T) {
	requireTool(t, "ffmpeg")
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 90*time.Second)
	reg := sippeer.Kamailio(t, "s3cret")
	carol := sippeer.Baresip(t, sippeer.BaresipOptions{User: "carol", Registrar: reg})
	// Opus plus telephone-event, so that baresip can send DTMF in the
	// media.
	me := &webrtc.MediaEngine{}
	require.NoError(t, me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio))
	require.NoError(t, me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: 8000, SDPFmtpLine: "0-16"},
		PayloadType:        101,
	}, webrtc.RTPCodecTypeAudio))
	alice := newSIPParty(t, ctx, s, reg, "alice", nil)

	// Declined with 603.
	require.NoError(t, carol.Command("/dial sip:alice@"+reg.Addr))
	in := nextSIP[*sip.IncomingCall](t, ctx, alice.h)
	assert.Contains(t, in.Username, "carol")
	settled(t, ctx, alice.h, reg)
	require.NoError(t, alice.h.Decline(ctx, sip.DeclineRequest{Code: 603}))
	// The answer; the end of the call may come as a *sip.Hangup, before
	// or after it, or not (see sip.Handle.Decline).
	declining := nextEvent[*sip.Declining](t, ctx, alice.h, func(ev core.Event) bool {
		if hu, ok := ev.(*sip.Hangup); ok {
			assert.Equal(t, 603, hu.Code)
			return true
		}
		return core.PluginEventOf(ev) == nil
	})
	assert.Equal(t, 603, declining.Code)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: reply 603", 1))
	require.NoError(t, carol.WaitLog(ctx, "session closed: 603 Decline"))

	// Accepted, by another account: a handle that declined a call may
	// not take the next one (see sip.Handle.Decline).
	dave := newSIPParty(t, ctx, s, reg, "dave", me)
	require.NoError(t, carol.Command("/dial sip:dave@"+reg.Addr))
	in = nextSIP[*sip.IncomingCall](t, ctx, dave.h)
	settled(t, ctx, dave.h, reg)
	require.NotNil(t, in.JSEP, "baresip's INVITE has SDP")
	assert.Equal(t, "offer", in.JSEP.Type)
	assert.NotEmpty(t, in.CallID)
	require.NoError(t, dave.h.AcceptPeer(ctx, in, dave.peer, nil))
	dave.up(t, ctx)
	require.NoError(t, carol.WaitLog(ctx, "Call established"))
	require.NoError(t, dave.src.Run(ctx))
	waitCounts(t, ctx, "carol -> dave", map[string]uint64{"audio": 100}, func() map[string]uint64 {
		return map[string]uint64{"audio": dave.received().Packets}
	})

	// A second caller while dave is in the call: the plugin answers 486
	// Busy Here by itself and reports a missed call.
	erin := sippeer.Baresip(t, sippeer.BaresipOptions{User: "erin", Registrar: reg})
	require.NoError(t, erin.Command("/dial sip:dave@"+reg.Addr))
	missed := nextSIP[*sip.MissedCall](t, ctx, dave.h)
	t.Logf("missed: %+v", *missed)
	assert.Contains(t, missed.Caller, "erin")
	assert.Contains(t, missed.Callee, "dave")
	require.NoError(t, reg.WaitLog(ctx, "sippeer: reply 486", 1))
	require.NoError(t, erin.WaitLog(ctx, "486 Busy Here"))

	// A digit baresip sends in its media.
	require.NoError(t, carol.Command("5"))
	require.NoError(t, carol.WaitLog(ctx, "send DTMF digit"))
	if janustest.VersionNumber(t, srv.Version) >= 1201 {
		d := nextSIP[*sip.DTMF](t, ctx, dave.h)
		t.Logf("dtmf: %+v", d)
		assert.Equal(t, "5", d.Signal)
		assert.Equal(t, in.CallID, d.CallID)
		assert.Contains(t, d.Sender, "carol")
	}

	require.NoError(t, carol.Command("/hangup"))
	hu := nextSIP[*sip.Hangup](t, ctx, dave.h)
	t.Logf("hangup: %d %s", hu.Code, hu.Reason)
	require.NoError(t, dave.peer.Close())
	carol.Stop()
	heard(t, ctx, dave, carol, 2)
}

// TestSIPJanusToJanus calls one SIP handle from another through
// kamailio, native peers on both sides, and goes through the requests of
// a call: ringing and early media by hand (Janus 1.3.3 and 1.3.1), SIP
// INFO and MESSAGE, a renegotiation, recording to .mjr files, keyframe
// requests (1.3.1), and a blind transfer that the transferee follows
// from a helper handle to baresip, its progress coming back to the
// transferor as NOTIFYs.
func TestSIPJanusToJanus(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv, ctx, _, s := mediaSetup(t, 90*time.Second)
	version := janustest.VersionNumber(t, srv.Version)
	reg := sippeer.Kamailio(t, "s3cret")
	carol := sippeer.Baresip(t, sippeer.BaresipOptions{User: "carol", Registrar: reg, AutoAnswer: true})
	alice := newSIPParty(t, ctx, s, reg, "alice", nil)
	manualRinging := version >= 1303
	bob := newSIPParty(t, ctx, s, reg, "bob", nil, func(r *sip.RegisterRequest) {
		if manualRinging {
			off := false
			r.AutomaticRinging = &off
		}
	})

	calling, err := alice.h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@" + reg.Addr}, alice.peer, nil)
	require.NoError(t, err)
	in := nextSIP[*sip.IncomingCall](t, ctx, bob.h)
	assert.Equal(t, calling.CallID, in.CallID)
	assert.Contains(t, in.Username, "alice")
	if manualRinging {
		settled(t, ctx, bob.h, reg)
		require.NoError(t, bob.h.SendRinging(ctx))
		nextOf[*sip.Ringing](t, ctx, alice.h)
	}
	// Bob answers re-INVITEs himself.
	off := false
	byHand := sip.AnswerRequest{AutoAcceptReInvites: &off}
	if version >= 1301 {
		// Early media: bob answers with 183 and his SDP, alice gets it in
		// a *Progress; the 200 OK that follows carries no new SDP.
		core.LinkCandidates(ctx, bob.h.Handle, bob.peer, nil)
		var answer *core.JSEP
		require.NoError(t, core.AnswerOffer(ctx, bob.peer, in.JSEP, func(ctx context.Context, a *core.JSEP) error {
			answer = a
			_, err := bob.h.Progress(ctx, a)
			return err
		}))
		prog := nextOf[*sip.Progress](t, ctx, alice.h)
		require.NoError(t, alice.h.Answered(ctx, prog, alice.peer))
		_, err = bob.h.Accept(ctx, answer, byHand)
		require.NoError(t, err)
		acc := nextSIP[*sip.Accepted](t, ctx, alice.h)
		assert.Nil(t, acc.JSEP, "the answer came with the progress")
	} else {
		settled(t, ctx, bob.h, reg)
		require.NoError(t, bob.h.AcceptPeer(ctx, in, bob.peer, nil, byHand))
		acc := nextSIP[*sip.Accepted](t, ctx, alice.h)
		require.NoError(t, alice.h.Answered(ctx, acc, alice.peer))
	}
	alice.up(t, ctx)
	bob.up(t, ctx)

	// INFO and MESSAGE in the call.
	_, err = alice.h.SendInfo(ctx, sip.InfoRequest{Type: "application/x-gojanus", Content: "ping"})
	require.NoError(t, err)
	info := nextSIP[*sip.Info](t, ctx, bob.h)
	assert.Equal(t, "application/x-gojanus", info.Type)
	assert.Equal(t, "ping", info.Content)
	assert.Contains(t, info.Sender, "alice")
	_, err = bob.h.SendMessage(ctx, sip.MessageRequest{Content: "hello alice"})
	require.NoError(t, err)
	msg := nextSIP[*sip.Message](t, ctx, alice.h)
	assert.Equal(t, "hello alice", msg.Content)
	assert.Contains(t, msg.Sender, "bob")
	delivery := nextSIP[*sip.MessageDelivery](t, ctx, bob.h)
	assert.Equal(t, 200, delivery.Code)

	// A renegotiation from alice: bob gets the re-INVITE's offer and
	// answers it with Update; the answer comes back to alice in an
	// *Accepted.
	offer, err := alice.peer.CreateOffer(ctx)
	require.NoError(t, err)
	up, err := alice.h.Update(ctx, offer)
	require.NoError(t, err)
	assert.False(t, up.Answered)
	reinvite := nextSIP[*sip.UpdatingCall](t, ctx, bob.h)
	require.NoError(t, core.AnswerOffer(ctx, bob.peer, reinvite.JSEP, func(ctx context.Context, answer *core.JSEP) error {
		up, err := bob.h.Update(ctx, answer)
		if err == nil {
			assert.True(t, up.Answered)
		}
		return err
	}))
	reneg := nextSIP[*sip.Accepted](t, ctx, alice.h)
	require.NoError(t, alice.h.Answered(ctx, reneg, alice.peer))
	// And one from bob, which alice's plugin accepts by itself.
	offer, err = bob.peer.CreateOffer(ctx)
	require.NoError(t, err)
	_, err = bob.h.Update(ctx, offer)
	require.NoError(t, err)
	require.NoError(t, bob.h.Answered(ctx, nextSIP[*sip.Accepted](t, ctx, bob.h), bob.peer))

	// Record both directions at bob while both send.
	base := filepath.Join(srv.Dir, "sip-call")
	all := sip.RecordRequest{Audio: true, PeerAudio: true, Filename: base}
	_, err = bob.h.StartRecording(ctx, all)
	require.NoError(t, err)
	if version >= 1301 {
		_, err = alice.h.Keyframe(ctx, sip.KeyframeRequest{User: true, Peer: true})
		require.NoError(t, err)
	}
	// On Janus 1.4.0 and later, bob forwards what alice sends him as
	// plain RTP to a socket here.
	var forwarded atomic.Int64
	var fwd *sip.RTPForwarding
	if version >= 1400 {
		conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
		require.NoError(t, err)
		defer conn.Close()
		go func() {
			buf := make([]byte, 1500)
			for {
				n, _, err := conn.ReadFrom(buf)
				if err != nil {
					return
				}
				if n > 12 && buf[0]>>6 == 2 { // RTP version 2
					forwarded.Add(1)
				}
			}
		}()
		fwd, err = bob.h.RTPForward(ctx, sip.RTPForwardRequest{Streams: []sip.ForwardStream{
			{Type: sip.ForwardPeerAudio, Host: "127.0.0.1", Port: conn.LocalAddr().(*net.UDPAddr).Port},
		}})
		require.NoError(t, err)
		require.Len(t, fwd.Forwarders, 1)
		assert.Equal(t, "audio", fwd.Forwarders[0].Media)
		list, err := bob.h.ListForwarders(ctx)
		require.NoError(t, err)
		assert.Equal(t, fwd.Forwarders, list)
	}
	errs := make(chan error, 2)
	for _, p := range []*sipParty{alice, bob} {
		go func() { errs <- p.src.Run(ctx) }()
	}
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	waitCounts(t, ctx, "alice -> bob", map[string]uint64{"audio": 140}, func() map[string]uint64 {
		return map[string]uint64{"audio": bob.received().Packets}
	})
	_, err = bob.h.StopRecording(ctx, all)
	require.NoError(t, err)
	if fwd != nil {
		waitCounts(t, ctx, "forwarded", map[string]uint64{"audio": 140}, func() map[string]uint64 {
			return map[string]uint64{"audio": uint64(forwarded.Load())}
		})
		t.Logf("forwarded %d RTP packets", forwarded.Load())
		assert.GreaterOrEqual(t, forwarded.Load(), int64(140), "alice's 3 s forwarded as RTP")
		stopped, err := bob.h.StopRTPForward(ctx, fwd.Forwarders[0].StreamID)
		require.NoError(t, err)
		assert.Equal(t, fwd.Forwarders[0].StreamID, stopped.StreamID)
	}
	files := all.Files()
	require.Equal(t, []string{base + "-user-audio.mjr", base + "-peer-audio.mjr"}, files)
	for _, f := range files {
		codec, packets := readMJR(t, f)
		t.Logf("%s: %s, %d packets", filepath.Base(f), codec, packets)
		assert.Equal(t, "opus", codec)
		assert.GreaterOrEqual(t, packets, 140, "%s: 3 s of audio (150 packets)", filepath.Base(f))
	}

	// Alice transfers bob to carol: bob follows from a helper handle.
	_, err = alice.h.Transfer(ctx, sip.TransferRequest{URI: "sip:carol@" + reg.Addr})
	require.NoError(t, err)
	tr := nextSIP[*sip.Transfer](t, ctx, bob.h)
	assert.Equal(t, "sip:carol@"+reg.Addr, tr.ReferTo)
	assert.False(t, tr.Referral.IsZero())
	helper, err := sip.Attach(ctx, s)
	require.NoError(t, err)
	res, err := helper.Register(ctx, sip.RegisterRequest{Username: "sip:bob@127.0.0.1", Type: sip.Helper, Master: bob.master})
	require.NoError(t, err)
	require.NotNil(t, res.Registered)
	hpeer := namespacePeer(t)
	src, err := native.FileSource(native.FileOptions{}, "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	for _, track := range src.Tracks() {
		_, err := hpeer.AddTrack(track)
		require.NoError(t, err)
	}
	hcalling, err := helper.CallPeer(ctx, sip.CallRequest{URI: tr.ReferTo, Referral: tr.Referral}, hpeer, nil)
	require.NoError(t, err)
	hacc := answerOf(t, ctx, helper, hcalling)
	require.NoError(t, helper.Answered(ctx, hacc, hpeer))
	require.NoError(t, carol.WaitLog(ctx, "Call established"))
	// The transferor hears how the transfer went.
	for {
		n := nextSIP[*sip.Notify](t, ctx, alice.h)
		t.Logf("notify: %+v", n)
		if strings.Contains(n.Content, "200") {
			break
		}
	}

	require.NoError(t, alice.h.HangupCall(ctx))
	hangUp(t, ctx, alice.h)
	nextSIP[*sip.Hangup](t, ctx, bob.h)
	require.NoError(t, helper.HangupCall(ctx))
	hangUp(t, ctx, helper)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: BYE sip:carol-", 1))
	require.NoError(t, reg.WaitLog(ctx, "sippeer: reply 200 OK for BYE", 2))
}

// readMJR reads a Janus recording (.mjr, version 2): the codec its header
// names and the number of RTP packets it holds.
func readMJR(t *testing.T, path string) (codec string, packets int) {
	t.Helper()
	codec, stamps := mjrTimestamps(t, path)
	return codec, len(stamps)
}

// mjrTimestamps reads a Janus recording (.mjr, version 2): the codec its
// header names and the RTP timestamp of each packet, in file order.
func mjrTimestamps(t *testing.T, path string) (codec string, stamps []uint32) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, len(b) > 10 && string(b[:8]) == "MJR00002", "%s is an MJR v2 file", path)
	n := int(binary.BigEndian.Uint16(b[8:]))
	var info struct {
		Codec string `json:"c"`
	}
	require.NoError(t, json.Unmarshal(b[10:10+n], &info), "MJR header %q", b[10:10+n])
	for rest := b[10+n:]; len(rest) >= 10 && string(rest[:4]) == "MEET"; {
		size := int(binary.BigEndian.Uint16(rest[8:]))
		if len(rest) < 10+size {
			break
		}
		if pkt := rest[10 : 10+size]; size >= 12 {
			stamps = append(stamps, binary.BigEndian.Uint32(pkt[4:8]))
		}
		rest = rest[10+size:] // marker, 32-bit time, length, packet
	}
	return info.Codec, stamps
}

// TestSIPDTMFToBaresip sends DTMF in the media (RFC 4733
// telephone-events, as a browser's insertDTMF does) from a native peer
// through the SIP plugin to baresip, which reports each digit.
func TestSIPDTMFToBaresip(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 60*time.Second)
	reg := sippeer.Kamailio(t, "s3cret")
	bob := sippeer.Baresip(t, sippeer.BaresipOptions{User: "bob", Registrar: reg, AutoAnswer: true})
	h, err := sip.Attach(ctx, s)
	require.NoError(t, err)
	res, err := h.Register(ctx, sip.RegisterRequest{Username: "sip:alice@127.0.0.1", Type: sip.Guest})
	require.NoError(t, err)
	require.NotNil(t, res.Registered)

	me := &webrtc.MediaEngine{}
	require.NoError(t, me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio))
	require.NoError(t, me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: native.MimeTypeTelephoneEvent, ClockRate: 8000, SDPFmtpLine: "0-16"},
		PayloadType:        101,
	}, webrtc.RTPCodecTypeAudio))
	peer := namespacePeerWithMedia(t, me)
	dtmf := native.NewDTMFTrack("dtmf", "alice")
	_, err = peer.AddTrack(dtmf)
	require.NoError(t, err)
	connected := waitConnected(peer)
	calling, err := h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@" + reg.Addr}, peer, nil)
	require.NoError(t, err)
	require.NoError(t, h.Answered(ctx, answerOf(t, ctx, h, calling), peer))
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("not connected")
	}
	waitWebRTCUp(t, ctx, h.Events())

	require.NoError(t, dtmf.SendDigits(ctx, "159#", 160*time.Millisecond, 80*time.Millisecond))
	assert.Equal(t, 4, dtmf.Sent())
	for _, d := range []string{"1", "5", "9", "#"} {
		require.NoError(t, bob.WaitLog(ctx, "event: CALL_DTMF_START "+d), "baresip got %s", d)
	}
	assert.Error(t, dtmf.SendDigits(ctx, "x", time.Second, 0), "not a digit")

	require.NoError(t, h.HangupCall(ctx))
	hangUp(t, ctx, h)
}

// settled waits until Janus keeps the SIP transaction of the incoming
// call h just got: Janus sends *sip.IncomingCall a moment before (see
// sip.IncomingCall) and drops an answer sent within that moment. Janus
// runs each handle's SIP callbacks one after the other, so the delivery
// report of a MESSAGE sent now (to nobody: kamailio answers 404) comes
// after the callback of the INVITE has finished.
func settled(t *testing.T, ctx context.Context, h *sip.Handle, reg *sippeer.Registrar) {
	t.Helper()
	_, err := h.SendMessage(ctx, sip.MessageRequest{URI: "sip:nobody@" + reg.Addr, Content: "barrier"})
	require.NoError(t, err)
	assert.Equal(t, 404, nextSIP[*sip.MessageDelivery](t, ctx, h).Code)
}

// hangUp waits for the answer to HangupCall and the end of the call,
// which Janus sends in either order, and returns the end.
func hangUp(t *testing.T, ctx context.Context, h *sip.Handle) *sip.Hangup {
	t.Helper()
	var answered bool
	var end *sip.Hangup
	for !answered || end == nil {
		switch ev := nextOf[core.Event](t, ctx, h).(type) {
		case *sip.HangingUp:
			answered = true
		case *sip.Hangup:
			end = ev
		}
	}
	return end
}

// TestSIPCallSRTPBaresip calls a baresip that requires SDES-SRTP: a call
// without SRTP is refused, one with CallRequest.SRTP "sdes_mandatory"
// goes through with the audio of both sides encrypted (RTP/SAVP) and
// heard.
func TestSIPCallSRTPBaresip(t *testing.T) {
	requireTool(t, "ffmpeg")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 90*time.Second)
	reg := sippeer.Kamailio(t, "s3cret")
	bob := sippeer.Baresip(t, sippeer.BaresipOptions{User: "bob", Registrar: reg, AutoAnswer: true, MediaEnc: "srtp-mand"})

	plain := newSIPParty(t, ctx, s, reg, "carol", nil)
	_, err := plain.h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@" + reg.Addr}, plain.peer, nil)
	require.NoError(t, err)
	hu := nextSIP[*sip.Hangup](t, ctx, plain.h)
	t.Logf("plain RTP to an SRTP-only baresip: %d %s", hu.Code, hu.Reason)
	assert.GreaterOrEqual(t, hu.Code, 400, "refused")

	alice := newSIPParty(t, ctx, s, reg, "alice", nil)
	talkTo(t, ctx, alice, bob, sip.CallRequest{URI: "sip:bob@" + reg.Addr, SRTP: "sdes_mandatory"})
	require.NoError(t, alice.h.HangupCall(ctx))
	hangUp(t, ctx, alice.h)
	require.NoError(t, bob.WaitLog(ctx, "terminated"))
	require.NoError(t, alice.peer.Close())
	bob.Stop()
	assert.Contains(t, bob.Log(), "srtp: audio: SRTP is Enabled", "baresip's audio went over SRTP")
	heard(t, ctx, alice, bob, 2)
}
