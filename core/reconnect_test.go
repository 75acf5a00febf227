package core_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/faultproxy"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// proxied starts a Janus that keeps sessions for a reconnect and a fault
// proxy in front of its WebSocket port.
func proxied(t *testing.T) (*janusserver.Server, *faultproxy.Proxy) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{ReclaimSessionTimeout: 20})
	p, err := faultproxy.New(strings.TrimPrefix(srv.WSURL, "ws://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return srv, p
}

// fastReconnect is a reconnect policy for tests.
var fastReconnect = core.ReconnectPolicy{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2, Jitter: 0.2, MaxElapsed: 15 * time.Second}

// stateLog records connection state changes.
type stateLog struct {
	mu     sync.Mutex
	states []core.ConnState
	ch     chan core.ConnState
}

func newStateLog() *stateLog { return &stateLog{ch: make(chan core.ConnState, 256)} }

func (l *stateLog) handler(s core.ConnState, _ error) {
	l.mu.Lock()
	l.states = append(l.states, s)
	l.mu.Unlock()
	select {
	case l.ch <- s:
	default:
	}
}

func (l *stateLog) waitFor(t *testing.T, want core.ConnState) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case s := <-l.ch:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("state %v not reached; saw %v", want, l.states)
		}
	}
}

func TestReconnectAfterCutWhileIdle(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	states := newStateLog()
	c := dial(t, "ws://"+p.Addr(), core.WithReconnect(fastReconnect), core.WithStateHandler(states.handler))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)

	p.Cut()
	states.waitFor(t, core.StateReconnected)
	assert.Equal(t, core.StateConnected, c.State())
	assert.Equal(t, 2, p.Accepted(), "one redial")

	// The same session and handle carry on: a plugin event reaches the
	// handle's stream, and keepalives and requests work.
	_, err = h.Post(ctx, map[string]any{"audio": true})
	require.NoError(t, err)
	ev := recvEvent(t, h.Events(), 5*time.Second)
	assert.IsType(t, &core.PluginEvent{}, ev)
	require.NoError(t, s.Keepalive(ctx))
	require.NoError(t, s.Destroy(ctx))
	assert.Nil(t, c.Err())
}

func TestCutDuringPendingRequestFailsFast(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	c := dial(t, "ws://"+p.Addr(), core.WithReconnect(fastReconnect))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)

	p.Stall() // the request reaches nobody
	held := p.Held()
	errc := make(chan error, 1)
	go func() { _, err := h.Message(ctx, map[string]any{"audio": true}); errc <- err }()
	// The request is in flight: it was written and the proxy holds it.
	require.Eventually(t, func() bool { return p.Held() > held }, 10*time.Second, time.Millisecond,
		"the message did not reach the proxy")
	start := time.Now()
	p.Cut()
	p.Resume()
	select {
	case err := <-errc:
		require.ErrorIs(t, err, core.ErrDisconnected, "a plugin message is not resent")
		assert.Less(t, time.Since(start), 5*time.Second)
	case <-time.After(10 * time.Second):
		t.Fatal("the pending request did not end")
	}
	// After the reconnect the handle works again.
	require.Eventually(t, func() bool { return c.State() == core.StateConnected }, 10*time.Second, 10*time.Millisecond)
	_, err = h.Message(ctx, map[string]any{"audio": true})
	require.NoError(t, err)
	// A resendable request survives a cut in flight.
	p.Stall()
	held = p.Held()
	infoc := make(chan error, 1)
	go func() { _, err := c.Info(ctx); infoc <- err }()
	require.Eventually(t, func() bool { return p.Held() > held }, 10*time.Second, time.Millisecond,
		"the info request did not reach the proxy")
	p.Cut()
	p.Resume()
	require.NoError(t, <-infoc, "info is sent again after the reconnect")
}

func TestStalledServerTimesOutAndIsLost(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	states := newStateLog()
	c := dial(t, "ws://"+p.Addr(),
		core.WithReconnect(core.ReconnectPolicy{Disabled: true}),
		core.WithKeepalive(100*time.Millisecond), core.WithTransactionTimeout(time.Second),
		core.WithStallTimeout(3*time.Second), core.WithStateHandler(states.handler))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)

	p.Stall()
	_, err = s.Attach(ctx, echoTest)
	require.ErrorIs(t, err, core.ErrTimeout)
	kf := recvEvent(t, s.Events(), 5*time.Second)
	require.IsType(t, &core.KeepaliveFailed{}, kf)
	assert.ErrorIs(t, kf.(*core.KeepaliveFailed).Err, core.ErrTimeout)

	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled connection was not given up")
	}
	assert.ErrorIs(t, c.Err(), core.ErrDisconnected)
	assert.ErrorIs(t, c.Err(), core.ErrStalled)
	<-s.Done()
	assert.ErrorIs(t, s.Err(), core.ErrStalled)
	assert.Equal(t, core.StateLost, c.State())
	p.Resume()
}

func TestManyCutsUnderLoad(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	c := dial(t, "ws://"+p.Addr(), core.WithReconnect(fastReconnect), core.WithKeepalive(50*time.Millisecond))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)

	load := startMessageLoad(ctx, h, 4)
	// The load: a cut every 30 ms. The pause is the cut rate, not a wait
	// for anything.
	for range 50 {
		time.Sleep(30 * time.Millisecond)
		p.Cut()
	}
	require.Eventually(t, func() bool { return c.State() == core.StateConnected }, 15*time.Second, 10*time.Millisecond)
	// Requests go through again after the last reconnect.
	okCuts := load.ok.Load()
	require.Eventually(t, func() bool { return load.ok.Load() > okCuts }, 15*time.Second, 10*time.Millisecond,
		"no request answered after the last reconnect")
	assert.Empty(t, load.end(), "every failure is ErrDisconnected")
	t.Logf("%d requests answered (%d during the cuts), %d cut off, %d connections", load.ok.Load(), okCuts, load.disconnected.Load(), p.Accepted())
	// No session was lost: the same session and handle still work.
	assert.Same(t, s, c.Session(s.ID()))
	_, err = h.Message(ctx, map[string]any{"audio": true})
	require.NoError(t, err)
	require.NoError(t, s.Destroy(ctx))
}

func TestJanusKilledAndRestarted(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{ReclaimSessionTimeout: 20})
	ctx := ctxT(t)
	states := newStateLog()
	c := dial(t, srv.WSURL, core.WithReconnect(fastReconnect), core.WithStateHandler(states.handler))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)

	// SIGKILL, and a new Janus on the same ports.
	srv.Kill()
	states.waitFor(t, core.StateReconnecting)
	errc := make(chan error, 1)
	go func() { _, err := h.Message(ctx, map[string]any{"audio": true}); errc <- err }()
	srv2 := janustest.RestartOnPorts(t, srv, janusserver.Options{ReclaimSessionTimeout: 20})
	states.waitFor(t, core.StateReconnected)

	// The new server does not know the old session: it ends, with its
	// handle, and the waiting request fails with a typed error.
	<-s.Done()
	assert.ErrorIs(t, s.Err(), core.ErrSessionNotFound)
	<-h.Done()
	select {
	case err := <-errc:
		require.Error(t, err)
		var je *core.Error
		assert.True(t, errors.As(err, &je) || errors.Is(err, core.ErrDisconnected), "typed error: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting request did not end")
	}
	// A fresh session works on the same client.
	s2, err := c.CreateSession(ctx)
	require.NoError(t, err)
	info, err := c.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv2.Version, info.VersionString)
	require.NoError(t, s2.Destroy(ctx))
}

func TestServerListFallsBackInOrder(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx := ctxT(t)
	c, err := core.DialServers(ctx, []string{"ws://127.0.0.1:1", "http://127.0.0.1:1/janus-nothing-here", srv.WSURL})
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Info(ctx)
	require.NoError(t, err)
	_, err = core.DialServers(ctx, []string{"ws://127.0.0.1:1", "ws://127.0.0.1:2"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "127.0.0.1:2")
}

// messageLoad sends EchoTest messages on one handle from several workers
// until end, counting the answers and the failures that match
// ErrDisconnected, and keeping any other error.
type messageLoad struct {
	ok, disconnected atomic.Int64

	mu    sync.Mutex
	other []error
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startMessageLoad(ctx context.Context, h *core.Handle, workers int) *messageLoad {
	l := &messageLoad{stop: make(chan struct{})}
	for range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				_, err := h.Message(ctx, map[string]any{"audio": true})
				switch {
				case err == nil:
					l.ok.Add(1)
				case errors.Is(err, core.ErrDisconnected):
					l.disconnected.Add(1)
				default:
					l.mu.Lock()
					l.other = append(l.other, err)
					l.mu.Unlock()
				}
			}
		}()
	}
	return l
}

// end stops the workers, waits for them and returns the errors that did
// not match ErrDisconnected.
func (l *messageLoad) end() []error {
	close(l.stop)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.other
}
