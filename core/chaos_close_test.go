package core_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
)

// TestChaosCloseUnderLoad closes a client while hundreds of calls are in
// flight on it (plugin messages on many handles, keepalives, info), held
// by a stalled proxy after they were written: every call returns with an
// error matching ErrClosed (or ErrDisconnected for one cut off on its
// way), and calls made after Close fail at once. Goroutines left behind are
// caught by the package's leak check. GOJANUS_CHAOS=full runs 1,000
// calls, the default 300.
func TestChaosCloseUnderLoad(t *testing.T) {
	calls := 300
	if chaosFull() {
		calls = 1000
	}
	_, p := proxied(t)
	ctx := ctxT(t)
	c, err := core.Dial(ctx, "ws://"+p.Addr(), core.WithReconnect(fastReconnect))
	require.NoError(t, err)
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	var handles []*core.Handle
	for range 10 {
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		handles = append(handles, h)
	}

	p.Stall() // what the calls write reaches the proxy and no further
	var wg sync.WaitGroup
	started := make(chan struct{}, calls)
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			var err error
			switch i % 3 {
			case 0:
				_, err = handles[i%len(handles)].Message(context.Background(), map[string]any{"audio": true})
			case 1:
				err = s.Keepalive(context.Background())
			default:
				_, err = c.Info(context.Background())
			}
			errs <- err
		}()
	}
	for range calls {
		<-started
	}
	// Calls are in flight: written, and held by the proxy.
	require.Eventually(t, func() bool { return p.Held() > 0 }, 10*time.Second, time.Millisecond)
	closing := time.Now()
	require.NoError(t, c.Close())
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("calls still running after Close")
	}
	allReturned := time.Since(closing)
	close(errs)
	answered, closed := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			answered++
		case errors.Is(err, core.ErrClosed), errors.Is(err, core.ErrDisconnected):
			closed++
		default:
			t.Errorf("a call ended with %v", err)
		}
	}
	assert.Zero(t, answered, "nothing gets through a stalled proxy")
	_, err = c.Info(context.Background())
	assert.ErrorIs(t, err, core.ErrClosed, "a call after Close")
	_, err = handles[0].Message(context.Background(), nil)
	assert.ErrorIs(t, err, core.ErrClosed, "a plugin message after Close")
	p.Resume()
	chaosReport(t, "Close under load",
		fig("calls in flight", "%d (plugin messages on 10 handles, keepalives, info), held by a stalled proxy", calls),
		fig("ended by Close", "%d, all ErrClosed (or ErrDisconnected when cut on their way)", closed),
		fig("all returned", "%v after Close", allReturned.Round(time.Microsecond)),
		fig("calls after Close", "fail at once with ErrClosed"))
}
