package core_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/faultproxy"
)

// The credentials the server URLs of these tests carry: a password, a
// password with an "@" (which net/url refuses, so the libraries below
// quote the URL as given) and a token as the whole userinfo (which
// net/http does not hide).
const (
	urlPassword   = "SECRET-pw-51d"
	urlAtPassword = "SE@CRET-at-7c2"
	urlToken      = "SECRET-token-e09"
)

// urlSecrets are the strings no error or log record may show.
var urlSecrets = []string{urlPassword, urlAtPassword, urlToken, "CRET-at-7c2"}

// withCreds returns the URLs of scheme://addr+path with each kind of
// credentials in the userinfo.
func withCreds(scheme, addr, path string) []string {
	return []string{
		scheme + "://user:" + urlPassword + "@" + addr + path,
		scheme + "://user:" + urlAtPassword + "@" + addr + path,
		scheme + "://" + urlToken + "@" + addr + path,
	}
}

// assertNoSecret fails when a secret shows in v: an error's message, %+v,
// and those of every error in its chain; any other value's %+v.
func assertNoSecret(t *testing.T, what string, v any) {
	t.Helper()
	var texts []string
	if err, ok := v.(error); ok {
		var walk func(error)
		walk = func(e error) {
			if e == nil {
				return
			}
			texts = append(texts, e.Error(), fmt.Sprintf("%+v", e))
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					walk(c)
				}
			}
		}
		walk(err)
	} else {
		texts = append(texts, fmt.Sprintf("%+v", v))
	}
	for _, s := range texts {
		for _, secret := range urlSecrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows a credential of the URL: %s", what, s)
				return
			}
		}
	}
}

// recordingHandler keeps every log record with its attributes.
type recordingHandler struct {
	mu      sync.Mutex
	attrs   []slog.Attr // from WithAttrs
	records *[]slog.Record
	seen    chan string // each record's message, when there is room
}

func newRecordingHandler() *recordingHandler {
	return &recordingHandler{records: new([]slog.Record), seen: make(chan string, 1024)}
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.mu.Lock()
	defer h.mu.Unlock()
	return &recordingHandler{attrs: append(append([]slog.Attr{}, h.attrs...), as...), records: h.records, seen: h.seen}
}

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	h.mu.Lock()
	*h.records = append(*h.records, r)
	h.mu.Unlock()
	select {
	case h.seen <- r.Message:
	default:
	}
	return nil
}

// waitFor waits for a record whose message starts with prefix.
func (h *recordingHandler) waitFor(t *testing.T, prefix string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case msg := <-h.seen:
			if strings.HasPrefix(msg, prefix) {
				return
			}
		case <-deadline:
			t.Fatalf("no log record %q", prefix)
		}
	}
}

// assertClean checks the message and every attribute of every record.
func (h *recordingHandler) assertClean(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range *h.records {
		assertNoSecret(t, "log message", r.Message)
		r.Attrs(func(a slog.Attr) bool {
			assertNoSecret(t, "log attribute "+a.Key+" of "+r.Message, a.Value.Any())
			return true
		})
	}
}

// deadServers returns the address of a port that refuses connections, of
// a server that closes every connection at once and of one that accepts
// and never answers.
func deadServers(t *testing.T) (refused, closes, stalls string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused = ln.Addr().String()
	require.NoError(t, ln.Close())

	var mu sync.Mutex
	var held []net.Conn
	serve := func(keep bool) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				if !keep {
					_ = c.Close()
					continue
				}
				mu.Lock()
				held = append(held, c)
				mu.Unlock()
			}
		}()
		t.Cleanup(func() {
			_ = ln.Close()
			<-done
			mu.Lock()
			defer mu.Unlock()
			for _, c := range held {
				_ = c.Close()
			}
		})
		return ln.Addr().String()
	}
	return refused, serve(false), serve(true)
}

// TestDialErrorsHideURLCredentials dials URLs with credentials that
// cannot connect, over both transports, to the Janus API and the admin
// API, one by one and as a server list: a refused port, a server that
// closes the connection, one that never answers, and URLs that cannot be
// used (a bad host, no or an unknown scheme). No error (its message, %+v,
// nor any error of its chain) and no log record shows the credentials
// (issue 14: coder/websocket and net/url quote the URL as given, and
// net/http hides a password but not a token).
func TestDialErrorsHideURLCredentials(t *testing.T) {
	refused, closes, stalls := deadServers(t)
	var urls []string
	urls = append(urls, withCreds("ftp", refused, "")...)
	urls = append(urls, "user:"+urlPassword+"@"+refused, "ws://"+refused+"/?apisecret="+urlToken)
	// The stalled server last: a server list waits for it until its
	// deadline, and tries no server after it.
	for _, addr := range []string{refused, closes, "[::1", stalls} {
		urls = append(urls, withCreds("ws", addr, "")...)
		urls = append(urls, withCreds("http", addr, "/janus")...)
	}
	logs := newRecordingHandler()
	log := core.WithLogger(slog.New(logs))
	dialCtx := func(d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
	for _, u := range urls {
		// Time for an answer from 127.0.0.1, not long for a stalled server.
		_, err := core.Dial(dialCtx(200*time.Millisecond), u, log)
		require.Error(t, err, u)
		assertNoSecret(t, "Dial error", err)
		_, err = core.DialAdmin(dialCtx(200*time.Millisecond), u, log)
		require.Error(t, err, u)
		assertNoSecret(t, "DialAdmin error", err)
	}
	_, err := core.DialServers(dialCtx(time.Second), urls, log)
	require.Error(t, err)
	assertNoSecret(t, "DialServers error", err)
	kinds := []string{"connection refused", "bad server URL"}
	if runtime.GOOS != "js" {
		// In the js build net.Listen is Go's in-memory stand-in for a
		// network, which the runtime's WebSocket and fetch cannot reach:
		// there the closing and the silent server refuse like the first.
		kinds = append(kinds, "the server closed the connection", "no answer in time")
	}
	for _, e := range kinds {
		assert.Contains(t, err.Error(), e, "each kind of failure was met")
	}
	logs.assertClean(t)
}

// TestReconnectHidesURLCredentials cuts the connection of a client with a
// server list whose URLs carry credentials, and keeps the live server
// stalled while the client redials it and the dead ones: the reconnect log
// records, their errors (whole chains) and the errors given to the state
// handler show none of the credentials; then the client reconnects.
func TestReconnectHidesURLCredentials(t *testing.T) {
	srv, p := proxied(t)
	// The last server of the list, reached through a second proxy.
	last, err := faultproxy.New(strings.TrimPrefix(srv.WSURL, "ws://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = last.Close() })
	refused, _, _ := deadServers(t)
	servers := append([]string{"ws://user:" + urlPassword + "@" + p.Addr()}, withCreds("ws", refused, "")...)
	servers = append(servers, withCreds("http", refused, "/janus")...)
	servers = append(servers, "ws://user:"+urlPassword+"@[::1", "ws://"+urlToken+"@"+last.Addr())
	logs := newRecordingHandler()
	var mu sync.Mutex
	var stateErrs []error
	states := newStateLog()
	c, err := core.DialServers(ctxT(t), servers, core.WithLogger(slog.New(logs)),
		core.WithReconnect(fastReconnect), core.WithTransactionTimeout(300*time.Millisecond),
		core.WithStateHandler(func(s core.ConnState, err error) {
			mu.Lock()
			stateErrs = append(stateErrs, err)
			mu.Unlock()
			states.handler(s, err)
		}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s, err := c.CreateSession(ctxT(t))
	require.NoError(t, err)

	// The first server goes away and the last one hangs: every redial
	// fails, on each server of the list.
	last.Stall()
	require.NoError(t, p.Close())
	logs.waitFor(t, "janus: reconnect attempt failed")
	logs.waitFor(t, "janus: reconnect attempt failed")
	last.Resume()
	states.waitFor(t, core.StateReconnected)
	require.NoError(t, s.Keepalive(ctxT(t)), "the session was claimed")

	// Over HTTP, through a proxy that goes away: the keepalives go
	// unanswered and the client redials in vain.
	hp, err := faultproxy.New(strings.TrimSuffix(strings.TrimPrefix(srv.HTTPURL, "http://"), "/janus"))
	require.NoError(t, err)
	httpLogs := newRecordingHandler()
	hc, err := core.Dial(ctxT(t), "http://"+urlToken+"@"+hp.Addr()+"/janus", core.WithLogger(slog.New(httpLogs)),
		core.WithReconnect(fastReconnect), core.WithKeepalive(50*time.Millisecond), core.WithTransactionTimeout(300*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(func() { _ = hc.Close() })
	hs, err := hc.CreateSession(ctxT(t))
	require.NoError(t, err)
	require.NoError(t, hp.Close())
	httpLogs.waitFor(t, "janus: reconnect attempt failed")
	// No deadline of its own: the transaction timeout ends the wait.
	_, err = hs.Attach(context.Background(), echoTest)
	require.Error(t, err)
	assertNoSecret(t, "request error", err)
	httpLogs.assertClean(t)

	logs.assertClean(t)
	mu.Lock()
	defer mu.Unlock()
	for _, err := range stateErrs {
		assertNoSecret(t, "state handler error", err)
	}
}

// TestURLErrorHidesCredentials: a URL that cannot be used is named in its
// error without credentials, and RedactURL gives the form errors show.
func TestURLErrorHidesCredentials(t *testing.T) {
	e := &core.URLError{URL: "ftp://user:" + urlPassword + "@h/x?token=" + urlToken, Reason: "unsupported"}
	assert.Equal(t, `janus: bad server URL "ftp://h/x": unsupported`, e.Error())
	assert.Equal(t, "wss://h:8989/janus", core.RedactURL("wss://"+urlToken+"@h:8989/janus?apisecret="+urlToken))
}
