package whip_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
	"github.com/gojanus/gojanus/whip"
)

// fixture is a Janus, a client, an admin session and a handler served by
// an httptest server on 127.0.0.1.
type fixture struct {
	ctx   context.Context
	c     *core.Client
	admin *core.Session
	h     *whip.Handler
	base  string   // the HTTP server's URL
	log   *httpLog // the exchanges of the native clients (clientOptions)
}

// newFixture starts everything for one test; it all ends with the test.
func newFixture(t *testing.T, wsURL string, opts whip.Options, dialOpts ...core.Option) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	c, err := core.Dial(ctx, wsURL, append([]core.Option{core.WithLogger(slog.New(slog.DiscardHandler))}, dialOpts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h := whip.New(c, opts)
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer ccancel()
		require.NoError(t, h.Close(cctx))
	})
	return &fixture{ctx: ctx, c: c, admin: s, h: h, base: hs.URL, log: &httpLog{}}
}

// clientOptions are the options of the native WHIP and WHEP clients of
// the media tests: a Peer of the namespace (mediabench.PeerConfig), and
// every request and answer kept in f.log.
func (f *fixture) clientOptions() native.WHIPOptions {
	return native.WHIPOptions{Peer: mediabench.PeerConfig(), HTTPClient: &http.Client{Transport: f.log}}
}

// exchange is one request of a native client and the handler's answer.
type exchange struct {
	method, path, ctype, ifMatch, body string // the request
	status                             int
	header                             http.Header
	reply                              string
}

// httpLog is an http.RoundTripper that keeps every exchange.
type httpLog struct {
	mu        sync.Mutex
	exchanges []exchange
}

// RoundTrip sends req with http.DefaultTransport and keeps the exchange.
func (l *httpLog) RoundTrip(req *http.Request) (*http.Response, error) {
	e := exchange{method: req.Method, path: req.URL.Path, ctype: req.Header.Get("Content-Type"), ifMatch: req.Header.Get("If-Match")}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		e.body = string(b)
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	e.status, e.header, e.reply = resp.StatusCode, resp.Header, string(b)
	l.mu.Lock()
	l.exchanges = append(l.exchanges, e)
	l.mu.Unlock()
	return resp, nil
}

// statuses counts the answers' statuses of the exchanges that match.
func (l *httpLog) statuses(match func(exchange) bool) map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]int{}
	for _, e := range l.exchanges {
		if match(e) {
			out[e.status]++
		}
	}
	return out
}

// unexpected lists, as "METHOD path status", the exchanges whose status
// is not the success RFC 9725 and the WHEP draft name: 201 to POST, 204
// to a PATCH with an answer or candidates, 200 to the PATCH of an ICE
// restart (If-Match: *) and to DELETE.
func (l *httpLog) unexpected() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.exchanges {
		want := http.StatusOK
		switch {
		case e.method == http.MethodPost:
			want = http.StatusCreated
		case e.method == http.MethodPatch && e.ifMatch != "*":
			want = http.StatusNoContent
		}
		if e.status != want {
			out = append(out, fmt.Sprintf("%s %s %d", e.method, e.path, e.status))
		}
	}
	return out
}

// only returns the one exchange that matches.
func (l *httpLog) only(t *testing.T, match func(exchange) bool) exchange {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var found []exchange
	for _, e := range l.exchanges {
		if match(e) {
			found = append(found, e)
		}
	}
	require.Len(t, found, 1, "one matching exchange")
	return found[0]
}

// room creates a VP8/Opus VideoRoom.
func (f *fixture) room(t *testing.T) core.ID {
	t.Helper()
	vh, err := videoroom.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	created, err := vh.Create(f.ctx, videoroom.CreateRequest{Description: "whip test", Publishers: 4,
		VideoCodec: core.Codecs{core.VP8}, AudioCodec: core.Codecs{core.Opus}})
	require.NoError(t, err)
	return created.Room
}

// mountpoint creates an RTP mountpoint with one VP8 stream and returns it
// and the UDP port it listens on.
func (f *fixture) mountpoint(t *testing.T) (core.ID, int) {
	t.Helper()
	sh, err := streaming.Attach(f.ctx, f.admin)
	require.NoError(t, err)
	mp, err := sh.Create(f.ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Description: "whep test",
		Media: []streaming.StreamConfig{{Type: streaming.MediaVideo, Mid: "v", PT: 96, Codec: core.VP8, Iface: "127.0.0.1"}}})
	require.NoError(t, err)
	require.Len(t, mp.Ports, 1)
	return mp.Mountpoint, mp.Ports[0].Port
}

// reply is an HTTP answer read whole.
type reply = whiptest.Reply

// do sends one plain request to the handler (a path on it, or a URL);
// headers are name, value pairs.
func (f *fixture) do(t *testing.T, method, path, ctype, body string, headers ...string) reply {
	t.Helper()
	url := path
	if strings.HasPrefix(path, "/") {
		url = f.base + path
	}
	return whiptest.Do(t, f.ctx, method, url, ctype, body, headers...)
}

// location is the path of a 201's resource.
func (f *fixture) location(t *testing.T, r reply) string {
	t.Helper()
	require.Equal(t, http.StatusCreated, r.Status, "POST: %s", r.Body)
	loc := r.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/"), "Location %q", loc)
	return loc
}

// offerOnly returns an SDP offer of a PeerConnection that never connects
// (no remote description is ever set on it): a sendonly VP8 track, or
// with recv a recvonly video m-line.
func offerOnly(t *testing.T, recv bool) string {
	t.Helper()
	p, err := native.NewPeer(native.PeerConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	if recv {
		_, err = p.PeerConnection().AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	} else {
		var tr *webrtc.TrackLocalStaticSample
		tr, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "whip")
		require.NoError(t, err)
		_, err = p.AddTrack(tr)
	}
	require.NoError(t, err)
	o, err := p.PeerConnection().CreateOffer(nil)
	require.NoError(t, err)
	return o.SDP
}

// sdpAttr returns the value of the first a=NAME: line of an SDP.
func sdpAttr(sdp, name string) string {
	for l := range strings.SplitSeq(sdp, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), "a="+name+":"); ok {
			return v
		}
	}
	return ""
}
