package whip_test

import (
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/faultproxy"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/whip"
)

const (
	sdp  = whip.ContentTypeSDP
	frag = whip.ContentTypeFragment
)

// TestProtocol checks the protocol's answers against a real Janus, one
// edge at a time: statuses, headers, tokens, CORS, ETags, trickle, the
// server-offer flow and the errors of Janus mapped to statuses. No media
// flows here (see the media tests): the offers come from PeerConnections
// that never connect.
func TestProtocol(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	f := newFixture(t, srv.WSURL, whip.Options{
		ICEServers: []whip.ICEServer{{URLs: []string{"stun:stun.example.net"}},
			{URLs: []string{"turn:turn.example.net?transport=udp"}, Username: "u", Credential: "p"}},
		SetupTimeout: time.Minute,
	})
	room := f.room(t)
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	created, err := vh.Create(f.ctx, videoroom.CreateRequest{Pin: "1234"})
	require.NoError(t, err)
	pinned := created.Room
	mp, _ := f.mountpoint(t)
	require.NoError(t, f.h.Publish("/whip/room", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "alice"}}))
	require.NoError(t, f.h.Publish("/whip/token", whip.PublishEndpoint{Access: whip.Access{Token: "s3cret"}, Join: videoroom.JoinRequest{Room: room}}))
	require.NoError(t, f.h.Publish("/whip/byname", whip.PublishEndpoint{
		Access: whip.Access{Authorize: func(r *http.Request, token string) error {
			switch token {
			case "teapot":
				return &whip.Error{Status: http.StatusTeapot, Reason: "no coffee"}
			case "guest":
				return &whip.Error{Status: http.StatusForbidden, Reason: "guests may not publish"}
			}
			if token != "good" {
				return errors.New("unknown token")
			}
			return nil
		}},
		Request: func(r *http.Request, join *videoroom.JoinRequest, _ *videoroom.PublishRequest) error {
			join.Room, join.Display = room, r.URL.Query().Get("name")
			switch join.Display {
			case "":
				return &whip.Error{Status: http.StatusBadRequest, Reason: "name the publisher"}
			case "oops":
				return errors.New("a bug of the callback")
			}
			return nil
		}}))
	require.NoError(t, f.h.Publish("/whip/badid", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Participant: core.StrID("not-a-number")}}))
	require.NoError(t, f.h.Publish("/whip/pin", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: pinned, Pin: "wrong"}}))
	require.NoError(t, f.h.Publish("/whip/noroom", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: core.NumID(987654321)}}))
	require.NoError(t, f.h.Subscribe("/whep/room", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "alice"}}))
	require.NoError(t, f.h.Subscribe("/whep/bob", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "bob"}}))
	require.NoError(t, f.h.Watch("/whep/mp", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: mp}}))
	require.NoError(t, f.h.Watch("/whep/nomp", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: core.NumID(987654321)}}))
	assert.Error(t, f.h.Publish("/whip/room", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room}}), "registered twice")
	assert.Error(t, f.h.Publish("/whip/none", whip.PublishEndpoint{}), "no room")
	assert.Error(t, f.h.Watch("whep", whip.WatchEndpoint{Watch: streaming.WatchRequest{Mountpoint: mp}}), "relative path")

	offer := offerOnly(t, false)
	status := func(r reply, want int) {
		t.Helper()
		assert.Equal(t, want, r.Status, "body: %s", r.Body)
		assert.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"), "CORS on every answer")
	}

	t.Run("routing", func(t *testing.T) {
		status(f.do(t, "POST", "/nowhere", sdp, offer), http.StatusNotFound)
		status(f.do(t, "DELETE", "/whip/room/0123", "", ""), http.StatusNotFound)
		r := f.do(t, "GET", "/whip/room", "", "")
		status(r, http.StatusMethodNotAllowed)
		assert.Equal(t, "POST, OPTIONS", r.Header.Get("Allow"))
		status(f.do(t, "OST", "/whip/room", sdp, offer), http.StatusMethodNotAllowed)
	})

	t.Run("bodies", func(t *testing.T) {
		status(f.do(t, "POST", "/whip/room", "text/plain", offer), http.StatusUnsupportedMediaType)
		status(f.do(t, "POST", "/whip/room", "", offer), http.StatusUnsupportedMediaType)
		status(f.do(t, "POST", "/whip/room", sdp, ""), http.StatusBadRequest)
		status(f.do(t, "POST", "/whip/room", sdp, "hello"), http.StatusUnprocessableEntity)
		status(f.do(t, "POST", "/whip/room", sdp, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"), http.StatusUnprocessableEntity)
		// An SDP that looks right but that Janus refuses.
		bad := strings.Replace(offer, "a=fingerprint:", "a=nofingerprint:", -1)
		r := f.do(t, "POST", "/whip/room", sdp, bad)
		status(r, http.StatusUnprocessableEntity)
		assert.Contains(t, r.Body, "465", "Janus's reason")
		assert.Equal(t, 0, f.h.Len(), "no resource left by failed POSTs")
	})

	t.Run("janus errors", func(t *testing.T) {
		r := f.do(t, "POST", "/whip/noroom", sdp, offer)
		status(r, http.StatusNotFound)
		assert.Contains(t, r.Body, "426", "the plugin's reason")
		status(f.do(t, "POST", "/whep/nomp", "", ""), http.StatusNotFound)
		r = f.do(t, "POST", "/whip/pin", sdp, offer)
		status(r, http.StatusForbidden)
		assert.Empty(t, r.Header.Get("WWW-Authenticate"), "a refused PIN is no authentication failure")
		t.Logf("wrong room pin: %s", strings.TrimSpace(r.Body))
		r = f.do(t, "POST", "/whip/badid", sdp, offer)
		status(r, http.StatusBadGateway)
		t.Logf("a join Janus refuses: %s", strings.TrimSpace(r.Body))
		status(f.do(t, "POST", "/whep/bob", "", ""), http.StatusNotFound)
		r = f.do(t, "POST", "/whep/room", sdp, offerOnly(t, true))
		status(r, http.StatusNotAcceptable)
		assert.Contains(t, r.Body, "POST without a body")
	})

	t.Run("tokens", func(t *testing.T) {
		// RFC 9725 and RFC 6750: no token or a wrong one is 401 with a
		// Bearer challenge; a wrong one says invalid_token.
		r := f.do(t, "POST", "/whip/token", sdp, offer)
		status(r, http.StatusUnauthorized)
		assert.Equal(t, `Bearer realm="gojanus"`, r.Header.Get("WWW-Authenticate"))
		r = f.do(t, "POST", "/whip/token", sdp, offer, "Authorization", "Bearer wrong")
		status(r, http.StatusUnauthorized)
		assert.Equal(t, `Bearer realm="gojanus", error="invalid_token"`, r.Header.Get("WWW-Authenticate"))
		status(f.do(t, "POST", "/whip/token", sdp, offer, "Authorization", "Basic s3cret"), http.StatusUnauthorized)
		r = f.do(t, "POST", "/whip/token", sdp, offer, "Authorization", "Bearer s3cret")
		loc := f.location(t, r)
		// The resource needs the token too.
		status(f.do(t, "DELETE", loc, "", ""), http.StatusUnauthorized)
		status(f.do(t, "DELETE", loc, "", "", "Authorization", "Bearer wrong"), http.StatusUnauthorized)
		status(f.do(t, "DELETE", loc, "", "", "Authorization", "Bearer s3cret"), http.StatusOK)

		r = f.do(t, "POST", "/whip/byname?name=carol", sdp, offer, "Authorization", "Bearer bad")
		status(r, http.StatusUnauthorized)
		assert.Contains(t, r.Header.Get("WWW-Authenticate"), `error="invalid_token"`)
		// An Authorize that knows the client but does not allow it.
		r = f.do(t, "POST", "/whip/byname?name=carol", sdp, offer, "Authorization", "Bearer guest")
		status(r, http.StatusForbidden)
		assert.Empty(t, r.Header.Get("WWW-Authenticate"))
		status(f.do(t, "POST", "/whip/byname?name=carol", sdp, offer, "Authorization", "Bearer teapot"), http.StatusTeapot)
		status(f.do(t, "POST", "/whip/byname", sdp, offer, "Authorization", "Bearer good"), http.StatusBadRequest)
		status(f.do(t, "POST", "/whip/byname?name=oops", sdp, offer, "Authorization", "Bearer good"), http.StatusInternalServerError)
		loc = f.location(t, f.do(t, "POST", "/whip/byname?name=carol", sdp, offer, "Authorization", "Bearer good"))
		vh, err := videoroom.Attach(f.ctx, f.admin)
		require.NoError(t, err)
		ps, err := vh.ListParticipants(f.ctx, room)
		require.NoError(t, err)
		assert.True(t, func() bool {
			for _, p := range ps {
				if p.Display == "carol" {
					return true
				}
			}
			return false
		}(), "carol joined the room from the query: %+v", ps)
		status(f.do(t, "DELETE", loc, "", "", "Authorization", "Bearer good"), http.StatusOK)
	})

	t.Run("cors", func(t *testing.T) {
		r := f.do(t, "OPTIONS", "/whip/token", "", "", "Origin", "https://example.org",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
		status(r, http.StatusNoContent)
		assert.Equal(t, "POST, OPTIONS", r.Header.Get("Access-Control-Allow-Methods"))
		for _, h := range []string{"Authorization", "Content-Type", "If-Match"} {
			assert.Contains(t, r.Header.Get("Access-Control-Allow-Headers"), h)
		}
		for _, h := range []string{"Location", "ETag", "Link"} {
			assert.Contains(t, r.Header.Get("Access-Control-Expose-Headers"), h)
		}
		assert.Empty(t, r.Header.Values("Link"), "no ICE servers for a preflight")
		// The preflight of a request on a resource that is gone succeeds:
		// the page then reads the request's own 404, not a CORS failure.
		r = f.do(t, "OPTIONS", "/whip/token/0123", "", "", "Origin", "https://example.org",
			"Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization, content-type, if-match")
		status(r, http.StatusNoContent)
		assert.Equal(t, "PATCH, DELETE, OPTIONS", r.Header.Get("Access-Control-Allow-Methods"))
		assert.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))
		status(f.do(t, "OPTIONS", "/whip/token/0123", "", ""), http.StatusNotFound)
		status(f.do(t, "OPTIONS", "/nowhere/0123", "", "", "Access-Control-Request-Method", "PATCH"), http.StatusNotFound)
		// A client's own OPTIONS with its token learns the ICE servers.
		r = f.do(t, "OPTIONS", "/whip/token", "", "", "Authorization", "Bearer s3cret")
		status(r, http.StatusNoContent)
		assert.Len(t, r.Header.Values("Link"), 2)
		assert.Equal(t, sdp, r.Header.Get("Accept-Post"))
	})

	t.Run("resource", func(t *testing.T) {
		r := f.do(t, "POST", "/whip/room", sdp, offer)
		loc := f.location(t, r)
		assert.True(t, strings.HasPrefix(loc, "/whip/room/"), loc)
		assert.Equal(t, sdp, r.Header.Get("Content-Type"))
		assert.True(t, strings.HasPrefix(r.Body, "v=0"), "an SDP answer: %s", r.Body)
		assert.Equal(t, frag, r.Header.Get("Accept-Patch"))
		etag := r.Header.Get("ETag")
		require.NotEmpty(t, etag)
		assert.Equal(t, []string{`<stun:stun.example.net>; rel="ice-server"`,
			`<turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"`},
			r.Header.Values("Link"))
		assert.Equal(t, 1, f.h.Len())

		ufrag, pwd := sdpAttr(offer, "ice-ufrag"), sdpAttr(offer, "ice-pwd")
		mid := sdpAttr(offer, "mid")
		cand := "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + mid +
			"\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n"
		status(f.do(t, "PATCH", loc, frag, cand), http.StatusNoContent)
		status(f.do(t, "PATCH", loc, frag, cand, "If-Match", etag), http.StatusNoContent)
		status(f.do(t, "PATCH", loc, frag, "m=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:"+mid+"\r\na=end-of-candidates\r\n", "If-Match", "*"), http.StatusNoContent)
		status(f.do(t, "PATCH", loc, frag, cand, "If-Match", `"stale"`), http.StatusPreconditionFailed)
		status(f.do(t, "PATCH", loc, "text/plain", cand), http.StatusUnsupportedMediaType)
		status(f.do(t, "PATCH", loc, frag, "m=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:nosuchmid\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n"), http.StatusBadRequest)
		status(f.do(t, "PATCH", loc, frag, "hello"), http.StatusBadRequest)
		status(f.do(t, "PATCH", loc, sdp, offer), http.StatusConflict)
		// New credentials are an ICE restart, which needs If-Match.
		restart := "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef0123456789\r\n"
		status(f.do(t, "PATCH", loc, frag, restart), http.StatusPreconditionRequired)
		status(f.do(t, "POST", loc, sdp, offer), http.StatusMethodNotAllowed)

		status(f.do(t, "DELETE", loc, "", ""), http.StatusOK)
		status(f.do(t, "DELETE", loc, "", ""), http.StatusNotFound)
		status(f.do(t, "PATCH", loc, frag, cand), http.StatusNotFound)
		assert.Equal(t, 0, f.h.Len())
	})

	t.Run("server offer", func(t *testing.T) {
		r := f.do(t, "POST", "/whep/mp", "", "")
		loc := f.location(t, r)
		assert.Contains(t, r.Body, "a=sendonly", "Janus's offer: %s", r.Body)
		// A trickle before the answer is a conflict.
		status(f.do(t, "PATCH", loc, frag, "a=end-of-candidates\r\n"), http.StatusConflict)
		status(f.do(t, "PATCH", loc, sdp, "v=0\r\n"), http.StatusUnprocessableEntity)
		status(f.do(t, "DELETE", loc, "", ""), http.StatusOK)
	})

	t.Run("client offer to streaming", func(t *testing.T) {
		r := f.do(t, "POST", "/whep/mp", sdp, offerOnly(t, true))
		if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
			status(r, http.StatusNotAcceptable)
			assert.Contains(t, r.Body, "1.1.4", "the version it needs: %s", r.Body)
			return
		}
		loc := f.location(t, r)
		assert.Contains(t, r.Body, "a=sendonly", "Janus's answer: %s", r.Body)
		status(f.do(t, "PATCH", loc, frag, "a=ice-ufrag:x\r\na=ice-pwd:0123456789abcdef0123456789\r\n", "If-Match", "*"), http.StatusUnprocessableEntity)
		status(f.do(t, "DELETE", loc, "", ""), http.StatusOK)
	})

	t.Run("janus gone", func(t *testing.T) {
		r := f.do(t, "POST", "/whip/room", sdp, offer)
		loc := f.location(t, r)
		require.NoError(t, f.c.Close())
		// The session ended with the client: the resource goes.
		require.Eventually(t, func() bool { return f.h.Len() == 0 }, 10*time.Second, 10*time.Millisecond)
		status(f.do(t, "DELETE", loc, "", ""), http.StatusNotFound)
		r = f.do(t, "POST", "/whip/room", sdp, offer)
		status(r, http.StatusServiceUnavailable)
		t.Logf("POST with the client closed: %d %s", r.Status, r.Body)
	})
}

// TestReapNeverConnected: a resource whose PeerConnection never comes
// up is torn down after SetupTimeout, and its participant leaves the
// room.
func TestReapNeverConnected(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	logs := &logRecorder{}
	f := newFixture(t, srv.WSURL, whip.Options{SetupTimeout: time.Second, Logger: slog.New(logs)})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "ghost"}}))
	loc := f.location(t, f.do(t, "POST", "/whip", sdp, offerOnly(t, false)))
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	ps, err := vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	require.Len(t, ps, 1, "the publisher joined")
	id := path.Base(loc)
	// The line is logged once the teardown is done.
	assert.Equal(t, "setup timeout", logs.waitLog(t, "whip: resource ended", "resource", id)["reason"])
	assert.Equal(t, 0, f.h.Len())
	assert.Equal(t, http.StatusNotFound, f.do(t, "DELETE", loc, "", "").Status)
	ps, err = vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	assert.Empty(t, ps, "the reaped publisher left the room")
	assert.Equal(t, "ghost", logs.find("whip: resource created", "resource", id)["display"])

	// A DELETE says so.
	loc = f.location(t, f.do(t, "POST", "/whip", sdp, offerOnly(t, false)))
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").Status)
	assert.Equal(t, "DELETE", logs.find("whip: resource ended", "resource", path.Base(loc))["reason"])
}

// TestJanusRestart: Janus dies; the resources on it go (their sessions
// are gone: the client's claim after its reconnect fails), POSTs fail
// with 503 while Janus is down, and work again once a new Janus runs on
// the same ports and the client has reconnected.
func TestJanusRestart(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	f := newFixture(t, srv.WSURL, whip.Options{SetupTimeout: time.Minute, RequestTimeout: 3 * time.Second},
		core.WithReconnect(core.ReconnectPolicy{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}))
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room}}))
	offer := offerOnly(t, false)
	loc := f.location(t, f.do(t, "POST", "/whip", sdp, offer))

	srv.Kill()
	<-srv.Done()
	require.Eventually(t, func() bool { return f.c.State() == core.StateReconnecting }, 10*time.Second, 10*time.Millisecond)
	r := f.do(t, "POST", "/whip", sdp, offer)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, "POST while Janus is down: %s", r.Body)
	t.Logf("POST while Janus is down: %d %s", r.Status, strings.TrimSpace(r.Body))

	janustest.RestartOnPorts(t, srv, janusserver.Options{})
	require.Eventually(t, func() bool { return f.c.State() == core.StateConnected }, 30*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return f.h.Len() == 0 }, 30*time.Second, 20*time.Millisecond, "the resource of the dead Janus went")
	assert.Equal(t, http.StatusNotFound, f.do(t, "DELETE", loc, "", "").Status)

	// A new room on the new Janus, and a POST into it.
	s, err := f.c.CreateSession(f.ctx)
	require.NoError(t, err)
	f.admin = s
	room2 := f.room(t)
	require.NoError(t, f.h.Publish("/whip2", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room2}}))
	loc = f.location(t, f.do(t, "POST", "/whip2", sdp, offer))
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").Status)
}

// TestReconnectKeepsResources: the connection to Janus stalls (POSTs
// answer 504 after RequestTimeout) and then drops; the client reconnects
// and claims the sessions (reclaim_session_timeout), and the resources
// made before live on: a trickle PATCH reaches Janus, DELETE leaves the
// room. New POSTs work again.
func TestReconnectKeepsResources(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{ReclaimSessionTimeout: 30})
	proxy, err := faultproxy.New(strings.TrimPrefix(srv.WSURL, "ws://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })
	f := newFixture(t, "ws://"+proxy.Addr(), whip.Options{SetupTimeout: time.Minute, RequestTimeout: 3 * time.Second},
		core.WithReconnect(core.ReconnectPolicy{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}))
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "survivor"}}))
	offer := offerOnly(t, false)
	r := f.do(t, "POST", "/whip", sdp, offer)
	loc := f.location(t, r)

	proxy.Stall()
	r = f.do(t, "POST", "/whip", sdp, offer)
	assert.Equal(t, http.StatusGatewayTimeout, r.Status, "POST while Janus does not answer: %s", r.Body)
	t.Logf("POST while the connection stalls: %d %s", r.Status, strings.TrimSpace(r.Body))
	proxy.Resume()

	accepted := proxy.Accepted()
	proxy.Cut()
	require.Eventually(t, func() bool { return proxy.Accepted() > accepted && f.c.State() == core.StateConnected },
		30*time.Second, 10*time.Millisecond, "reconnected")
	assert.Equal(t, 1, f.h.Len(), "the resource lives on")
	mid := sdpAttr(offer, "mid")
	r = f.do(t, "PATCH", loc, frag, "m=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:"+mid+"\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n")
	assert.Equal(t, http.StatusNoContent, r.Status, "trickle on the claimed session: %s", r.Body)

	loc2 := f.location(t, f.do(t, "POST", "/whip", sdp, offer))
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc, "", "").Status)
	assert.Equal(t, http.StatusOK, f.do(t, "DELETE", loc2, "", "").Status)
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	ps, err := vh.ListParticipants(f.ctx, room)
	require.NoError(t, err)
	assert.Empty(t, ps, "both publishers left")
}
