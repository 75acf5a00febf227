//go:build !js

package longpoll

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/core/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func recv(t *testing.T, tr *Transport) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := tr.Recv(ctx)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func TestSendPostsToSessionAndHandlePathsAndQueuesAnswer(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Test"))
		mu.Unlock()
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		_ = json.NewEncoder(w).Encode(map[string]any{"janus": "success", "transaction": m["transaction"]})
	}))
	defer srv.Close()
	tr, err := New(srv.URL+"/janus/", transport.Options{NativeOptions: transport.NativeOptions{Header: http.Header{"X-Test": {"yes"}}}})
	require.NoError(t, err)
	defer tr.Close()
	ctx := context.Background()
	require.NoError(t, tr.Send(ctx, transport.Request{Janus: "create", Body: []byte(`{"janus":"create","transaction":"a"}`)}))
	require.NoError(t, tr.Send(ctx, transport.Request{Janus: "attach", Session: 7, Body: []byte(`{"janus":"attach","transaction":"b"}`)}))
	require.NoError(t, tr.Send(ctx, transport.Request{Janus: "message", Session: 7, Handle: 9, Body: []byte(`{"janus":"message","transaction":"c"}`)}))
	for _, tx := range []string{"a", "b", "c"} {
		assert.Equal(t, tx, recv(t, tr)["transaction"])
	}
	assert.Equal(t, []string{"POST /janus yes", "POST /janus/7 yes", "POST /janus/7/9 yes"}, paths)
}

func TestPollDeliversEventsWithCredentialsAndStopsOnSessionGone(t *testing.T) {
	var polls atomic.Int32
	var query atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, http.MethodGet, r.Method)
		query.Store(r.URL.RawQuery)
		switch polls.Add(1) {
		case 1:
			http.Error(w, "boom", http.StatusBadGateway) // a failed poll is retried
		case 2:
			_, _ = io.WriteString(w, `[{"janus":"webrtcup","session_id":5,"sender":6},{"janus":"hangup","session_id":5,"sender":6}]`)
		case 3:
			_, _ = io.WriteString(w, `{"janus":"keepalive"}`)
		default:
			_, _ = io.WriteString(w, `{"janus":"error","error":{"code":458,"reason":"No such session 5"}}`)
		}
	}))
	defer srv.Close()
	tr, err := New(srv.URL+"/janus", transport.Options{MaxEvents: 5})
	require.NoError(t, err)
	defer tr.Close()
	tr.SessionOpened(transport.Session{ID: 5, APISecret: "sec", Token: "tok"})
	tr.SessionOpened(transport.Session{ID: 5}) // twice: one poller
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The failed poll reached the proxy: its events may be lost.
	_, err = tr.Recv(ctx)
	var lost *transport.EventsLost
	require.ErrorAs(t, err, &lost)
	assert.Equal(t, uint64(5), lost.Session)
	b, err := tr.Recv(ctx)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "["), "arrays are passed on whole")
	assert.Equal(t, "keepalive", recv(t, tr)["janus"])
	// Gone after a poll that succeeded: the timeout Janus dropped.
	assert.Equal(t, map[string]any{"janus": "timeout", "session_id": float64(5)}, recv(t, tr))
	q := query.Load().(string)
	for _, want := range []string{"maxev=5", "apisecret=sec", "token=tok", "rid="} {
		assert.Contains(t, q, want)
	}
	// The poller stopped by itself.
	require.Eventually(t, func() bool {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return len(tr.polls) == 0
	}, 2*time.Second, 10*time.Millisecond)
	assert.Equal(t, int32(4), polls.Load())
}

// TestPollSessionGone checks what a poll that finds the session gone
// passes on: Janus's HTTP transport answers such a poll with 404 and no
// body. After polls that succeeded, the session timed out and its timeout
// event was dropped with its queue: the timeout is passed on. After a
// poll that failed (the server was unreachable, perhaps restarted), it is
// error 458.
func TestPollSessionGone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first int // the status of the first poll; the second is 404
		want  map[string]any
	}{
		{"after a poll that succeeded", http.StatusOK, map[string]any{"janus": "timeout", "session_id": float64(8)}},
		{"after a poll that failed", http.StatusBadGateway, map[string]any{"janus": "error", "session_id": float64(8),
			"error": map[string]any{"code": float64(458), "reason": "No such session 8"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var polls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if polls.Add(1) > 1 {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				w.WriteHeader(tc.first)
				_, _ = io.WriteString(w, `{"janus":"event","session_id":8,"sender":9}`)
			}))
			defer srv.Close()
			tr, err := New(srv.URL+"/janus", transport.Options{})
			require.NoError(t, err)
			defer tr.Close()
			tr.SessionOpened(transport.Session{ID: 8})
			if tc.first != http.StatusOK {
				_, err := tr.Recv(context.Background())
				var lost *transport.EventsLost
				require.ErrorAs(t, err, &lost, "a failed poll may have lost events")
			}
			m := recv(t, tr)
			if tc.first == http.StatusOK {
				assert.Equal(t, "event", m["janus"])
				m = recv(t, tr)
			}
			assert.Equal(t, tc.want, m)
			require.Eventually(t, func() bool {
				tr.mu.Lock()
				defer tr.mu.Unlock()
				return len(tr.polls) == 0
			}, 5*time.Second, 10*time.Millisecond, "the poller stopped")
			assert.Equal(t, int32(2), polls.Load())
		})
	}
}

func TestErrorsStatusReadLimitAndClose(t *testing.T) {
	polling := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = io.WriteString(w, `{"janus":"success","pad":"`+strings.Repeat("x", 500)+`"}`)
		case "/wait/1":
			select {
			case polling <- struct{}{}:
			default:
			}
			<-r.Context().Done()
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	tr, err := New(srv.URL+"/nope", transport.Options{})
	require.NoError(t, err)
	err = tr.Send(ctx, transport.Request{Body: []byte(`{}`)})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 404, se.Code)
	require.NoError(t, tr.Close())
	assert.ErrorIs(t, tr.Send(ctx, transport.Request{Body: []byte(`{}`)}), transport.ErrClosed)
	_, err = tr.Recv(ctx)
	assert.ErrorIs(t, err, transport.ErrClosed)

	tr, err = New(srv.URL+"/big", transport.Options{ReadLimit: 100})
	require.NoError(t, err)
	assert.ErrorIs(t, tr.Send(ctx, transport.Request{Body: []byte(`{}`)}), transport.ErrFrameTooLarge)
	require.NoError(t, tr.Close())

	// Close ends a hanging poll promptly.
	tr, err = New(srv.URL+"/wait", transport.Options{})
	require.NoError(t, err)
	tr.SessionOpened(transport.Session{ID: 1})
	select {
	case <-polling: // the poll hangs in the server
	case <-time.After(5 * time.Second):
		t.Fatal("no poll")
	}
	done := make(chan struct{})
	go func() { _ = tr.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung")
	}

	_, err = New("ws://x", transport.Options{})
	assert.Error(t, err)
	assert.False(t, errors.Is(err, transport.ErrClosed))
}

// A server that holds every request: Send gives up on a request at its
// Due time, and a keepalive does not hold up its caller at all (the client
// sends every session's keepalive from one loop).
func TestSendStopsAtDueAndKeepalivesDoNotBlock(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	tr, err := New(srv.URL+"/janus", transport.Options{})
	require.NoError(t, err)
	defer tr.Close()

	due := time.Now().Add(200 * time.Millisecond)
	err = tr.Send(context.Background(), transport.Request{Janus: "message", Session: 1, Handle: 2, Body: []byte(`{}`), Due: due})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, time.Now().Before(due), "gave up before the request was due")

	returned := make(chan error, 1)
	go func() {
		returned <- tr.Send(context.Background(), transport.Request{Janus: "keepalive", Session: 1, Body: []byte(`{}`), Due: time.Now().Add(time.Hour), Background: true})
	}()
	select {
	case err := <-returned:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("a keepalive to a server that does not answer blocked its caller")
	}
}

// A poll whose connection breaks after it was sent may have taken events
// off the server's queue: Recv reports that as *transport.EventsLost for
// the session, and polling goes on. A poll that could not connect lost
// nothing and reports nothing.
func TestPollCutReportsEventsLost(t *testing.T) {
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if polls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // cut on the way back
			}
			return
		}
		_, _ = w.Write([]byte(`{"janus":"keepalive","session_id":7}`))
	}))
	defer srv.Close()
	tr, err := New(srv.URL+"/janus", transport.Options{})
	require.NoError(t, err)
	defer tr.Close()
	tr.SessionOpened(transport.Session{ID: 7})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = tr.Recv(ctx)
	var lost *transport.EventsLost
	require.ErrorAs(t, err, &lost)
	assert.Equal(t, uint64(7), lost.Session)
	assert.Equal(t, "keepalive", recv(t, tr)["janus"], "polling goes on")
	tr.SessionClosed(7)

	// Nothing listens: the polls fail before they are sent.
	dead, err := New("http://127.0.0.1:1/janus", transport.Options{})
	require.NoError(t, err)
	defer dead.Close()
	dead.SessionOpened(transport.Session{ID: 8})
	short, cancelShort := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancelShort()
	_, err = dead.Recv(short)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a poll that never connected lost nothing")
}
