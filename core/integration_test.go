package core_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

const (
	echoTest  = "janus.plugin.echotest"
	videoRoom = "janus.plugin.videoroom"
)

// transports lists the ways to reach a server, for table-driven tests.
func transports(srv *janusserver.Server) []struct{ name, url string } {
	return []struct{ name, url string }{{"ws", srv.WSURL}, {"http", srv.HTTPURL}}
}

func forEachTransport(t *testing.T, opts janusserver.Options, fn func(t *testing.T, srv *janusserver.Server, url string)) {
	srv := janustest.Start(t, opts)
	for _, tr := range transports(srv) {
		t.Run(tr.name, func(t *testing.T) { fn(t, srv, tr.url) })
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, url string, opts ...core.Option) *core.Client {
	t.Helper()
	c, err := core.Dial(ctxT(t), url, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func dialAdmin(t *testing.T, url, secret string) *core.Admin {
	t.Helper()
	a, err := core.DialAdmin(ctxT(t), url, core.WithAdminSecret(secret))
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func recvEvent(t *testing.T, ch <-chan core.Event, timeout time.Duration) core.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "event stream closed")
		return ev
	case <-time.After(timeout):
		t.Fatalf("no event within %v", timeout)
		return nil
	}
}

func TestRealInfo(t *testing.T) {
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		c := dial(t, url)
		info, err := c.Info(ctxT(t))
		require.NoError(t, err)
		t.Logf("server %s %s over %s", info.Name, info.VersionString, url)
		assert.Equal(t, srv.Version, info.VersionString)
		janustest.CheckVersion(t, srv, info.VersionString)
		assert.Equal(t, janustest.VersionNumber(t, srv.Version), info.Version)
		v, err := c.ServerVersion(ctxT(t))
		require.NoError(t, err)
		assert.Equal(t, srv.Version, v.String())
		for _, p := range []string{videoRoom, echoTest, "janus.plugin.streaming", "janus.plugin.audiobridge", "janus.plugin.textroom", "janus.plugin.videocall", "janus.plugin.sip", "janus.plugin.nosip", "janus.plugin.recordplay"} {
			assert.True(t, info.HasPlugin(p), p)
		}
		assert.False(t, info.HasPlugin("janus.plugin.voicemail"))
		assert.Contains(t, info.Transports, "janus.transport.websockets")
		assert.Equal(t, 60, info.SessionTimeout)
		assert.NotEmpty(t, info.Raw)
	})
}

func TestRealSessionHandleMessageDetachDestroy(t *testing.T) {
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		c := dial(t, url)
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		assert.NotZero(t, s.ID())

		// Synchronous request: VideoRoom list answers "success".
		vr, err := s.Attach(ctx, videoRoom, core.WithOpaqueID("it-"+t.Name()))
		require.NoError(t, err)
		res, err := vr.Message(ctx, map[string]any{"request": "list"})
		require.NoError(t, err)
		assert.False(t, res.Async)
		assert.Equal(t, videoRoom, res.Plugin)
		var list struct {
			VideoRoom string `json:"videoroom"`
			List      []struct {
				Room        uint64 `json:"room"`
				Description string `json:"description"`
			} `json:"list"`
		}
		require.NoError(t, res.Decode(&list))
		assert.Equal(t, "success", list.VideoRoom)
		require.NotEmpty(t, list.List, "the config's demo room 1234")

		// Asynchronous request: EchoTest answers ack + event.
		et, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		res, err = et.Message(ctx, map[string]any{"audio": true, "video": false})
		require.NoError(t, err)
		assert.True(t, res.Async)
		assert.JSONEq(t, `{"echotest":"event","result":"ok"}`, string(res.Data))

		// Post returns on the ack; the event arrives on the stream.
		_, err = et.Post(ctx, map[string]any{"bitrate": 128000})
		require.NoError(t, err)
		pe, ok := recvEvent(t, et.Events(), 5*time.Second).(*core.PluginEvent)
		require.True(t, ok)
		assert.Equal(t, echoTest, pe.Plugin)

		// A plugin error is typed.
		_, err = vr.Message(ctx, map[string]any{"request": "exists"})
		var perr *core.PluginError
		require.ErrorAs(t, err, &perr)
		assert.Equal(t, videoRoom, perr.Plugin)
		assert.NotZero(t, perr.Code)

		// Detach: the stream ends with Detached.
		require.NoError(t, et.Detach(ctx))
		var last core.Event
		for ev := range et.Events() {
			last = ev
		}
		assert.IsType(t, &core.Detached{}, last)
		assert.NoError(t, et.Err())
		assert.Nil(t, s.Handle(et.ID()))

		require.NoError(t, s.Destroy(ctx))
		<-s.Done()
		assert.NoError(t, s.Err())
		assert.ErrorIs(t, vr.Err(), core.ErrSessionDestroyed)
		assert.Empty(t, c.Sessions())
	})
}

func TestRealJSEPTrickleAndHangup(t *testing.T) {
	offer, err := os.ReadFile("../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		c := dial(t, url)
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		res, err := h.Message(ctx, map[string]any{"audio": true}, core.WithJSEP(&core.JSEP{Type: "offer", SDP: string(offer)}))
		require.NoError(t, err)
		require.NotNil(t, res.JSEP, "EchoTest answers an offer")
		assert.Equal(t, "answer", res.JSEP.Type)
		assert.Contains(t, res.JSEP.SDP, "m=audio")

		require.NoError(t, h.Trickle(ctx, core.Candidate{
			Candidate: "candidate:1 1 udp 2130706431 192.0.2.1 40000 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)}))
		require.NoError(t, h.TrickleBatch(ctx, []core.Candidate{
			{Candidate: "candidate:2 1 udp 2130706430 192.0.2.1 40001 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)},
			{Candidate: "candidate:3 1 udp 2130706429 192.0.2.1 40002 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)},
		}))
		require.NoError(t, h.TrickleCompleted(ctx))

		require.NoError(t, h.Hangup(ctx))
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ev := <-h.Events():
				if hu, ok := ev.(*core.Hangup); ok {
					assert.NotEmpty(t, hu.Reason)
					return
				}
			case <-deadline:
				t.Fatal("no hangup event")
			}
		}
	})
}

func TestRealManySessionsAndHandlesConcurrently(t *testing.T) {
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		c := dial(t, url)
		const sessions, handles = 12, 4
		var wg sync.WaitGroup
		errs := make(chan error, sessions)
		for range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- oneSessionWorkload(ctxT(t), c, handles)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
		assert.Empty(t, c.Sessions())
	})
}

func oneSessionWorkload(ctx context.Context, c *core.Client, handles int) error {
	s, err := c.CreateSession(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, handles)
	for i := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plugin := echoTest
			if i%2 == 0 {
				plugin = videoRoom
			}
			h, err := s.Attach(ctx, plugin)
			if err != nil {
				errs <- err
				return
			}
			for range 3 {
				body := map[string]any{"request": "list"}
				if plugin == echoTest {
					body = map[string]any{"audio": true}
				}
				if _, err := h.Message(ctx, body); err != nil {
					errs <- fmt.Errorf("%s: %w", plugin, err)
					return
				}
			}
			errs <- h.Detach(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return s.Destroy(ctx)
}

func TestRealKeepaliveAndSessionTimeout(t *testing.T) {
	forEachTransport(t, janusserver.Options{SessionTimeout: 2}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		// With keepalives every 500 ms a session outlives the timeout.
		alive := dial(t, url, core.WithKeepalive(500*time.Millisecond))
		ks, err := alive.CreateSession(ctx)
		require.NoError(t, err)

		// Without keepalives the server expires a session. This one is
		// younger than the kept-alive one: had that one been idle too, it
		// would have expired no later than this one.
		idle := dial(t, url, core.WithKeepalive(0))
		s, err := idle.CreateSession(ctx)
		require.NoError(t, err)
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)

		// Both transports report the expiry alike: a Timeout event, then
		// the session ends with ErrSessionTimeout. Over HTTP the timeout
		// event reaches a poll that is waiting; when the poll before it
		// has just returned (with the handle's detached event), Janus
		// drops the event with the session's queue and the next poll gets
		// 404, which the transport passes on as the timeout it was. (That
		// race made this test fail about once in 15 runs beside two busy
		// CPUs, with no event within 10 s.)
		ev := recvEvent(t, s.Events(), 10*time.Second)
		assert.Equal(t, &core.Timeout{Source: core.Source{Session: s.ID()}}, ev)
		<-s.Done()
		<-h.Done()
		assert.Equal(t, core.ErrSessionTimeout, s.Err())
		// Janus may detach the handle (a detached event) before it sends
		// the session's timeout; either way the handle has ended.
		if err := h.Err(); err != nil {
			assert.ErrorIs(t, err, core.ErrSessionTimeout)
		}

		// The kept-alive session is still usable after the younger idle
		// one expired.
		select {
		case <-ks.Done():
			t.Fatalf("the kept-alive session ended: %v", ks.Err())
		default:
		}
		_, err = ks.Attach(ctx, echoTest)
		require.NoError(t, err)
		require.NoError(t, ks.Destroy(ctx))
	})
}

func TestRealAPISecret(t *testing.T) {
	forEachTransport(t, janusserver.Options{APISecret: "it-api-secret"}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		// No secret: 403.
		_, err := dial(t, url).CreateSession(ctx)
		require.ErrorIs(t, err, core.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "it-api-secret")
		// Wrong secret: 403.
		_, err = dial(t, url, core.WithAPISecret("not-it-xyz")).CreateSession(ctx)
		require.ErrorIs(t, err, core.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "not-it-xyz")

		// Per request: the session keeps the secret for all its requests
		// (and, over HTTP, for its event polls).
		c := dial(t, url)
		s, err := c.CreateSession(ctx, core.WithCallAPISecret("it-api-secret"))
		require.NoError(t, err)
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		_, err = h.Post(ctx, map[string]any{"audio": true})
		require.NoError(t, err)
		assert.IsType(t, &core.PluginEvent{}, recvEvent(t, h.Events(), 5*time.Second))
		require.NoError(t, s.Keepalive(ctx))
		require.NoError(t, s.Destroy(ctx))

		// Per client.
		c = dial(t, url, core.WithAPISecret("it-api-secret"))
		s, err = c.CreateSession(ctx)
		require.NoError(t, err)
		require.NoError(t, s.Destroy(ctx))
	})
}

func TestRealTokenAuth(t *testing.T) {
	forEachTransport(t, janusserver.Options{TokenAuth: true}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		admin := dialAdmin(t, srv.AdminWSURL, srv.AdminSecret)
		token := "tok-" + t.Name()
		plugins, err := admin.AddToken(ctx, token, echoTest)
		require.NoError(t, err)
		assert.Equal(t, []string{echoTest}, plugins)
		tokens, err := admin.ListTokens(ctx)
		require.NoError(t, err)
		assert.Contains(t, tokens, core.TokenInfo{Token: token, AllowedPlugins: []string{echoTest}})

		_, err = dial(t, url).CreateSession(ctx)
		require.ErrorIs(t, err, core.ErrUnauthorized)

		c := dial(t, url, core.WithToken(token))
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		_, err = s.Attach(ctx, videoRoom)
		require.ErrorIs(t, err, core.ErrUnauthorizedPlugin, "token not allowed for videoroom")
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		_, err = h.Message(ctx, map[string]any{"audio": true})
		require.NoError(t, err)

		// Per-request token on another client.
		s2, err := dial(t, url).CreateSession(ctx, core.WithCallToken(token))
		require.NoError(t, err)
		require.NoError(t, s2.Destroy(ctx))

		require.NoError(t, admin.RemoveToken(ctx, token))
		_, err = c.CreateSession(ctx)
		require.ErrorIs(t, err, core.ErrUnauthorized)
		// Janus 1.1.2 answers 490 (not 470) for a token it does not know.
		require.ErrorIs(t, admin.RemoveToken(ctx, token), core.ErrUnknown)
	})
}

func TestRealWrongInput(t *testing.T) {
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		c := dial(t, url)
		// Unknown session.
		_, err := c.ClaimSession(ctx, 123456789)
		require.ErrorIs(t, err, core.ErrSessionNotFound)
		var je *core.Error
		require.ErrorAs(t, err, &je)
		assert.Equal(t, 458, je.Code)
		assert.NotEmpty(t, je.Reason)

		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		// Unknown plugin.
		_, err = s.Attach(ctx, "janus.plugin.nope")
		require.ErrorIs(t, err, core.ErrPluginNotFound)
		// Unknown handle: a detached handle no longer exists.
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		require.NoError(t, h.Detach(ctx))
		_, err = h.Message(ctx, map[string]any{"audio": true})
		require.ErrorIs(t, err, core.ErrHandleNotFound)
		// A destroyed session no longer exists.
		require.NoError(t, s.Destroy(ctx))
		require.ErrorIs(t, s.Destroy(ctx), core.ErrSessionNotFound)
		_, err = s.Attach(ctx, echoTest)
		require.ErrorIs(t, err, core.ErrSessionNotFound)
	})
}

func TestRealClaimAfterReconnect(t *testing.T) {
	forEachTransport(t, janusserver.Options{ReclaimSessionTimeout: 20}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		first, err := core.Dial(ctx, url)
		require.NoError(t, err)
		s, err := first.CreateSession(ctx)
		require.NoError(t, err)
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		sid, hid := s.ID(), h.ID()
		require.NoError(t, first.Close())
		assert.ErrorIs(t, s.Err(), core.ErrClosed)

		second := dial(t, url)
		claimed, err := second.ClaimSession(ctx, sid)
		require.NoError(t, err)
		assert.Equal(t, sid, claimed.ID())
		h2 := claimed.AdoptHandle(hid, echoTest)
		res, err := h2.Message(ctx, map[string]any{"audio": true})
		require.NoError(t, err)
		assert.True(t, res.Async)
		require.NoError(t, claimed.Destroy(ctx))
	})
}

func TestRealReadLimit(t *testing.T) {
	forEachTransport(t, janusserver.Options{}, func(t *testing.T, srv *janusserver.Server, url string) {
		// Info is several kB. Over HTTP, Dial already reads it.
		c, err := core.Dial(ctxT(t), url, core.WithReadLimit(256))
		if err == nil {
			defer c.Close()
			_, err = c.Info(ctxT(t))
		}
		require.Error(t, err)
		assert.ErrorIs(t, err, transport.ErrFrameTooLarge)
	})
}

func TestRealAdmin(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for _, tr := range []struct{ name, url string }{{"ws", srv.AdminWSURL}, {"http", srv.AdminHTTPURL}} {
		t.Run(tr.name, func(t *testing.T) {
			ctx := ctxT(t)
			admin := dialAdmin(t, tr.url, srv.AdminSecret)
			require.NoError(t, admin.Ping(ctx))
			info, err := admin.Info(ctx)
			require.NoError(t, err)
			janustest.CheckVersion(t, srv, info.VersionString)
			st, err := admin.GetStatus(ctx)
			require.NoError(t, err)
			assert.Equal(t, 60, st.SessionTimeout)
			assert.NotEmpty(t, st.Raw)

			c := dial(t, srv.WSURL)
			s, err := c.CreateSession(ctx)
			require.NoError(t, err)
			h, err := s.Attach(ctx, echoTest, core.WithOpaqueID("admin-check"))
			require.NoError(t, err)

			sessions, err := admin.ListSessions(ctx)
			require.NoError(t, err)
			assert.Contains(t, sessions, s.ID())
			handles, err := admin.ListHandles(ctx, s.ID())
			require.NoError(t, err)
			assert.Equal(t, []uint64{h.ID()}, handles)
			hi, err := admin.HandleInfo(ctx, s.ID(), h.ID())
			require.NoError(t, err)
			assert.Equal(t, echoTest, hi.Plugin)
			assert.Equal(t, "admin-check", hi.OpaqueID)
			assert.Equal(t, s.ID(), hi.SessionID)
			assert.Equal(t, h.ID(), hi.HandleID)

			require.NoError(t, admin.SetLogLevel(ctx, 5))
			require.NoError(t, admin.SetSessionTimeout(ctx, 90))
			st, err = admin.GetStatus(ctx)
			require.NoError(t, err)
			assert.Equal(t, 90, st.SessionTimeout)
			assert.Equal(t, 5, st.LogLevel)
			require.NoError(t, admin.SetSessionTimeout(ctx, 60))
			require.NoError(t, admin.SetLogLevel(ctx, 4))

			raw, err := admin.Request(ctx, "accept_new_sessions", map[string]any{"accept": true})
			require.NoError(t, err)
			assert.Contains(t, string(raw), `"success"`)
			_, err = admin.Request(ctx, "no_such_admin_request", nil)
			require.ErrorIs(t, err, core.ErrInvalidRequestPath, "Janus answers 457 for unknown admin requests")
			_, err = admin.ListHandles(ctx, 987654321)
			require.ErrorIs(t, err, core.ErrSessionNotFound)

			require.NoError(t, s.Destroy(ctx))
		})
	}
	t.Run("bad secret", func(t *testing.T) {
		admin := dialAdmin(t, srv.AdminWSURL, "not-the-secret")
		_, err := admin.ListSessions(ctxT(t))
		require.ErrorIs(t, err, core.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "not-the-secret")
	})
}

func TestRealDialErrors(t *testing.T) {
	ctx := ctxT(t)
	_, err := core.Dial(ctx, "ftp://127.0.0.1:1")
	require.ErrorIs(t, err, core.ErrBadURL)
	assert.Contains(t, err.Error(), "unsupported URL scheme")
	_, err = core.Dial(ctx, "127.0.0.1:8188")
	require.ErrorIs(t, err, core.ErrBadURL)
	assert.Contains(t, err.Error(), "no scheme")
	port := deadPort(t) // not 1: fetch refuses some low ports outright
	_, err = core.Dial(ctx, "ws://127.0.0.1:"+port)
	require.Error(t, err)
	// HTTP checks the endpoint on Dial.
	_, err = core.Dial(ctx, "http://127.0.0.1:"+port+"/janus")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	require.False(t, errors.Is(err, core.ErrTimeout))
}

// TestRealDialWrongPath: an HTTP URL that reaches a server but not a
// Janus endpoint fails at dial time, with a hint about the path, for the
// Janus API and the admin API alike; the right paths dial.
func TestRealDialWrongPath(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx := ctxT(t)
	base := strings.TrimSuffix(srv.HTTPURL, "/janus")
	_, err := core.Dial(ctx, base)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a Janus endpoint")
	assert.Contains(t, err.Error(), "404")
	assert.Contains(t, err.Error(), "/janus")

	adminBase := strings.TrimSuffix(srv.AdminHTTPURL, "/admin")
	_, err = core.DialAdmin(ctx, adminBase+"/nope", core.WithAdminSecret(srv.AdminSecret))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a Janus endpoint")

	a, err := core.DialAdmin(ctx, srv.AdminHTTPURL, core.WithAdminSecret(srv.AdminSecret))
	require.NoError(t, err)
	require.NoError(t, a.Ping(ctx))
	require.NoError(t, a.Close())
}
