package native_test

import (
	"context"
	"encoding/binary"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/sippeer"
	"github.com/gojanus/gojanus/native"
)

// sipParty is the Janus side of a SIP call: a registered SIP handle and a
// peer that sends a 440 Hz Opus file and records what it receives.
type sipParty struct {
	h         *sip.Handle
	peer      *native.Peer
	src       native.Source
	file      string
	connected <-chan struct{}

	mu  sync.Mutex
	rec *native.TrackRecorder
}

func newSIPParty(t *testing.T, ctx context.Context, s *core.Session, reg *sippeer.Registrar, user string) *sipParty {
	t.Helper()
	h, err := sip.Attach(ctx, s)
	require.NoError(t, err)
	res, err := h.Register(ctx, sip.RegisterRequest{Username: "sip:" + user + "@127.0.0.1", Secret: reg.Password, Proxy: reg.URI()})
	require.NoError(t, err)
	require.True(t, res.Sent)
	r := nextSIP[*sip.Registered](t, ctx, h)
	assert.Equal(t, user, r.Username)
	src, err := native.FileSource(native.FileOptions{StreamID: user}, "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	p := &sipParty{h: h, peer: namespacePeer(t), src: src, file: filepath.Join(t.TempDir(), "received.ogg")}
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
// (webrtcup, media...) and the SIP provisional answers (*sip.Ringing,
// *sip.Proceeding), failing on other SIP events.
func nextSIP[T core.Event](t *testing.T, ctx context.Context, h *sip.Handle) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-h.Events():
			require.True(t, ok, "event stream closed")
			if want, ok := ev.(T); ok {
				return want
			}
			switch ev := ev.(type) {
			case *sip.Ringing, *sip.Proceeding:
				t.Logf("sip: %T", ev)
			default:
				if pe := core.PluginEventOf(ev); pe != nil {
					var zero T
					t.Fatalf("%T expected, got %T: %s", zero, ev, pe.Data)
				}
			}
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
	alice := newSIPParty(t, ctx, s, reg, "alice")

	calling, err := alice.h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@" + reg.Addr}, alice.peer, nil)
	require.NoError(t, err)
	require.NotEmpty(t, calling.CallID)
	acc := nextSIP[*sip.Accepted](t, ctx, alice.h)
	assert.Equal(t, calling.CallID, acc.CallID)
	assert.Contains(t, acc.Username, "bob")
	require.NoError(t, alice.h.Answered(ctx, acc, alice.peer))
	alice.up(t, ctx)
	require.NoError(t, bob.WaitLog(ctx, "Call established"))

	// Our 3 s of Opus go out while baresip's sine comes in.
	require.NoError(t, alice.src.Run(ctx))
	waitCounts(t, ctx, "baresip -> alice", map[string]uint64{"audio": 100}, func() map[string]uint64 {
		return map[string]uint64{"audio": alice.received().Packets}
	})

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
	_, err = alice.h.SendDTMF(ctx, sip.DTMFRequest{Digit: "7", Duration: 200})
	require.NoError(t, err)
	require.NoError(t, reg.WaitLog(ctx, "sippeer: reply 200 OK for INFO", 1))
	require.NoError(t, bob.WaitLog(ctx, "received DTMF: '7'"))

	require.NoError(t, alice.h.HangupCall(ctx))
	nextSIP[*sip.HangingUp](t, ctx, alice.h)
	hu := nextSIP[*sip.Hangup](t, ctx, alice.h)
	t.Logf("hangup: %d %s", hu.Code, hu.Reason)
	assert.Equal(t, calling.CallID, hu.CallID)
	require.NoError(t, bob.WaitLog(ctx, "terminated"))
	require.NoError(t, alice.peer.Close())
	bob.Stop()

	// What baresip heard is our file: 3 s of 440 Hz.
	heard := toneOf(t, bob.Recording("dec"))
	t.Logf("baresip heard %+v", heard)
	assert.InDelta(t, 3.0, heard.Seconds, 0.5, "baresip heard the 3 s file")
	assert.InDelta(t, 440, heard.Hz, 20, "baresip heard 440 Hz")
	// What we received is baresip's sine, Opus we recorded.
	alice.mu.Lock()
	rec := alice.rec
	alice.mu.Unlock()
	require.NotNil(t, rec, "alice received a track")
	require.NoError(t, rec.Wait(ctx))
	st := rec.Stats()
	t.Logf("alice received %+v", st)
	got := toneOf(t, alice.file)
	t.Logf("alice heard %+v", got)
	assert.GreaterOrEqual(t, got.Seconds, 2.0, "alice heard baresip for the length of the call")
	assert.InDelta(t, 440, got.Hz, 20, "alice heard baresip's 440 Hz")
	assert.Greater(t, ffprobeFrames(t, alice.file), 100, "decodable Opus frames")
}
