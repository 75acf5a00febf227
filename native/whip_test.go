package native_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
)

// recordings records what a test server receives: its video to an IVF
// file, its audio to an Ogg file.
type recordings struct {
	dir  string
	mu   sync.Mutex
	recs []*native.TrackRecorder
}

func (r *recordings) onTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote) {
	ext := ".ivf"
	if tr.Kind() == webrtc.RTPCodecTypeAudio {
		ext = ".ogg"
	}
	rec, err := native.RecordTrack(pc, tr, filepath.Join(r.dir, tr.Kind().String()+ext), 0)
	if err != nil {
		return
	}
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

func (r *recordings) counts() map[string]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]uint64{}
	for _, rec := range r.recs {
		st := rec.Stats()
		out[st.Kind] += st.Frames
	}
	return out
}

func (r *recordings) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		_ = rec.Close()
	}
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			require.FailNow(t, "timed out waiting for "+what)
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
}

// publishing starts a test pattern published with WHIPPublish to srv,
// whose tracks are recorded; the source runs until the test ends.
func publishing(t *testing.T, ctx context.Context, srv *whiptest.Server, opts native.WHIPOptions) (*native.WHIPSession, *recordings) {
	t.Helper()
	rec := &recordings{dir: t.TempDir()}
	srv.OnTrack = rec.onTrack
	t.Cleanup(rec.close)
	src, err := native.TestPatternSource(native.TestPatternOptions{})
	require.NoError(t, err)
	if opts.HTTPClient == nil {
		opts.HTTPClient = srv.Client()
	}
	if opts.Peer.SettingEngine == nil {
		opts.Peer = whiptest.LoopbackPeer()
	}
	sess, err := native.WHIPPublish(ctx, srv.URL(), src, opts)
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = src.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; _ = sess.Close(context.Background()) })
	return sess, rec
}

// moreFrames waits until rec has at least n more video and audio frames
// than it has now.
func moreFrames(t *testing.T, ctx context.Context, rec *recordings, n uint64) {
	t.Helper()
	base := rec.counts()
	waitFor(t, ctx, "media at the server", func() bool {
		c := rec.counts()
		return c["video"] >= base["video"]+n && c["audio"] >= base["audio"]+n
	})
}

// TestWHIPPublish publishes the test pattern: the candidates trickle by
// PATCH with the resource's ETag, the media arrives and decodes at the
// server's peer, and Close DELETEs the resource.
func TestWHIPPublish(t *testing.T) {
	requireTool(t, "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := whiptest.New(t, whiptest.LoopbackPeer())
	srv.Token = "s3cret"
	sess, rec := publishing(t, ctx, srv, native.WHIPOptions{Token: "s3cret"})
	assert.Equal(t, srv.Base()+"/resource/1", sess.Location())
	assert.True(t, sess.Trickle())
	moreFrames(t, ctx, rec, 30)

	offer, auth := srv.Offers()[0], srv.Auth()
	assert.Equal(t, []string{"Bearer s3cret"}, auth)
	assert.Equal(t, 2, strings.Count(offer, "a=sendonly"), "a send-only offer:\n%s", offer)
	assert.NotContains(t, offer, "a=candidate:", "the candidates trickle after the offer")
	var cands int
	for _, p := range srv.Patches() {
		assert.Equal(t, "application/trickle-ice-sdpfrag", p.ContentType)
		assert.Equal(t, `"etag-1"`, p.IfMatch)
		assert.Contains(t, p.Body, "a=ice-ufrag:")
		assert.Contains(t, p.Body, "a=mid:0")
		cands += strings.Count(p.Body, "a=candidate:")
	}
	assert.Positive(t, cands, "candidates sent by PATCH")

	select {
	case <-sess.Done():
		t.Fatal("Done before Close")
	default:
	}
	require.NoError(t, sess.Close(ctx))
	<-sess.Done()
	assert.Equal(t, 1, srv.Deletes())
	assert.NoError(t, sess.Close(ctx), "a second Close returns the first one's result")
	assert.Equal(t, 1, srv.Deletes())
	rec.close()
	assert.GreaterOrEqual(t, ffprobeFrames(t, filepath.Join(rec.dir, "video.ivf")), 20)
	assert.GreaterOrEqual(t, ffprobeFrames(t, filepath.Join(rec.dir, "audio.ogg")), 20)
}

// TestWHIPNoTrickle: a server that refuses the trickle PATCH (405, 501)
// still gets the media (it learns the client's address from its checks),
// and NoTrickle puts the candidates in the offer and sends no PATCH.
func TestWHIPNoTrickle(t *testing.T) {
	for _, status := range []int{http.StatusMethodNotAllowed, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			srv := whiptest.New(t, whiptest.LoopbackPeer())
			srv.PatchStatus = status
			sess, rec := publishing(t, ctx, srv, native.WHIPOptions{})
			moreFrames(t, ctx, rec, 20)
			waitFor(t, ctx, "the refused PATCH", func() bool { return !sess.Trickle() })
			n := len(srv.Patches())
			err := sess.RestartICE(ctx)
			assert.Len(t, srv.Patches(), n, "no restart asked of a server that refused PATCH")
			require.ErrorIs(t, err, native.ErrWHIPNotSupported)
			var we *native.WHIPError
			require.ErrorAs(t, err, &we)
			assert.Equal(t, status, we.Status)
			assert.Equal(t, "no PATCH here", we.Reason)
			moreFrames(t, ctx, rec, 20) // a refused restart leaves the media going
		})
	}
	t.Run("NoTrickle", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv := whiptest.New(t, whiptest.LoopbackPeer())
		sess, rec := publishing(t, ctx, srv, native.WHIPOptions{NoTrickle: true})
		moreFrames(t, ctx, rec, 20)
		assert.False(t, sess.Trickle())
		offer := srv.Offers()[0]
		assert.Contains(t, offer, "a=candidate:")
		assert.Empty(t, srv.Patches())
	})
}

// TestWHIPRestartICE restarts ICE by PATCH: "If-Match: *", the new
// credentials, the server's answer and ETag; the media goes on over the
// new ICE session and later candidates carry the new ETag.
func TestWHIPRestartICE(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := whiptest.New(t, whiptest.LoopbackPeer())
	sess, rec := publishing(t, ctx, srv, native.WHIPOptions{})
	moreFrames(t, ctx, rec, 10)
	before := parseUfrag(sess.Peer().PeerConnection().LocalDescription().SDP)
	remoteBefore := parseUfrag(sess.Peer().PeerConnection().RemoteDescription().SDP)
	n := len(srv.Patches())

	require.NoError(t, sess.RestartICE(ctx))
	assert.Equal(t, `"etag-2"`, sess.ETag())
	after := parseUfrag(sess.Peer().PeerConnection().LocalDescription().SDP)
	assert.NotEqual(t, before, after)
	assert.NotEqual(t, remoteBefore, parseUfrag(sess.Peer().PeerConnection().RemoteDescription().SDP))
	restart := srv.Patches()[n]
	assert.Equal(t, "*", restart.IfMatch)
	assert.Contains(t, restart.Body, "a=ice-ufrag:"+after)
	moreFrames(t, ctx, rec, 30)
	waitFor(t, ctx, "candidates after the restart", func() bool { return len(srv.Patches()) > n+1 })
	for _, p := range srv.Patches()[n+1:] {
		assert.Equal(t, `"etag-2"`, p.IfMatch)
		assert.Contains(t, p.Body, "a=ice-ufrag:"+after)
	}
}

// TestWHIPServerHangup: when the server ends the session on its side,
// Done is closed (after the automatic ICE restart, if any, failed).
func TestWHIPServerHangup(t *testing.T) {
	for _, noRestart := range []bool{false, true} {
		t.Run(map[bool]string{false: "auto-restart", true: "no-restart"}[noRestart], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			srv := whiptest.New(t, whiptest.LoopbackPeer())
			sess, rec := publishing(t, ctx, srv, native.WHIPOptions{NoAutoRestart: noRestart})
			moreFrames(t, ctx, rec, 10)
			srv.Hangup()
			select {
			case <-sess.Done():
			case <-ctx.Done():
				t.Fatal("the session did not end")
			}
		})
	}
}

func parseUfrag(sdp string) string {
	m := whiptest.UfragRe.FindStringSubmatch(sdp)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestWHEPPlay plays the test server's test pattern into a WebM file, in
// the client-offer and the server-offer flows, and decodes it.
func TestWHEPPlay(t *testing.T) {
	requireTool(t, "ffprobe")
	for _, serverOffer := range []bool{false, true} {
		name := "client-offer"
		if serverOffer {
			name = "server-offer"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			srv := whiptest.New(t, whiptest.LoopbackPeer())
			srv.ServerOffer = serverOffer
			src, err := native.TestPatternSource(native.TestPatternOptions{})
			require.NoError(t, err)
			srv.Send = src.Tracks
			path := filepath.Join(t.TempDir(), "out.webm")
			webm, err := native.NewWebMRecorder(path, true, true)
			require.NoError(t, err)
			sess, err := native.WHEPPlay(ctx, srv.URL(), webm, native.WHEPOptions{ServerOffer: serverOffer,
				WHIPOptions: native.WHIPOptions{HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer()}})
			require.NoError(t, err)
			srv.WaitConnected(ctx)
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = src.Run(runCtx) }()
			defer func() { stop(); <-done }()
			waitFor(t, ctx, "30 video frames in the WebM", func() bool {
				return kindCounts(webm.Stats(), frames)["video"] >= 30
			})
			if !serverOffer {
				// An ICE restart of a playback, and the media goes on.
				require.NoError(t, sess.RestartICE(ctx))
				assert.Equal(t, `"etag-2"`, sess.ETag())
			}
			waitFor(t, ctx, "60 video frames in the WebM", func() bool {
				return kindCounts(webm.Stats(), frames)["video"] >= 60
			})
			require.NoError(t, sess.SinkErr())
			require.NoError(t, sess.Close(ctx))
			assert.Equal(t, 1, srv.Deletes())
			require.NoError(t, webm.Close())
			assert.GreaterOrEqual(t, mediabench.DecodedFrames(t, path, "v:0"), 30)
			assert.Positive(t, mediabench.DecodedFrames(t, path, "a:0"))

			offer := srv.Offers()[0]
			patches := srv.Patches()
			if serverOffer {
				assert.Empty(t, offer, "the server-offer POST has no body")
				require.NotEmpty(t, patches)
				assert.Equal(t, "application/sdp", patches[0].ContentType)
				assert.Equal(t, `"etag-1"`, patches[0].IfMatch)
				assert.Contains(t, patches[0].Body, "a=recvonly")
			} else {
				assert.Equal(t, 2, strings.Count(offer, "a=recvonly"), "a receive-only offer:\n%s", offer)
			}
		})
	}
}

// TestWHIPLinkAndRedirect: the endpoint redirects (307) and answers with
// the header shapes of RFC 9725's examples: a Location relative to the
// final URL, a quoted ETag and ICE servers in Link headers, several in
// one header or one each, with a TURN server's username and credential.
// The client follows the redirect, resolves the resource and configures
// its PeerConnection with the servers before gathering.
func TestWHIPLinkAndRedirect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := whiptest.New(t, whiptest.LoopbackPeer())
	srv.Links = []string{
		`<stun:127.0.0.1:9>; rel="ice-server"`,
		`<turn:127.0.0.1:9?transport=udp>; rel="ice-server"; username="user"; credential="myPassword"; credential-type="password", ` +
			`<https://example.com/events>; rel="urn:ietf:params:whip:ext:core:server-sent-events"`,
	}
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL(), http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	src, err := native.TestPatternSource(native.TestPatternOptions{})
	require.NoError(t, err)
	sess, err := native.WHIPPublish(ctx, redirect.URL+"/whip", src, native.WHIPOptions{HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer()})
	require.NoError(t, err)
	defer sess.Close(ctx)
	assert.Equal(t, srv.Base()+"/resource/1", sess.Location(), "resolved against the URL that answered")
	want := []webrtc.ICEServer{
		{URLs: []string{"stun:127.0.0.1:9"}},
		{URLs: []string{"turn:127.0.0.1:9?transport=udp"}, Username: "user", Credential: "myPassword"},
	}
	assert.Equal(t, want, sess.ICEServers())
	assert.Equal(t, want, sess.Peer().PeerConnection().GetConfiguration().ICEServers)
	assert.Contains(t, srv.Offers()[0], "v=0", "the offer went again after the redirect")
}

// TestWHIPErrors checks every refusal and unusable answer: each is a
// *WHIPError with the status and the server's text, matching its
// sentinel; transport errors and a cancelled context are errors too,
// and nothing is left running.
func TestWHIPErrors(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    error
		status  int
		reason  string
	}{
		{"401", refuse(http.StatusUnauthorized, "token expired"), native.ErrWHIPUnauthorized, 401, "token expired"},
		{"403", refuse(http.StatusForbidden, "not for this stream"), native.ErrWHIPForbidden, 403, "not for this stream"},
		{"404", refuse(http.StatusNotFound, "no such room"), native.ErrWHIPNotFound, 404, "no such room"},
		{"409", refuse(http.StatusConflict, "already publishing"), native.ErrWHIPConflict, 409, "already publishing"},
		{"500", refuse(http.StatusInternalServerError, "janus failed"), native.ErrWHIPServer, 500, "janus failed"},
		{"503", refuse(http.StatusServiceUnavailable, ""), native.ErrWHIPServer, 503, ""},
		{"400", refuse(http.StatusBadRequest, "bad offer"), nil, 400, "bad offer"},
		{"no Location", answer("", "v=0\r\n"), core.ErrBadAnswer, 201, "no Location header"},
		{"not SDP", answer("/r/1", "<html>hello</html>"), core.ErrBadAnswer, 201, `the body is not SDP (Content-Type "application/sdp")`},
		{"bad SDP", answer("/r/1", "v=0\r\nm=nonsense\r\n"), core.ErrBadAnswer, 201, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var deletes int
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					mu.Lock()
					deletes++
					mu.Unlock()
					return
				}
				c.handler(w, r)
			}))
			defer srv.Close()
			src, err := native.TestPatternSource(native.TestPatternOptions{})
			require.NoError(t, err)
			sess, err := native.WHIPPublish(context.Background(), srv.URL+"/whip?token=secret", src, native.WHIPOptions{HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer()})
			require.Error(t, err)
			assert.Nil(t, sess)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
			}
			var we *native.WHIPError
			require.ErrorAs(t, err, &we)
			assert.Equal(t, c.status, we.Status)
			assert.Equal(t, "POST", we.Method)
			if c.reason != "" {
				assert.Equal(t, c.reason, we.Reason)
			}
			assert.NotContains(t, err.Error(), "secret", "the URL's query is left out")
			assert.True(t, strings.HasPrefix(err.Error(), "native: whip: POST "), err.Error())
			mu.Lock()
			defer mu.Unlock()
			if c.status == 201 && c.name != "no Location" && c.name != "not SDP" {
				assert.Equal(t, 1, deletes, "a resource made but not usable is deleted")
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		arrived := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body) // then the server notices the client going
			close(arrived)
			<-r.Context().Done()
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		src, err := native.TestPatternSource(native.TestPatternOptions{})
		require.NoError(t, err)
		_, err = native.WHIPPublish(ctx, srv.URL, src, native.WHIPOptions{HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer()})
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		src, err := native.TestPatternSource(native.TestPatternOptions{})
		require.NoError(t, err)
		_, err = native.WHIPPublish(context.Background(), url, src, native.WHIPOptions{Peer: whiptest.LoopbackPeer()})
		require.Error(t, err)
		var we *native.WHIPError
		assert.False(t, errors.As(err, &we))
	})
	t.Run("DELETE refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv := whiptest.New(t, whiptest.LoopbackPeer())
		sess, _ := publishing(t, ctx, srv, native.WHIPOptions{})
		srv.RefuseDelete(http.StatusNotFound)
		err := sess.Close(ctx)
		require.ErrorIs(t, err, native.ErrWHIPNotFound)
		assert.Contains(t, err.Error(), "native: whip: DELETE "+srv.Base()+"/resource/1: 404 Not Found: gone")
	})
	t.Run("token", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv := whiptest.New(t, whiptest.LoopbackPeer())
		srv.Token = "right"
		src, err := native.TestPatternSource(native.TestPatternOptions{})
		require.NoError(t, err)
		_, err = native.WHIPPublish(ctx, srv.URL(), src, native.WHIPOptions{Token: "wrong", HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer()})
		require.ErrorIs(t, err, native.ErrWHIPUnauthorized)
		assert.Contains(t, err.Error(), "401 Unauthorized: bad token")
		assert.NotContains(t, err.Error(), "wrong")
	})
}

// refuse answers every request with status and text.
func refuse(status int, text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if text == "" {
			w.WriteHeader(status)
			return
		}
		http.Error(w, text, status)
	}
}

// answer answers 201 with location (none if empty) and body.
func answer(location, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if location != "" {
			w.Header().Set("Location", location)
		}
		w.Header().Set("Content-Type", "application/sdp")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(body))
	}
}

// TestWHIPTrickleErrors: a trickle PATCH that fails other than by the
// server not taking candidates is reported to OnTrickleError, and the
// session trickles on; a 404 (the resource is gone) also ends the
// session, and WHIPPublish, still waiting for the connection, fails with
// it.
func TestWHIPTrickleErrors(t *testing.T) {
	t.Run("503", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv := whiptest.New(t, whiptest.LoopbackPeer())
		srv.PatchStatus = http.StatusServiceUnavailable
		reported := make(chan error, 10)
		sess, rec := publishing(t, ctx, srv, native.WHIPOptions{OnTrickleError: func(err error) {
			select {
			case reported <- err:
			default:
			}
		}})
		var err error
		select {
		case err = <-reported:
		case <-ctx.Done():
			t.Fatal("no trickle error reported")
		}
		var we *native.WHIPError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, http.StatusServiceUnavailable, we.Status)
		assert.Equal(t, http.MethodPatch, we.Method)
		require.ErrorIs(t, err, native.ErrWHIPServer)
		assert.True(t, sess.Trickle(), "a failed PATCH is no refusal: later candidates go too")
		moreFrames(t, ctx, rec, 20)
	})
	t.Run("404", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv := whiptest.New(t, whiptest.LoopbackPeer())
		srv.PatchStatus = http.StatusNotFound
		src, err := native.TestPatternSource(native.TestPatternOptions{})
		require.NoError(t, err)
		// The 404 comes back before or after the PeerConnection connects:
		// WHIPPublish fails with it, or the session it returned ends.
		opts := native.WHIPOptions{HTTPClient: srv.Client(), Peer: whiptest.LoopbackPeer(), OnTrickleError: func(error) {}}
		srv.OnTrack = func(*webrtc.PeerConnection, *webrtc.TrackRemote) {}
		sess, err := native.WHIPPublish(ctx, srv.URL(), src, opts)
		if err == nil {
			// Connected before the PATCH came back: the session ends.
			select {
			case <-sess.Done():
			case <-ctx.Done():
				t.Fatal("the session did not end at the 404")
			}
			require.NoError(t, sess.Close(ctx))
			return
		}
		require.ErrorIs(t, err, native.ErrWHIPNotFound)
		assert.Equal(t, 1, srv.Deletes(), "the failed publish deletes its resource")
	})
}
