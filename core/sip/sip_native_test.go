//go:build !js

package sip_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/sippeer"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// attach attaches a SIP handle on a new session of c.
func attach(ctx context.Context, t *testing.T, c *core.Client) *sip.Handle {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Destroy(context.WithoutCancel(ctx)) })
	h, err := sip.Attach(ctx, s)
	require.NoError(t, err)
	require.Equal(t, sip.Plugin, h.Plugin())
	return h
}

// next waits for the next event of type T on h's stream, skipping core
// events and failing on other SIP events.
func next[T core.Event](ctx context.Context, t *testing.T, h *sip.Handle) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-h.Events():
			require.True(t, ok, "stream closed")
			if want, ok := ev.(T); ok {
				return want
			}
			if pe := core.PluginEventOf(ev); pe != nil {
				var zero T
				t.Fatalf("%T expected, got %T: %s", zero, ev, pe.Data)
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("no %T event", zero)
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
	assert.Equal(t, sip.Plugin, pe.Plugin)
	assert.NotEmpty(t, pe.Request, "the error names the request")
}

// TestRegisterAgainstKamailio registers SIP accounts at a real kamailio
// with digest authentication: a wrong password fails with a typed event,
// the right one (plain or pre-hashed) registers, guests and helpers need
// no REGISTER, and unregistering reaches the registrar.
func TestRegisterAgainstKamailio(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	reg := sippeer.Kamailio(t, "s3cret")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	alice := attach(ctx, t, c)
	aliceURI := "sip:alice@" + strings.Split(reg.Addr, ":")[0]

	// Requests that need a registration or a call.
	_, err = alice.Unregister(ctx)
	requireCode(t, err, sip.ErrWrongState)
	_, err = alice.Accept(ctx, nil)
	requireCode(t, err, sip.ErrWrongState)
	_, err = alice.Message(ctx, map[string]any{"request": "dance"})
	require.ErrorIs(t, err, sip.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "janus: sip: error 442: ")

	// Malformed registrations.
	_, err = alice.Register(ctx, sip.RegisterRequest{Username: "alice", Secret: "x", Proxy: reg.URI()})
	requireCode(t, err, sip.ErrInvalidAddress)
	assert.Contains(t, err.Error(), "janus: sip: register: error 446: ")
	_, err = alice.Register(ctx, sip.RegisterRequest{Username: aliceURI, Proxy: reg.URI()})
	requireCode(t, err, sip.ErrMissingElement)
	_, err = alice.Register(ctx, sip.RegisterRequest{Username: aliceURI, Secret: "a", HA1Secret: "b", Proxy: reg.URI()})
	requireCode(t, err, sip.ErrInvalidElement)

	// A wrong password: the registrar's 403 arrives typed.
	res, err := alice.Register(ctx, sip.RegisterRequest{Username: aliceURI, Secret: "wrong", Proxy: reg.URI()})
	require.NoError(t, err)
	assert.True(t, res.Sent)
	assert.Nil(t, res.Registered)
	failed := next[*sip.RegistrationFailed](ctx, t, alice)
	assert.Equal(t, 403, failed.Code)
	assert.Equal(t, "Wrong password", failed.Reason)

	// The right one registers.
	res, err = alice.Register(ctx, sip.RegisterRequest{Username: aliceURI, Secret: reg.Password, Proxy: reg.URI(), DisplayName: "Alice"})
	require.NoError(t, err)
	assert.True(t, res.Sent)
	registered := next[*sip.Registered](ctx, t, alice)
	assert.Equal(t, "alice", registered.Username)
	assert.True(t, registered.RegisterSent)
	assert.False(t, registered.Master.IsZero(), "a registered account can be a master")
	assert.Equal(t, core.Source{Session: alice.Session().ID(), Handle: alice.ID()}, registered.EventSource())
	_, err = alice.Register(ctx, sip.RegisterRequest{Username: aliceURI, Secret: reg.Password, Proxy: reg.URI()})
	requireCode(t, err, sip.ErrAlreadyRegistered)

	// Subscriptions: kamailio accepts the event package "gojanus" and
	// refuses the others.
	_, err = alice.Unsubscribe(ctx, "gojanus")
	requireCode(t, err, sip.ErrWrongState)
	_, err = alice.Subscribe(ctx, sip.SubscribeRequest{Event: "gojanus", To: "sip:alice@" + reg.Addr, SubscribeTTL: 60})
	require.NoError(t, err)
	sub := next[*sip.SubscribeSucceeded](ctx, t, alice)
	assert.Equal(t, 200, sub.Code)
	assert.Equal(t, 120, sub.Expires)
	_, err = alice.Unsubscribe(ctx, "gojanus")
	require.NoError(t, err)
	assert.Equal(t, sub.CallID, next[*sip.SubscribeSucceeded](ctx, t, alice).CallID, "the answer to the un-SUBSCRIBE")
	_, err = alice.Subscribe(ctx, sip.SubscribeRequest{Event: "presence", To: "sip:alice@" + reg.Addr})
	require.NoError(t, err)
	refused := next[*sip.SubscribeFailed](ctx, t, alice)
	assert.Equal(t, 489, refused.Code)
	assert.Equal(t, "Bad Event", refused.Reason)

	// A pre-hashed password: HA1 = MD5(user:realm:password).
	bob := attach(ctx, t, c)
	ha1 := md5.Sum([]byte("bob:" + sippeer.Realm + ":" + reg.Password))
	res, err = bob.Register(ctx, sip.RegisterRequest{Username: "sip:bob@127.0.0.1", HA1Secret: hex.EncodeToString(ha1[:]), Proxy: reg.URI()})
	require.NoError(t, err)
	assert.True(t, res.Sent)
	assert.True(t, next[*sip.Registered](ctx, t, bob).RegisterSent)

	// A MESSAGE outside a call goes through the registrar to bob.
	sent, err := alice.SendMessage(ctx, sip.MessageRequest{URI: "sip:bob@" + reg.Addr, Content: "hi bob", CallID: "gojanus-msg-1"})
	require.NoError(t, err)
	assert.Equal(t, "gojanus-msg-1", sent.CallID)
	msg := next[*sip.Message](ctx, t, bob)
	assert.Equal(t, "hi bob", msg.Content)
	assert.Equal(t, "text/plain", msg.ContentType)
	assert.Contains(t, msg.Sender, "alice")
	delivered := next[*sip.MessageDelivery](ctx, t, alice)
	assert.Equal(t, 200, delivered.Code)
	assert.Equal(t, "gojanus-msg-1", delivered.CallID)
	// To nobody: kamailio's 404 comes back as the delivery.
	_, err = alice.SendMessage(ctx, sip.MessageRequest{URI: "sip:nobody@" + reg.Addr, Content: "anyone?"})
	require.NoError(t, err)
	assert.Equal(t, 404, next[*sip.MessageDelivery](ctx, t, alice).Code)

	// A guest is ready at once, with no REGISTER.
	guest := attach(ctx, t, c)
	res, err = guest.Register(ctx, sip.RegisterRequest{Username: "sip:guest@127.0.0.1", Type: sip.Guest})
	require.NoError(t, err)
	require.NotNil(t, res.Registered)
	assert.False(t, res.Sent)
	assert.Equal(t, "guest", res.Registered.Username)
	assert.False(t, res.Registered.RegisterSent)

	// Helpers join a master's account; an unknown master is refused.
	helper := attach(ctx, t, c)
	_, err = helper.Register(ctx, sip.RegisterRequest{Username: aliceURI, Type: sip.Helper, Master: core.NumID(registered.Master.Num() + 1)})
	requireCode(t, err, sip.ErrHelper)
	res, err = helper.Register(ctx, sip.RegisterRequest{Username: aliceURI, Type: sip.Helper, Master: registered.Master})
	require.NoError(t, err)
	require.NotNil(t, res.Registered)
	assert.True(t, res.Registered.Helper)
	assert.Equal(t, registered.Master, res.Registered.Master)
	assert.Equal(t, "alice", res.Registered.Username)
	_, err = helper.Unregister(ctx)
	require.NoError(t, err)

	// Unregistering reaches the registrar.
	_, err = alice.Unregister(ctx)
	require.NoError(t, err)
	un := next[*sip.Unregistered](ctx, t, alice)
	assert.Equal(t, "alice", un.Username)
	log := reg.Log()
	assert.GreaterOrEqual(t, strings.Count(log, "sippeer: REGISTER"), 5, "REGISTERs at kamailio:\n%s", log)

	// Printing hides the secrets.
	req := sip.RegisterRequest{Username: aliceURI, Secret: reg.Password, HA1Secret: "abc"}
	for _, s := range []string{fmt.Sprint(req), fmt.Sprintf("%+v", req), fmt.Sprintf("%#v", req), fmt.Sprintf("%v", sip.CallRequest{URI: "sip:x@y", Secret: reg.Password})} {
		assert.NotContains(t, s, reg.Password)
		assert.NotContains(t, s, "abc")
	}
	assert.Equal(t, fmt.Sprintf("sip.Handle{id: %d, session: %d}", alice.ID(), alice.Session().ID()), fmt.Sprint(alice))
}

// TestNewerRequests checks the requests and options that came after
// Janus 1.1.2: refused with a *core.UnsupportedError by older servers
// before anything is sent, answered by newer ones.
func TestNewerRequests(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	h := attach(ctx, t, c)
	version := janustest.VersionNumber(t, srv.Version)
	off := false
	calls := []struct {
		name  string
		since int
		call  func() error
		// inCall is the error of the request outside a call, on a server
		// that has it.
		inCall *core.PluginError
	}{
		{"progress", 1301, func() error { _, err := h.Progress(ctx, nil); return err }, sip.ErrWrongState},
		{"keyframe", 1301, func() error { _, err := h.Keyframe(ctx, sip.KeyframeRequest{User: true}); return err }, sip.ErrWrongState},
		{"send_ringing", 1303, func() error { return h.SendRinging(ctx) }, sip.ErrWrongState},
		{"srtp_profile", 1400, func() error {
			_, err := h.Accept(ctx, nil, sip.AnswerRequest{SRTP: "sdes_optional", SRTPProfile: "AES_CM_128_HMAC_SHA1_32"})
			return err
		}, sip.ErrWrongState},
		{"rtp_forward", 1400, func() error {
			_, err := h.RTPForward(ctx, sip.RTPForwardRequest{Streams: []sip.ForwardStream{{Type: sip.ForwardPeerAudio, Host: "127.0.0.1", Port: 5004}}})
			return err
		}, sip.ErrWrongState},
		{"stop_rtp_forward", 1400, func() error { _, err := h.StopRTPForward(ctx, 12345); return err }, sip.ErrNoSuchStream},
		{"listforwarders", 1400, func() error {
			l, err := h.ListForwarders(ctx)
			assert.Empty(t, l)
			return err
		}, nil},
		{"subscribe content", 1400, func() error {
			_, err := h.Subscribe(ctx, sip.SubscribeRequest{Event: "gojanus", Content: "x", ContentType: "text/plain"})
			return err
		}, sip.ErrWrongState},
		{"automatic_ringing", 1303, func() error {
			_, err := h.Register(ctx, sip.RegisterRequest{Username: "sip:g@127.0.0.1", Type: sip.Guest, AutomaticRinging: &off})
			return err
		}, nil},
	}
	for _, tc := range calls {
		err := tc.call()
		if version < tc.since {
			require.ErrorIs(t, err, core.ErrUnsupported, tc.name)
			var ue *core.UnsupportedError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "sip "+tc.name, ue.Feature)
			assert.Equal(t, core.Version(tc.since), ue.Since)
			continue
		}
		if tc.inCall == nil {
			require.NoError(t, err, tc.name)
			continue
		}
		requireCode(t, err, tc.inCall)
	}
}
