//go:build linux

package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/whip"
)

const (
	// whipToken is the bearer token of the test's endpoints.
	whipToken = "browser-secret"
	// whipTestTimeout bounds TestBrowserWHIP inside the namespace.
	whipTestTimeout = 3 * time.Minute
)

// whipServer is a whip.Handler over a Janus inside the namespace, served
// on 127.0.0.1: WHIP into a VP8 room at /whip/room, WHEP out of it at
// /whep/room (the server-offer flow), both with the bearer token
// whipToken, the publisher's display name from the query's display (the
// player's too: none plays every publisher of the room).
type whipServer struct {
	h       *whip.Handler
	url     string // http://127.0.0.1:PORT/
	janusWS string // the Janus's WebSocket URL
	room    core.ID
	s       *core.Session // for room requests
}

// startWHIP starts Janus (see mediabench.Setup) and serves a whipServer
// until the test ends.
func startWHIP(tb testing.TB, timeout time.Duration) (context.Context, *whipServer) {
	tb.Helper()
	srv, ctx, c, s := mediabench.Setup(tb, timeout)
	room := mediabench.Room(tb, ctx, s)
	h := whip.New(c, whip.Options{})
	access := whip.Access{Token: whipToken}
	display := func(r *http.Request) string { return r.URL.Query().Get("display") }
	require.NoError(tb, h.Publish("/whip/room", whip.PublishEndpoint{
		Access: access,
		Join:   videoroom.JoinRequest{Room: room},
		Request: func(r *http.Request, join *videoroom.JoinRequest, _ *videoroom.PublishRequest) error {
			join.Display = display(r)
			return nil
		},
	}))
	require.NoError(tb, h.Subscribe("/whep/room", whip.SubscribeEndpoint{
		Access:       access,
		Subscription: whip.Subscription{Room: room},
		Request: func(r *http.Request, sub *whip.Subscription) error {
			sub.Display = display(r)
			return nil
		},
	}))
	web := httptest.NewServer(h)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		assert.NoError(tb, h.Close(ctx))
		web.Close()
	})
	return ctx, &whipServer{h: h, url: web.URL + "/", janusWS: srv.WSURL, room: room, s: s}
}

// requireEmpty fails unless the handler has no resource left and the room
// no participant.
func (w *whipServer) requireEmpty(tb testing.TB, ctx context.Context) {
	tb.Helper()
	assert.Zero(tb, w.h.Len(), "resources left")
	vh, err := videoroom.Attach(ctx, w.s)
	require.NoError(tb, err)
	defer func() { _ = vh.Detach(context.WithoutCancel(ctx)) }()
	ps, err := vh.ListParticipants(ctx, w.room)
	require.NoError(tb, err)
	assert.Empty(tb, ps, "participants left in the room")
}

// TestBrowserWHIP runs web/test/browser/whip.test.mjs in headless
// Chromium inside the network namespace: a plain page (fetch and
// RTCPeerConnection, no gojanus) publishes Chromium's fake camera through
// the handler's WHIP endpoint, trickling its candidates by PATCH, another
// plays it through the WHEP endpoint (server-offer flow) and decodes it,
// both from another origin than the handler's (CORS), with a bearer token
// (401 without it and with a wrong one); both DELETE on leaving.
// Afterwards the room is empty and no resource is left.
func TestBrowserWHIP(t *testing.T) {
	if !netns.Inside() && netns.Available() == nil {
		prepareOutside(t)
	}
	if !netns.Run(t) {
		return
	}
	root := janustest.ModuleRoot(t)
	ctx, ws := startWHIP(t, whipTestTimeout)
	env, _ := chromiumEnv(t)
	pages := httptest.NewServer(webHandler(root, t.TempDir(), ""))
	t.Cleanup(pages.Close)
	env["GOJANUS_PAGE_URL"] = pages.URL + "/"
	env["GOJANUS_WHIP_URL"] = ws.url
	env["GOJANUS_WHIP_TOKEN"] = whipToken
	err := runSuite(t, filepath.Join(root, browserTestDir), env, func(name string) bool { return name == whipSuite })
	require.NoError(t, err, "node --test %s", whipSuite)
	ws.requireEmpty(t, ctx)
}

const (
	// whipBenchRuns is how many times BenchmarkWHIP measures each path.
	whipBenchRuns = 7
	// whipBenchTimeout bounds BenchmarkWHIP inside the namespace.
	whipBenchTimeout = 4 * time.Minute
)

// BenchmarkWHIP measures, in headless Chromium inside the network
// namespace against one Janus, the time from publishing Chromium's fake
// camera to the first frame a player of it presents, the same way on two
// paths, each in one page, whipBenchRuns times, taking turns:
//
//   - whip-to-first-frame/gojanus: a plain WHIP page (web/test/browser/whip,
//     fetch and RTCPeerConnection) publishes through the whip.Handler (the
//     offer, the WHIP POST, the answer, candidates by PATCH) and, once its
//     PeerConnection is connected, plays it back through the WHEP endpoint
//     (POST, Janus's offer, the answer by PATCH; again while the POST is
//     404 because Janus does not list the publisher yet);
//   - whip-to-first-frame/janusjs: janus.js (web/test/browser/janusjs)
//     publishes into the same room over its session (attach, join,
//     offer, configure) and, once Janus reports its PeerConnection up,
//     subscribes to it (attach, join, answer, start).
//
// Both open the camera first, start the clock with performance.now() when
// publishing starts, and stop it at the presentationTime of the first
// frame the player's <video> presents (requestVideoFrameCallback). Each
// reports the median as ms and the worst as max-ms. Measured, never
// asserted.
func BenchmarkWHIP(b *testing.B) {
	if !netns.Inside() && netns.Available() == nil {
		prepareJoin(b)
	}
	if !netns.RunBench(b) {
		return
	}
	root := janustest.ModuleRoot(b)
	build := os.Getenv(envBuild)
	if build == "" {
		b.Fatalf("%s is not set: the outer test process copies janus.js", envBuild)
	}
	ctx, ws := startWHIP(b, whipBenchTimeout)
	pages := httptest.NewServer(webHandler(root, build, ""))
	defer pages.Close()
	drv := startJoinDriver(b, ctx, root, map[string]string{
		"GOJANUS_PAGE_URL": pages.URL + "/",
		janustest.EnvWS:    ws.janusWS,
	})
	defer drv.close()

	type firstFrame struct {
		PresentedMs, UpMs float64
		PostMs            *float64
		PlayPostMs        *float64
		Retries           int
		Width, Height     int
	}
	var whipMs, janusMs []time.Duration
	var whipMore, janusMore []string
	for i := range whipBenchRuns {
		display := fmt.Sprintf("whip-%d", i)
		var f firstFrame
		require.NoError(b, drv.call(ctx, map[string]any{"op": "whip",
			"whip":  ws.url + "whip/room?display=" + display,
			"whep":  ws.url + "whep/room?display=" + display,
			"token": whipToken,
		}, &f), "WHIP run %d", i)
		whipMs = append(whipMs, time.Duration(f.PresentedMs*float64(time.Millisecond)))
		whipMore = append(whipMore, fmt.Sprintf("%.0fms (WHIP POST %s, up %.0fms, WHEP POST %s after %d 404s, %dx%d)",
			f.PresentedMs, msOrNone(f.PostMs), f.UpMs, msOrNone(f.PlayPostMs), f.Retries, f.Width, f.Height))

		f = firstFrame{}
		require.NoError(b, drv.call(ctx, map[string]any{"op": "publishToFirstFrame", "room": ws.room, "display": "janusjs-" + display}, &f),
			"janus.js run %d", i)
		janusMs = append(janusMs, time.Duration(f.PresentedMs*float64(time.Millisecond)))
		janusMore = append(janusMore, fmt.Sprintf("%.0fms (up %.0fms, %dx%d)", f.PresentedMs, f.UpMs, f.Width, f.Height))
	}
	b.Logf("WHIP and WHEP pages: %v", whipMore)
	b.Logf("janus.js pages: %v", janusMore)
	ws.requireEmpty(b, ctx)
	b.Run("whip-to-first-frame/gojanus", func(b *testing.B) { mediabench.SpreadOf(whipMs).Report(b) })
	b.Run("whip-to-first-frame/janusjs", func(b *testing.B) { mediabench.SpreadOf(janusMs).Report(b) })
}
