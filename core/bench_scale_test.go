package core_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janustest"
)

const (
	scaleSessions          = 1000
	scaleHandlesPerSession = 10
)

// BenchmarkScale opens 1,000 sessions with 10 EchoTest handles each
// (10,000 handles) over one WebSocket connection to a real Janus, and
// reports what they cost the client once idle: the live heap they hold
// (heap-MB, after a GC, above what the connected client held before) and
// the goroutines of the whole process (goroutines), which must not grow
// with the handles. Keepalives run for every session meanwhile. One
// measurement; run it with -benchtime 1x.
func BenchmarkScale(b *testing.B) {
	srv := janustest.Shared(b)
	b.Run("handles-10000/gojanus", func(b *testing.B) {
		ctx := context.Background()
		c, err := core.Dial(ctx, srv.WSURL)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		before := liveHeap()
		goroutinesBefore := runtime.NumGoroutine()

		sessions := make([]*core.Session, scaleSessions)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			ferr error
		)
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					s, err := c.CreateSession(ctx)
					if err == nil {
						for range scaleHandlesPerSession {
							if _, err = s.Attach(ctx, echoTest); err != nil {
								break
							}
						}
					}
					if err != nil {
						mu.Lock()
						ferr = err
						mu.Unlock()
						continue
					}
					sessions[i] = s
				}
			})
		}
		for i := range sessions {
			next <- i
		}
		close(next)
		wg.Wait()
		if ferr != nil {
			b.Fatal(ferr)
		}
		handles := 0
		for _, s := range c.Sessions() {
			handles += len(s.Handles())
		}
		if handles != scaleSessions*scaleHandlesPerSession {
			b.Fatalf("%d handles open, want %d", handles, scaleSessions*scaleHandlesPerSession)
		}
		after := liveHeap()
		goroutines := runtime.NumGoroutine()
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(after-before)/(1<<20), "heap-MB")
		b.ReportMetric(float64(goroutines), "goroutines")
		b.ReportMetric(float64(goroutines-goroutinesBefore), "added-goroutines")

		// Clean up on the server too, so that a shared Janus is left as
		// it was.
		next = make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					_ = sessions[i].Destroy(ctx)
				}
			})
		}
		for i := range sessions {
			next <- i
		}
		close(next)
		wg.Wait()
	})
}

// liveHeap returns the bytes of live heap objects after a full GC.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
