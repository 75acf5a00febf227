package core_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janustest"
)

// The scenarios of BenchmarkCompare, measured the same way for every client
// (internal/janodetest/node/bench.mjs measures janode on them too).
const (
	latencyWarmup   = 200
	latencyRequests = 2000
	setupWarmup     = 50
	setupCycles     = 300
	throughputWarm  = 500 * time.Millisecond
	throughputSpan  = 3 * time.Second
)

// throughputInFlight are the concurrency levels of the throughput scenario.
var throughputInFlight = []int{1, 8, 64}

// echoBody is the EchoTest request of the plugin-message scenarios: Janus
// answers it with an ack, then an event.
var echoBody = map[string]any{"audio": true}

// BenchmarkCompare measures gojanus and a minimal client (see
// minimalClient) on the same scenarios, against one real Janus over
// WebSocket: the latency (p50, p99) of sequential keepalives and of
// sequential EchoTest messages (ack + event), the EchoTest message
// throughput with 1, 8 and 64 in flight over one connection (one handle
// per worker), and sessions set up per second (create + attach + detach +
// destroy). Each scenario is one measurement of fixed size, so run it with
// -benchtime 1x (go tool mage bench does).
func BenchmarkCompare(b *testing.B) {
	srv := janustest.Shared(b)
	clients := []struct {
		name string
		new  func(b *testing.B, slots int) benchClient
	}{
		{"gojanus", func(b *testing.B, slots int) benchClient { return newGojanusBench(b, srv.WSURL) }},
		{"minimal", func(b *testing.B, slots int) benchClient { return &minimalBench{m: dialMinimal(b, srv.WSURL, slots)} }},
	}
	for _, c := range clients {
		b.Run("latency-keepalive/"+c.name, func(b *testing.B) {
			bc := c.new(b, 1)
			req := bc.keepalive(b)
			reportLatency(b, req)
		})
	}
	for _, c := range clients {
		b.Run("latency-echotest/"+c.name, func(b *testing.B) {
			bc := c.new(b, 1)
			reportLatency(b, bc.echo(b, 1)[0])
		})
	}
	for _, k := range throughputInFlight {
		for _, c := range clients {
			b.Run("throughput-"+strconv.Itoa(k)+"/"+c.name, func(b *testing.B) {
				bc := c.new(b, k)
				workers := bc.echo(b, k)
				reportThroughput(b, workers)
			})
		}
	}
	for _, c := range clients {
		b.Run("session-setup/"+c.name, func(b *testing.B) {
			bc := c.new(b, 1)
			setup := bc.setup(b)
			for range setupWarmup {
				setup()
			}
			start := time.Now()
			cpuStart := processCPU()
			for range setupCycles {
				setup()
			}
			elapsed := time.Since(start)
			cpu := processCPU() - cpuStart
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(setupCycles)/elapsed.Seconds(), "setup/s")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/setupCycles, "cpu-µs/setup")
			}
		})
	}
}

// benchClient is one client under measurement.
type benchClient interface {
	// keepalive returns a function that sends one keepalive on a session
	// and waits for its ack.
	keepalive(b *testing.B) func()
	// echo returns n functions, each sending one EchoTest message on a
	// handle of its own (all on one session) and waiting for its event.
	echo(b *testing.B, n int) []func()
	// setup returns a function that creates a session, attaches an
	// EchoTest handle, detaches it and destroys the session.
	setup(b *testing.B) func()
}

// reportLatency runs req sequentially and reports its p50 and p99.
func reportLatency(b *testing.B, req func()) {
	for range latencyWarmup {
		req()
	}
	d := make([]time.Duration, latencyRequests)
	for i := range d {
		start := time.Now()
		req()
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// reportThroughput runs every worker in a loop of its own, and reports the
// requests completed per second over throughputSpan after a warm-up.
func reportThroughput(b *testing.B, workers []func()) {
	var counting atomic.Bool
	var count atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				w()
				if counting.Load() {
					count.Add(1)
				}
			}
		})
	}
	time.Sleep(throughputWarm)
	counting.Store(true)
	start := time.Now()
	cpuStart := processCPU()
	time.Sleep(throughputSpan)
	n := count.Load()
	elapsed := time.Since(start)
	cpu := processCPU() - cpuStart
	close(stop)
	wg.Wait()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "msg/s")
	if n > 0 && cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/msg")
	}
}

// gojanusBench is gojanus, used the way an application would.
type gojanusBench struct {
	c *core.Client
}

func newGojanusBench(b *testing.B, url string) *gojanusBench {
	c, err := core.Dial(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return &gojanusBench{c: c}
}

func (g *gojanusBench) session(b *testing.B) *core.Session {
	ctx := context.Background()
	s, err := g.c.CreateSession(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Destroy(ctx) })
	return s
}

func (g *gojanusBench) keepalive(b *testing.B) func() {
	s := g.session(b)
	ctx := context.Background()
	return func() {
		if err := s.Keepalive(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (g *gojanusBench) echo(b *testing.B, n int) []func() {
	s := g.session(b)
	ctx := context.Background()
	var out []func()
	for range n {
		h, err := s.Attach(ctx, echoTest)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, func() {
			if _, err := h.Message(ctx, echoBody); err != nil {
				b.Fatal(err)
			}
		})
	}
	return out
}

func (g *gojanusBench) setup(b *testing.B) func() {
	ctx := context.Background()
	return func() {
		if err := sessionCycle(ctx, g.c); err != nil {
			b.Fatal(err)
		}
	}
}

// minimalBench is the minimal client on the same scenarios.
type minimalBench struct {
	m *minimalClient
}

func (mb *minimalBench) keepalive(b *testing.B) func() {
	session := mb.m.session(b, 0)
	msg := []byte(`{"janus":"keepalive","session_id":` + session + `,"transaction":"0"}`)
	return func() { mb.m.roundTrip(b, 0, msg, false) }
}

func (mb *minimalBench) echo(b *testing.B, n int) []func() {
	session := mb.m.session(b, 0)
	var out []func()
	for slot := range n {
		handle := mb.m.attach(b, slot, session, echoTest)
		msg := []byte(`{"janus":"message","session_id":` + session + `,"handle_id":` + handle +
			`,"transaction":"` + strconv.Itoa(slot) + `","body":{"audio":true}}`)
		out = append(out, func() { mb.m.roundTrip(b, slot, msg, true) })
	}
	return out
}

func (mb *minimalBench) setup(b *testing.B) func() {
	return func() {
		session := mb.m.session(b, 0)
		handle := mb.m.attach(b, 0, session, echoTest)
		mb.m.roundTrip(b, 0, []byte(`{"janus":"detach","session_id":`+session+`,"handle_id":`+handle+`,"transaction":"0"}`), false)
		mb.m.roundTrip(b, 0, []byte(`{"janus":"destroy","session_id":`+session+`,"transaction":"0"}`), false)
	}
}
