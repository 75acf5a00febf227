package core_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// TestCutFailsOnlyRequestsInFlight cuts the connection under 8 workers
// that send plugin messages on one handle, 20 times, and checks after each
// cut that no more requests failed than were in flight at the cut (8),
// all with ErrDisconnected: the requests written after the cut, before
// the client noticed it, fail their write and never reached Janus, so
// they wait for the next connection instead (issue 14: one cut failed 18
// to 78 of them with "broken pipe").
func TestCutFailsOnlyRequestsInFlight(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	states := newStateLog()
	c := dial(t, "ws://"+p.Addr(), core.WithReconnect(fastReconnect), core.WithStateHandler(states.handler))
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)

	const workers = 8
	load := startMessageLoad(ctx, h, workers)
	for i := range 20 {
		// Load flows on a live connection before each cut.
		answered := load.ok.Load()
		require.Eventually(t, func() bool { return load.ok.Load() >= answered+int64(workers) }, 15*time.Second, time.Millisecond,
			"cut %d: no answers before the cut", i)
		before := load.disconnected.Load()
		p.Cut()
		states.waitFor(t, core.StateReconnected)
		// Answers again: the requests of the cut have ended one way or
		// the other.
		answered = load.ok.Load()
		require.Eventually(t, func() bool { return load.ok.Load() >= answered+int64(workers) }, 15*time.Second, time.Millisecond,
			"cut %d: no answers after the reconnect", i)
		assert.LessOrEqual(t, load.disconnected.Load()-before, int64(workers), "cut %d: failures beyond the %d requests in flight", i, workers)
	}
	assert.Empty(t, load.end(), "every failure is ErrDisconnected")
	t.Logf("%d answered, %d cut off in 20 cuts", load.ok.Load(), load.disconnected.Load())
}

// TestRequestDeadlineWhileReconnecting sends a request without a deadline
// while the client cannot reconnect (the server is gone and the reconnect
// policy would try for a minute): it must end with a timeout after the
// transaction timeout, not wait for the reconnect limit (issue 14: 43.7 s).
func TestRequestDeadlineWhileReconnecting(t *testing.T) {
	_, p := proxied(t)
	states := newStateLog()
	c := dial(t, "ws://"+p.Addr(), core.WithTransactionTimeout(500*time.Millisecond),
		core.WithReconnect(core.ReconnectPolicy{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2, MaxElapsed: time.Minute}),
		core.WithStateHandler(states.handler))
	require.NoError(t, p.Close()) // cut, and nothing listens there any more
	states.waitFor(t, core.StateReconnecting)

	errc := make(chan error, 1)
	go func() { _, err := c.Info(context.Background()); errc <- err }()
	select {
	case err := <-errc:
		require.ErrorIs(t, err, core.ErrTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(20 * time.Second):
		t.Fatal("a request without a deadline waited for the reconnect policy, not its transaction timeout")
	}
	assert.Equal(t, core.StateReconnecting, c.State(), "still trying")
}

// countingHandler counts log records by message.
type countingHandler struct {
	mu     sync.Mutex
	counts map[string]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *countingHandler) WithGroup(string) slog.Handler            { return h }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.counts[r.Message]++
	h.mu.Unlock()
	return nil
}

func (h *countingHandler) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for msg, c := range h.counts {
		if strings.HasPrefix(msg, prefix) {
			n += c
		}
	}
	return n
}

// TestStallWarnsOncePerConnection stalls the server, so that the client
// drops the connection, and keeps it unreachable while the client redials
// through many keepalive periods: the stall is reported once, not at every
// keepalive tick on the dead connection (issue 14: 17 warnings in 33 s).
func TestStallWarnsOncePerConnection(t *testing.T) {
	_, p := proxied(t)
	ctx := ctxT(t)
	logs := &countingHandler{counts: map[string]int{}}
	states := newStateLog()
	c := dial(t, "ws://"+p.Addr(),
		core.WithKeepalive(50*time.Millisecond), core.WithTransactionTimeout(time.Second),
		core.WithStallTimeout(time.Second), core.WithLogger(slog.New(logs)),
		core.WithReconnect(core.ReconnectPolicy{Initial: 100 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1, MaxElapsed: time.Minute}),
		core.WithStateHandler(states.handler))
	_, err := c.CreateSession(ctx)
	require.NoError(t, err)

	p.Stall()
	require.Eventually(t, func() bool { return logs.count("janus: server silent") > 0 }, 15*time.Second, 5*time.Millisecond)
	require.NoError(t, p.Close()) // redials fail from now on
	// Twenty failed redials, 100 ms apart: some forty keepalive periods.
	require.Eventually(t, func() bool { return logs.count("janus: reconnect attempt failed") >= 20 }, 15*time.Second, 5*time.Millisecond)
	assert.Equal(t, 1, logs.count("janus: server silent"), "stall warnings while redialling")
	assert.Equal(t, core.StateReconnecting, c.State())
}

// TestRequestOnEndedSession checks that a request on a handle of a
// session that has ended fails at once with why the session ended, and is
// not sent to Janus (which would answer 458, ErrSessionNotFound).
func TestRequestOnEndedSession(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx := ctxT(t)
	c := dial(t, srv.WSURL)
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echoTest)
	require.NoError(t, err)
	require.NoError(t, s.Destroy(ctx))
	_, err = h.Message(ctx, map[string]any{"audio": true})
	require.ErrorIs(t, err, core.ErrSessionDestroyed)
	assert.NotErrorIs(t, err, core.ErrSessionNotFound, "not sent to Janus")
	assert.ErrorIs(t, h.Trickle(ctx, core.Candidate{Completed: true}), core.ErrSessionDestroyed)
}
