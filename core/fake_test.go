package core

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core/transport/mem"
)

// fakeJanus drives the server end of an in-memory connection from a test.
type fakeJanus struct {
	t   *testing.T
	srv *mem.Server
}

func newFake(t *testing.T, opts ...Option) (*Client, *fakeJanus) {
	t.Helper()
	tr, srv := mem.New()
	c := NewClient(tr, append([]Option{WithKeepalive(0)}, opts...)...)
	t.Cleanup(func() { _ = c.Close() })
	return c, &fakeJanus{t: t, srv: srv}
}

// next returns the next request the client sent.
func (f *fakeJanus) next() map[string]any {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := f.srv.RecvJSON(ctx)
	require.NoError(f.t, err, "waiting for a request")
	return m
}

// expect returns the next request and checks its type.
func (f *fakeJanus) expect(janus string) map[string]any {
	f.t.Helper()
	m := f.next()
	require.Equal(f.t, janus, m["janus"], "request %v", m)
	return m
}

// send delivers a message to the client.
func (f *fakeJanus) send(m map[string]any) {
	f.t.Helper()
	require.NoError(f.t, f.srv.SendJSON(m))
}

// reply answers req with m plus req's transaction.
func (f *fakeJanus) reply(req map[string]any, m map[string]any) {
	f.t.Helper()
	m["transaction"] = req["transaction"]
	f.send(m)
}

func (f *fakeJanus) success(req map[string]any, id uint64) {
	f.reply(req, map[string]any{"janus": "success", "data": map[string]any{"id": id}})
}

// async runs fn in a goroutine and returns a channel with its error.
func async(fn func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- fn() }()
	return ch
}

func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("timed out")
		var zero T
		return zero
	}
}

// session creates a session (id 1) and a handle (id 2) through the fake.
func (f *fakeJanus) session(c *Client) (*Session, *Handle) {
	f.t.Helper()
	type res struct {
		s *Session
		h *Handle
		e error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := c.CreateSession(context.Background())
		if err != nil {
			ch <- res{e: err}
			return
		}
		h, err := s.Attach(context.Background(), "janus.plugin.echotest")
		ch <- res{s, h, err}
	}()
	f.success(f.expect("create"), 1)
	f.success(f.expect("attach"), 2)
	r := wait(f.t, ch)
	require.NoError(f.t, r.e)
	return r.s, r.h
}

func nextEvent(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "stream closed")
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return nil
	}
}

func jsonNum(v any) uint64 {
	n, _ := v.(json.Number).Int64()
	return uint64(n)
}

func jsonNumber(s string) json.Number { return json.Number(s) }
