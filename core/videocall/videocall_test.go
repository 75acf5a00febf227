package videocall_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videocall"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// user is one party: its own connection, session and handle.
type user struct {
	name string
	s    *core.Session
	h    *videocall.Handle
}

func newUser(ctx context.Context, t *testing.T, url, name string) *user {
	t.Helper()
	c, err := core.Dial(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := videocall.Attach(ctx, s)
	require.NoError(t, err)
	require.Equal(t, videocall.Plugin, h.Plugin())
	return &user{name: name, s: s, h: h}
}

// next waits for the next event of type T on u's stream, skipping core
// events (*core.Hangup, *core.Media, ...) and failing on other plugin
// events.
func next[T core.Event](ctx context.Context, t *testing.T, u *user) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-u.h.Events():
			require.True(t, ok, "%s: stream closed", u.name)
			if want, ok := ev.(T); ok {
				return want
			}
			switch ev := ev.(type) {
			case *core.PluginEvent:
				t.Fatalf("%s: unexpected plugin event %s", u.name, ev.Data)
			case *videocall.Hangup, *videocall.IncomingCall, *videocall.Accepted, *videocall.Update:
				t.Fatalf("%s: unexpected %T %+v", u.name, ev, ev)
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("%s: no %T event", u.name, zero)
		}
	}
}

// requireCode checks that err is the plugin's error want, named after
// the request.
func requireCode(t *testing.T, err error, want *core.PluginError) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var pe *core.PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, want.Code, pe.Code, pe.Reason)
	assert.Equal(t, videocall.Plugin, pe.Plugin)
	assert.NotEmpty(t, pe.Request, "the error names the request")
}

// answerFor builds a syntactically valid SDP answer to Janus's offer:
// Opus for every audio m-line, the other m-lines rejected (port 0),
// same mids, the mirrored direction, our own ICE credentials and DTLS
// role.
func answerFor(t *testing.T, offer string) *core.JSEP {
	t.Helper()
	type section struct {
		media, proto, mid, dir, opus string
		pts                          []string
	}
	var secs []*section
	for _, l := range strings.Split(strings.ReplaceAll(offer, "\r\n", "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "m="):
			f := strings.Fields(strings.TrimPrefix(l, "m="))
			require.GreaterOrEqual(t, len(f), 4, l)
			secs = append(secs, &section{media: f[0], proto: f[2], pts: f[3:], dir: "sendrecv"})
		case len(secs) == 0:
		case strings.HasPrefix(l, "a=mid:"):
			secs[len(secs)-1].mid = strings.TrimPrefix(l, "a=mid:")
		case l == "a=sendrecv" || l == "a=sendonly" || l == "a=recvonly" || l == "a=inactive":
			secs[len(secs)-1].dir = strings.TrimPrefix(l, "a=")
		case strings.HasPrefix(l, "a=rtpmap:") && strings.Contains(strings.ToLower(l), " opus/48000"):
			secs[len(secs)-1].opus = strings.Fields(strings.TrimPrefix(l, "a=rtpmap:"))[0]
		}
	}
	require.NotEmpty(t, secs, "offer without m-lines:\n%s", offer)
	mirror := map[string]string{"sendrecv": "sendrecv", "sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}
	var b, bundle strings.Builder
	for _, s := range secs {
		if s.media != "audio" || s.opus == "" {
			fmt.Fprintf(&b, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\na=mid:%s\r\na=inactive\r\n", s.media, s.proto, s.pts[0], s.mid)
			continue
		}
		fmt.Fprintf(&bundle, " %s", s.mid)
		fmt.Fprintf(&b, "m=audio 9 %s %s\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n", s.proto, s.opus)
		b.WriteString("a=ice-ufrag:B0bx\r\na=ice-pwd:Zr8fPq1Xv7m2Lk9cNs4Tw0Yd\r\na=ice-options:trickle\r\n")
		b.WriteString("a=fingerprint:sha-256 4F:1A:0B:7C:22:9E:31:D0:8B:6A:55:C4:13:E2:7F:90:AB:CD:EF:01:23:45:67:89:9A:BC:DE:F0:12:34:56:78\r\n")
		fmt.Fprintf(&b, "a=setup:active\r\na=mid:%s\r\na=%s\r\na=rtcp-mux\r\n", s.mid, mirror[s.dir])
		fmt.Fprintf(&b, "a=rtpmap:%s opus/48000/2\r\na=fmtp:%s minptime=10;useinbandfec=1\r\n", s.opus, s.opus)
		b.WriteString("a=ssrc:2002 cname:bob\r\n")
	}
	head := "v=0\r\no=- 1707000000001 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE" + bundle.String() + "\r\na=msid-semantic: WMS\r\n"
	return &core.JSEP{Type: "answer", SDP: head + b.String()}
}

func TestVideoCallAgainstJanus(t *testing.T) {
	offerSDP, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	offer := &core.JSEP{Type: "offer", SDP: strings.ReplaceAll(string(offerSDP), "\n", "\r\n")}
	srv := janustest.Start(t, janusserver.Options{})
	for _, url := range []string{srv.WSURL, srv.HTTPURL} {
		tr := url[:4]
		t.Run(tr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			alice := newUser(ctx, t, url, "alice-"+tr)
			bob := newUser(ctx, t, url, "bob-"+tr)
			carol := newUser(ctx, t, url, "carol-"+tr)
			admin, err := core.DialAdmin(ctx, srv.AdminHTTPURL, core.WithAdminSecret(srv.AdminSecret))
			require.NoError(t, err)
			defer admin.Close()
			settle := func(us ...*user) {
				t.Helper()
				for _, u := range us {
					settled(ctx, t, admin, u)
				}
			}

			// Requests before registering.
			_, err = carol.h.Call(ctx, bob.name, nil)
			requireCode(t, err, videocall.ErrRegisterFirst)

			// Register: a typed answer, then the errors.
			reg, err := alice.h.Register(ctx, alice.name)
			require.NoError(t, err)
			assert.Equal(t, alice.name, reg.Username)
			assert.Equal(t, core.Source{Session: alice.s.ID(), Handle: alice.h.ID()}, reg.EventSource())
			_, err = bob.h.Register(ctx, bob.name)
			require.NoError(t, err)
			_, err = carol.h.Register(ctx, alice.name)
			requireCode(t, err, videocall.ErrUsernameTaken)
			assert.Contains(t, err.Error(), "janus: videocall: register: error 476: ")
			_, err = alice.h.Register(ctx, "another")
			requireCode(t, err, videocall.ErrAlreadyRegistered)
			_, err = carol.h.Register(ctx, "")
			requireCode(t, err, videocall.ErrMissingElement)
			_, err = carol.h.Register(ctx, carol.name)
			require.NoError(t, err)

			// List shows everyone registered.
			names, err := carol.h.List(ctx)
			require.NoError(t, err)
			assert.Subset(t, names, []string{alice.name, bob.name, carol.name})

			// Call errors. A failed call that carried an offer makes the
			// plugin close the PeerConnection Janus had started for it:
			// the next offer must wait for that *core.Hangup, or Janus
			// rejects it (490 "Error setting ICE locally").
			_, err = alice.h.Call(ctx, "nobody-"+tr, offer)
			requireCode(t, err, videocall.ErrNoSuchUsername)
			assert.Equal(t, "Close PC", next[*core.Hangup](ctx, t, alice).Reason)
			settle(alice)
			_, err = alice.h.Call(ctx, alice.name, nil)
			requireCode(t, err, videocall.ErrUseEchoTest)
			_, err = alice.h.Call(ctx, bob.name, nil)
			requireCode(t, err, videocall.ErrMissingSDP)
			_, err = bob.h.Accept(ctx, nil)
			requireCode(t, err, videocall.ErrNoCall)
			// With an answer but no call, the Janus core refuses it first.
			_, err = bob.h.Accept(ctx, answerFor(t, offer.SDP))
			var je *core.Error
			require.ErrorAs(t, err, &je)
			assert.Equal(t, core.CodeUnexpectedAnswer, je.Code)
			_, err = alice.h.Message(ctx, map[string]any{"request": "dance"})
			require.ErrorIs(t, err, videocall.ErrInvalidRequest)
			assert.Equal(t, 472, videocall.ErrInvalidRequest.Code)

			// Alice calls Bob: Bob gets Janus's offer.
			calling, err := alice.h.Call(ctx, bob.name, offer)
			require.NoError(t, err)
			assert.NotNil(t, calling)
			in := next[*videocall.IncomingCall](ctx, t, bob)
			assert.Equal(t, alice.name, in.Username)
			require.NotNil(t, in.JSEP)
			assert.Equal(t, "offer", in.JSEP.Type)
			assert.Contains(t, in.JSEP.SDP, "opus/48000")
			assert.NotContains(t, in.JSEP.SDP, "ice-ufrag:gjTs", "Janus's own offer, not Alice's")

			// Carol calls the busy Bob: a hangup answer, ErrUserBusy.
			_, err = carol.h.Call(ctx, bob.name, offer)
			require.ErrorIs(t, err, videocall.ErrUserBusy)
			next[*core.Hangup](ctx, t, carol)
			settle(carol)

			// Bob accepts: Alice gets Janus's answer.
			acc, err := bob.h.Accept(ctx, answerFor(t, in.JSEP.SDP))
			require.NoError(t, err)
			assert.Empty(t, acc.Username)
			accepted := next[*videocall.Accepted](ctx, t, alice)
			assert.Equal(t, bob.name, accepted.Username)
			require.NotNil(t, accepted.JSEP)
			assert.Equal(t, "answer", accepted.JSEP.Type)
			assert.Contains(t, accepted.JSEP.SDP, "opus/48000")

			// Settings, and bad ones.
			set, err := alice.h.Set(ctx, videocall.SetRequest{Audio: core.Ptr(true), Video: core.Ptr(false), Bitrate: core.Ptr(128000)}, nil)
			require.NoError(t, err)
			assert.NotNil(t, set)
			_, err = alice.h.Set(ctx, videocall.SetRequest{Substream: core.Ptr(5)}, nil)
			requireCode(t, err, videocall.ErrInvalidElement)
			_, err = alice.h.Set(ctx, videocall.SetRequest{Fallback: core.Ptr(-1)}, nil)
			requireCode(t, err, videocall.ErrInvalidElement)
			_, err = alice.h.Set(ctx, videocall.SetRequest{Bitrate: core.Ptr(-1)}, nil)
			requireCode(t, err, videocall.ErrInvalidElement)

			// Recording, to a folder of the test.
			base := t.TempDir() + "/alice"
			_, err = alice.h.Set(ctx, videocall.SetRequest{Record: core.Ptr(true), Filename: base}, nil)
			require.NoError(t, err)
			_, err = alice.h.Set(ctx, videocall.SetRequest{Record: core.Ptr(false)}, nil)
			require.NoError(t, err)
			assert.FileExists(t, base+"-audio.mjr")

			// Renegotiation from Alice: Bob gets an update with an offer,
			// answers it, Alice gets an update with the answer.
			reoffer := &core.JSEP{Type: "offer", SDP: strings.Replace(offer.SDP, " 2 IN IP4", " 3 IN IP4", 1)}
			_, err = alice.h.Set(ctx, videocall.SetRequest{}, reoffer)
			require.NoError(t, err)
			up := next[*videocall.Update](ctx, t, bob)
			require.NotNil(t, up.JSEP)
			assert.Equal(t, "offer", up.JSEP.Type)
			_, err = bob.h.Set(ctx, videocall.SetRequest{}, answerFor(t, up.JSEP.SDP))
			require.NoError(t, err)
			up = next[*videocall.Update](ctx, t, alice)
			require.NotNil(t, up.JSEP)
			assert.Equal(t, "answer", up.JSEP.Type)

			// Alice hangs up. Her answer is a typed hangup; Bob gets one
			// with her reason. Closing both PeerConnections then sends
			// each side a "Remote WebRTC hangup" from the other.
			hu, err := alice.h.HangupCall(ctx, "bye")
			require.NoError(t, err)
			assert.Equal(t, alice.name, hu.Username)
			assert.Equal(t, videocall.ReasonExplicit, hu.Reason)
			bh := hangups(ctx, t, bob, 2)
			assert.Equal(t, []string{alice.name, alice.name}, []string{bh[0].Username, bh[1].Username})
			assert.ElementsMatch(t, []string{"bye", videocall.ReasonRemoteWebRTC}, []string{bh[0].Reason, bh[1].Reason})
			ah := hangups(ctx, t, alice, 1)
			assert.Equal(t, bob.name, ah[0].Username)
			assert.Equal(t, videocall.ReasonRemoteWebRTC, ah[0].Reason)
			settle(alice, bob)

			// Carol calls Bob, who declines.
			_, err = carol.h.Call(ctx, bob.name, offer)
			require.NoError(t, err)
			in = next[*videocall.IncomingCall](ctx, t, bob)
			assert.Equal(t, carol.name, in.Username)
			hu, err = bob.h.HangupCall(ctx, "")
			require.NoError(t, err)
			assert.Equal(t, bob.name, hu.Username)
			ch := hangups(ctx, t, carol, 2)
			assert.ElementsMatch(t, []string{videocall.ReasonDefault, videocall.ReasonRemoteWebRTC}, []string{ch[0].Reason, ch[1].Reason})
			assert.Equal(t, bob.name, ch[0].Username)
			assert.Equal(t, carol.name, hangups(ctx, t, bob, 1)[0].Username)
			settle(bob, carol)

			// Calling again while in a call is ErrAlreadyInCall, and the
			// plugin then closes the caller's PeerConnection, which ends
			// the call in progress too.
			_, err = carol.h.Call(ctx, bob.name, offer)
			require.NoError(t, err)
			assert.Equal(t, carol.name, next[*videocall.IncomingCall](ctx, t, bob).Username)
			_, err = carol.h.Call(ctx, bob.name, nil)
			requireCode(t, err, videocall.ErrAlreadyInCall)
			assert.Equal(t, videocall.ReasonRemoteWebRTC, hangups(ctx, t, bob, 1)[0].Reason)
			assert.Equal(t, videocall.ReasonRemoteWebRTC, hangups(ctx, t, carol, 1)[0].Reason)

			// Detaching frees the name (soon after the detach's answer:
			// the plugin drops the session asynchronously).
			require.NoError(t, bob.h.Detach(ctx))
			require.Eventually(t, func() bool {
				names, err = alice.h.List(ctx)
				require.NoError(t, err)
				return !slices.Contains(names, bob.name)
			}, 5*time.Second, 20*time.Millisecond)
			assert.Contains(t, names, alice.name)
			for _, u := range []*user{alice, bob, carol} {
				require.NoError(t, u.s.Destroy(ctx))
			}
		})
	}
}

// settled waits until the Janus core has freed u's last PeerConnection
// (handle_info shows no offer, answer or cleaning): the core's hangup
// event comes before that, and an offer the plugin sends to the handle
// in between is lost ("No WebRTC PeerConnection" in the Janus log).
func settled(ctx context.Context, t *testing.T, admin *core.Admin, u *user) {
	t.Helper()
	for {
		hi, err := admin.HandleInfo(ctx, u.s.ID(), u.h.ID())
		require.NoError(t, err)
		f := hi.Flags
		if !f["got-offer"] && !f["got-answer"] && !f["cleaning"] && !f["ready"] &&
			(len(hi.Streams) == 0 || string(hi.Streams) == "null" || string(hi.Streams) == "[]") {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: PeerConnection not freed: %v", u.name, f)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// hangups collects the next n *videocall.Hangup events of u and the
// *core.Hangup of its PeerConnection, in whatever order they come, so
// that the handle is ready for a new offer.
func hangups(ctx context.Context, t *testing.T, u *user, n int) []*videocall.Hangup {
	t.Helper()
	var out []*videocall.Hangup
	pcClosed := false
	for len(out) < n || !pcClosed {
		select {
		case ev, ok := <-u.h.Events():
			require.True(t, ok, "%s: stream closed", u.name)
			switch ev := ev.(type) {
			case *videocall.Hangup:
				require.Less(t, len(out), n, "%s: one hangup too many: %+v", u.name, ev)
				out = append(out, ev)
			case *core.Hangup:
				pcClosed = true
			case *core.PluginEvent:
				t.Fatalf("%s: unexpected plugin event %s", u.name, ev.Data)
			case *videocall.IncomingCall, *videocall.Accepted, *videocall.Update:
				t.Fatalf("%s: unexpected %T %+v", u.name, ev, ev)
			}
		case <-ctx.Done():
			t.Fatalf("%s: %d of %d hangups, PeerConnection closed: %v", u.name, len(out), n, pcClosed)
		}
	}
	return out
}

// Events as the 1.1.2 plugin sends them.
func TestDecodeEvent(t *testing.T) {
	src := core.Source{Session: 1, Handle: 2}
	ev := func(data string, jsep *core.JSEP) *core.PluginEvent {
		return &core.PluginEvent{Source: src, Plugin: videocall.Plugin, Data: []byte(data), JSEP: jsep}
	}
	offer := &core.JSEP{Type: "offer", SDP: "v=0\r\n"}

	l := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"list":["alice","bob"]}}`, nil)).(*videocall.PeerList)
	assert.Equal(t, []string{"alice", "bob"}, l.Usernames)
	l = videocall.DecodeEvent(ev(`{"videocall":"event","result":{"list":[]}}`, nil)).(*videocall.PeerList)
	assert.Empty(t, l.Usernames)

	r := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"registered","username":"alice"}}`, nil)).(*videocall.Registered)
	assert.Equal(t, "alice", r.Username)
	assert.Equal(t, src, r.EventSource())

	assert.IsType(t, &videocall.Calling{}, videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"calling"}}`, nil)))

	in := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"incomingcall","username":"alice"}}`, offer)).(*videocall.IncomingCall)
	assert.Equal(t, "alice", in.Username)
	assert.Same(t, offer, in.JSEP)

	acc := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"accepted","username":"bob"}}`, &core.JSEP{Type: "answer"})).(*videocall.Accepted)
	assert.Equal(t, "bob", acc.Username)
	assert.Equal(t, "answer", acc.JSEP.Type)

	up := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"update"}}`, offer)).(*videocall.Update)
	assert.Equal(t, "offer", up.JSEP.Type)

	assert.IsType(t, &videocall.SetDone{}, videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"set"}}`, nil)))

	h := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"hangup","username":"alice","reason":"Remote WebRTC hangup"}}`, nil)).(*videocall.Hangup)
	assert.Equal(t, "alice", h.Username)
	assert.Equal(t, videocall.ReasonRemoteWebRTC, h.Reason)

	sc := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"simulcast","videocodec":"vp8","substream":1}}`, nil)).(*videocall.LayerChanged)
	assert.Equal(t, core.VP8, sc.VideoCodec)
	require.NotNil(t, sc.Substream)
	assert.Equal(t, 1, *sc.Substream)
	assert.Nil(t, sc.Temporal)
	sc = videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"simulcast","videocodec":"vp8","temporal":0}}`, nil)).(*videocall.LayerChanged)
	require.NotNil(t, sc.Temporal)
	assert.Equal(t, 0, *sc.Temporal)
	assert.Nil(t, sc.Substream)

	sl := videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"slow_link","media":"video","current-bitrate":256000}}`, nil)).(*videocall.SlowLink)
	assert.Equal(t, "video", sl.Media)
	assert.Equal(t, 256000, sl.CurrentBitrate)
	sl = videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"slow_link","media":"audio"}}`, nil)).(*videocall.SlowLink)
	assert.Equal(t, "audio", sl.Media)
	assert.Zero(t, sl.CurrentBitrate)

	errEv := videocall.DecodeEvent(ev(`{"videocall":"event","error_code":478,"error":"Username 'x' doesn't exist"}`, nil)).(*core.PluginEvent)
	assert.ErrorIs(t, errEv.Err(), videocall.ErrNoSuchUsername)
	assert.IsType(t, &core.PluginEvent{}, videocall.DecodeEvent(ev(`{"videocall":"event"}`, nil)))
	assert.IsType(t, &core.PluginEvent{}, videocall.DecodeEvent(ev(`{"videocall":"event","result":{"event":"dancing"}}`, nil)))
	assert.IsType(t, &core.PluginEvent{}, videocall.DecodeEvent(ev(`{"videocall":"event","result":"ok"}`, nil)))
	assert.IsType(t, &core.PluginEvent{}, videocall.DecodeEvent(ev(`not json`, nil)))
}

func TestSetRequestJSON(t *testing.T) {
	b, err := json.Marshal(videocall.SetRequest{})
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(b))
	b, err = json.Marshal(videocall.SetRequest{Audio: core.Ptr(false), Bitrate: core.Ptr(0), Record: core.Ptr(true),
		Filename: "/tmp/x", Substream: core.Ptr(0), Temporal: core.Ptr(2), Fallback: core.Ptr(500000), Restart: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"audio":false,"bitrate":0,"record":true,"filename":"/tmp/x","substream":0,"temporal":2,"fallback":500000,"restart":true}`, string(b))
}

func ExampleHandle_Call() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		panic(err)
	}
	h, err := videocall.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	if _, err := h.Register(ctx, "alice"); err != nil {
		panic(err)
	}
	var offer *core.JSEP // from a core.Peer
	if _, err := h.Call(ctx, "bob", offer); errors.Is(err, videocall.ErrUserBusy) {
		fmt.Println("bob is busy")
		return
	} else if err != nil {
		panic(err)
	}
	for ev := range h.Events() {
		switch ev := ev.(type) {
		case *videocall.Accepted:
			_ = ev.JSEP // Janus's answer: give it to the Peer
		case *videocall.Hangup:
			fmt.Println("call over:", ev.Reason)
			return
		}
	}
}

func ExampleHandle_Accept() {
	var bob *videocall.Handle // attached and registered
	ctx := context.Background()
	for ev := range bob.Events() {
		if in, ok := ev.(*videocall.IncomingCall); ok {
			fmt.Println(in.Username, "is calling")
			var answer *core.JSEP // the Peer's answer to in.JSEP
			if _, err := bob.Accept(ctx, answer); err != nil {
				panic(err)
			}
		}
	}
}
