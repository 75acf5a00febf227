package core_test

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestSoak keeps many sessions and handles busy on one connection, with
// keepalives running, and checks that no transaction and no event is lost
// and that memory stays flat. go tool mage test runs a short version;
// go tool mage soak runs 1,000 sessions with 5 handles each for minutes
// (GOJANUS_SOAK_SESSIONS, GOJANUS_SOAK_HANDLES, GOJANUS_SOAK_SECONDS).
func TestSoak(t *testing.T) {
	sessions := envInt("GOJANUS_SOAK_SESSIONS", 100)
	handles := envInt("GOJANUS_SOAK_HANDLES", 5)
	duration := time.Duration(envInt("GOJANUS_SOAK_SECONDS", 6)) * time.Second
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), duration+5*time.Minute)
	defer cancel()
	c := dial(t, srv.WSURL, core.WithKeepalive(2*time.Second))

	type counted struct {
		h        *core.Handle
		posted   atomic.Int64
		received atomic.Int64
	}
	var all []*counted
	var readers sync.WaitGroup
	setupStart := time.Now()
	for range sessions {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		for range handles {
			h, err := s.Attach(ctx, echoTest)
			require.NoError(t, err)
			ch := &counted{h: h}
			all = append(all, ch)
			readers.Add(1)
			go func() {
				defer readers.Done()
				for ev := range h.Events() {
					switch ev.(type) {
					case *core.PluginEvent:
						ch.received.Add(1)
					case *core.EventsDropped:
						t.Error("events dropped")
					}
				}
			}()
		}
	}
	setup := time.Since(setupStart)

	// Warm up, then measure the heap; load for the duration; measure again.
	load := func(d time.Duration) (requests int64, failures int64) {
		var wg sync.WaitGroup
		var reqs, fails atomic.Int64
		stop := time.Now().Add(d)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					ch := all[rand.IntN(len(all))]
					if _, err := ch.h.Post(ctx, map[string]any{"audio": true}); err != nil {
						fails.Add(1)
						t.Errorf("post: %v", err)
						return
					}
					ch.posted.Add(1)
					reqs.Add(1)
				}
			}()
		}
		wg.Wait()
		return reqs.Load(), fails.Load()
	}
	load(duration / 4)
	before := heapInUse()
	start := time.Now()
	requests, failures := load(duration)
	elapsed := time.Since(start)

	// Every posted request's event arrives on its handle's stream.
	require.Eventually(t, func() bool {
		for _, ch := range all {
			if ch.received.Load() != ch.posted.Load() {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "every event delivered")
	after := heapInUse()
	t.Logf("soak: %d sessions x %d handles (set up in %s), %d requests in %s (%.0f/s), 0 lost events, heap %d kB -> %d kB, %d goroutines",
		sessions, handles, setup.Round(time.Millisecond), requests, elapsed.Round(time.Millisecond),
		float64(requests)/elapsed.Seconds(), before/1024, after/1024, runtime.NumGoroutine())
	assert.Zero(t, failures)
	// Flat memory: the heap after the load is within 50% (plus 4 MB of
	// slack for the runtime) of the heap after the warm-up.
	assert.Less(t, after, before+before/2+4<<20, "heap grew from %d to %d bytes", before, after)

	for _, s := range c.Sessions() {
		require.NoError(t, s.Destroy(ctx))
	}
	readers.Wait()
}
