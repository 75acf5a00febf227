package core_test

import (
	"context"
	"errors"
	"net/url"
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

// proxyFor puts a fault proxy in front of the server at rawURL (ws:// or
// http://) and returns the URL that reaches the server through it.
func proxyFor(t *testing.T, rawURL string) (string, *faultproxy.Proxy) {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	p, err := faultproxy.New(u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	u.Host = p.Addr()
	return u.String(), p
}

// timedCall is one request of a timedLoad: when it started, how long it
// took, the deadline it had and how it ended.
type timedCall struct {
	start, took, deadline time.Duration
	err                   error
}

// timedLoad sends EchoTest messages on a set of handles from several
// workers and keeps every call with its timing. Half the workers give
// their calls a context deadline of their own (deadline), the others none,
// so that the transaction timeout bounds them.
type timedLoad struct {
	t0       time.Time
	answered atomic.Int64
	calls    [][]timedCall // per worker, read after end
	stop     chan struct{}
	wg       sync.WaitGroup
}

func startTimedLoad(handles []*core.Handle, workers int, deadline, txTimeout time.Duration) *timedLoad {
	l := &timedLoad{t0: time.Now(), calls: make([][]timedCall, workers), stop: make(chan struct{})}
	for w := range workers {
		l.wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				ctx, cancel, limit := context.Background(), context.CancelFunc(func() {}), txTimeout
				if w%2 == 1 {
					ctx, cancel = context.WithTimeout(ctx, deadline)
					limit = deadline
				}
				start := time.Now()
				_, err := handles[i%len(handles)].Message(ctx, map[string]any{"audio": true})
				cancel()
				if err == nil {
					l.answered.Add(1)
				}
				l.calls[w] = append(l.calls[w], timedCall{start: start.Sub(l.t0), took: time.Since(start), deadline: limit, err: err})
			}
		})
	}
	return l
}

// end stops the workers and returns every call.
func (l *timedLoad) end() []timedCall {
	close(l.stop)
	l.wg.Wait()
	var all []timedCall
	for _, c := range l.calls {
		all = append(all, c...)
	}
	return all
}

// since returns the time since the load started.
func (l *timedLoad) since() time.Duration { return time.Since(l.t0) }

// callSummary counts a load's calls by how they ended and finds the
// largest overrun of a call past its deadline.
type callSummary struct {
	total, ok, disconnected, timedOut, other int
	otherErrs                                []error
	maxOverrun                               time.Duration
}

func summarize(calls []timedCall) callSummary {
	var s callSummary
	for _, c := range calls {
		s.total++
		s.maxOverrun = max(s.maxOverrun, c.took-c.deadline)
		switch {
		case c.err == nil:
			s.ok++
		case errors.Is(c.err, core.ErrDisconnected):
			s.disconnected++
		case errors.Is(c.err, core.ErrTimeout):
			s.timedOut++
		default:
			s.other++
			s.otherErrs = append(s.otherErrs, c.err)
		}
	}
	return s
}

// TestChaosStall stalls the connection to a real Janus (the fault proxy
// holds every byte, the connection stays open) under load, over WebSocket
// and long-poll, in three ways:
//   - shorter than the stall timeout: the held requests are answered when
//     the traffic flows again, nothing fails, no new connection is made;
//   - longer than the stall timeout: the client drops the connection
//     (ErrStalled), redials once the traffic flows and claims its sessions,
//     which go on with their ids; the calls that fail end with
//     ErrDisconnected or ErrTimeout by their deadlines;
//   - for good: the client gives up after its reconnect policy's limit;
//     every call ends by its deadline with a typed error, every session
//     ends, the client reports StateLost, and calls afterwards fail at once.
func TestChaosStall(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{ReclaimSessionTimeout: 20})
	rounds := 1
	if chaosFull() {
		rounds = 5
	}
	for _, tr := range transports(srv) {
		t.Run(tr.name, func(t *testing.T) {
			var all stallRound
			for range rounds {
				r := stallRecover(t, tr.url)
				all.add(r)
			}
			chaosReport(t, "stall then recover ("+tr.name+")",
				fig("rounds", "%d (each: a short stall, then a long one)", rounds),
				fig("stall timeout", "%v; keepalive %v, transaction timeout %v", stallTimeout, stallKeepalive, stallTx),
				fig("short stall", "%v: no failure, no new connection", shortStall),
				fig("long stall noticed after", "max %v", all.noticed.Round(time.Millisecond)),
				fig("requests", "%d (%d answered)", all.sum.total, all.sum.ok),
				fig("failures", "%d ErrDisconnected, %d ErrTimeout, %d other", all.sum.disconnected, all.sum.timedOut, all.sum.other),
				fig("max overrun past deadline", "%v", all.sum.maxOverrun.Round(time.Millisecond)),
				fig("first answer after resume", "max %v", all.recovered.Round(time.Millisecond)),
				fig("sessions kept", "%d/%d", all.kept, all.sessions))
			stallGiveUp(t, tr.name, tr.url)
		})
	}
}

// The timings of the stall scenarios: calls end by txTimeout (or their
// own callDeadline); the client drops a connection silent for
// stallTimeout, checked at every keepalive.
const (
	stallKeepalive = 100 * time.Millisecond
	stallTimeout   = 1500 * time.Millisecond
	stallTx        = 2 * time.Second
	callDeadline   = 1200 * time.Millisecond
	shortStall     = 400 * time.Millisecond
)

// stallClient dials the server at serverURL through a new fault proxy
// with the stall scenarios' timings, and makes sessions × handles EchoTest
// handles.
func stallClient(t *testing.T, serverURL string, policy core.ReconnectPolicy, states *stateLog, sessions, handles int) (*core.Client, *faultproxy.Proxy, []*core.Session, []*core.Handle) {
	t.Helper()
	u, p := proxyFor(t, serverURL)
	c := dial(t, u, core.WithReconnect(policy), core.WithStateHandler(states.handler),
		core.WithKeepalive(stallKeepalive), core.WithStallTimeout(stallTimeout), core.WithTransactionTimeout(stallTx))
	ctx := ctxT(t)
	var ss []*core.Session
	var hs []*core.Handle
	for range sessions {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		ss = append(ss, s)
		for range handles {
			h, err := s.Attach(ctx, echoTest)
			require.NoError(t, err)
			hs = append(hs, h)
		}
	}
	return c, p, ss, hs
}

// stallRound is what stall-then-recover rounds measured, added up: the
// calls, the longest time to notice a long stall and to the first answer
// after it, and the sessions kept.
type stallRound struct {
	sum                callSummary
	noticed, recovered time.Duration
	kept, sessions     int
}

func (r *stallRound) add(o stallRound) {
	r.sum.total += o.sum.total
	r.sum.ok += o.sum.ok
	r.sum.disconnected += o.sum.disconnected
	r.sum.timedOut += o.sum.timedOut
	r.sum.other += o.sum.other
	r.sum.maxOverrun = max(r.sum.maxOverrun, o.sum.maxOverrun)
	r.noticed, r.recovered = max(r.noticed, o.noticed), max(r.recovered, o.recovered)
	r.kept += o.kept
	r.sessions += o.sessions
}

// stallRecover runs a short stall, then a long one that the client
// detects, on one client under load.
func stallRecover(t *testing.T, serverURL string) stallRound {
	states := newStateLog()
	c, p, sessions, handles := stallClient(t, serverURL, fastReconnect, states, 4, 2)
	load := startTimedLoad(handles, 6, callDeadline, stallTx)
	load.waitAnswers(t, "before the stalls")

	// A stall shorter than the stall timeout: held, then answered. The
	// pause is the length of the stall, the fault itself.
	accepted := p.Accepted()
	shortAt := load.since()
	p.Stall()
	time.Sleep(shortStall)
	p.Resume()
	load.waitAnswers(t, "after the short stall")
	shortEnd := load.since()
	if strings.HasPrefix(serverURL, "ws") {
		assert.Equal(t, accepted, p.Accepted(), "a short stall makes no new connection")
	}

	// A stall longer than the stall timeout: the client notices, drops
	// the connection and redials; the traffic flows again once it is
	// redialling.
	longAt := load.since()
	p.Stall()
	states.waitFor(t, core.StateReconnecting)
	noticed := load.since() - longAt
	p.Resume()
	states.waitFor(t, core.StateReconnected)
	resumed := load.since()
	load.waitAnswers(t, "after the long stall")
	calls := load.end()
	recovered := firstAnswerAfter(calls, resumed) - resumed

	// The short stall failed nothing.
	for _, cl := range calls {
		if cl.start+cl.took >= shortAt && cl.start+cl.took < shortEnd {
			assert.NoError(t, cl.err, "a call ending during or right after the short stall")
		}
	}
	sum := summarize(calls)
	assert.Empty(t, sum.otherErrs, "every failure is ErrDisconnected or ErrTimeout")
	assert.LessOrEqual(t, sum.maxOverrun, overrunSlack, "a call outlived its deadline")
	// The same sessions and handles go on.
	kept := 0
	for _, s := range sessions {
		if assert.Same(t, s, c.Session(s.ID())) && assert.NoError(t, s.Err()) {
			kept++
		}
	}
	ctx := ctxT(t)
	for _, h := range handles {
		_, err := h.Message(ctx, map[string]any{"audio": true})
		require.NoError(t, err, "handle %d after the stall", h.ID())
	}
	require.NoError(t, c.Close())
	if strings.HasPrefix(serverURL, "ws") {
		assert.Equal(t, 2, p.Accepted(), "one redial after the long stall")
	}
	return stallRound{sum: sum, noticed: noticed, recovered: recovered, kept: kept, sessions: len(sessions)}
}

// stallGiveUp stalls for good: the client gives up.
func stallGiveUp(t *testing.T, transport, serverURL string) {
	states := newStateLog()
	policy := fastReconnect
	policy.MaxElapsed = time.Second
	c, p, sessions, handles := stallClient(t, serverURL, policy, states, 4, 2)
	load := startTimedLoad(handles, 6, callDeadline, stallTx)
	load.waitAnswers(t, "before the stall")

	stallAt := load.since()
	p.Stall()
	select {
	case <-c.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the client did not give up on a stalled server")
	}
	gaveUp := load.since() - stallAt
	states.waitFor(t, core.StateLost)
	calls := load.end()
	sum := summarize(calls)
	assert.ErrorIs(t, c.Err(), core.ErrDisconnected)
	assert.Equal(t, core.StateLost, c.State())
	ended := 0
	for _, s := range sessions {
		select {
		case <-s.Done():
			if assert.ErrorIs(t, s.Err(), core.ErrDisconnected) {
				ended++
			}
		default:
			t.Errorf("session %d did not end", s.ID())
		}
	}
	// Calls after giving up fail at once.
	start := time.Now()
	_, err := handles[0].Message(context.Background(), map[string]any{"audio": true})
	assert.Error(t, err)
	_, err = c.CreateSession(context.Background())
	assert.ErrorIs(t, err, core.ErrDisconnected)
	after := time.Since(start)
	assert.Less(t, after, stallTx, "calls after giving up wait for nothing")
	// Failures: every call that did not get through ended by its
	// deadline, typed.
	var failures []error
	for _, cl := range calls {
		if cl.err != nil && !errors.Is(cl.err, core.ErrDisconnected) && !errors.Is(cl.err, core.ErrTimeout) {
			failures = append(failures, cl.err)
		}
	}
	assert.Empty(t, failures, "every failure is ErrDisconnected or ErrTimeout")
	assert.LessOrEqual(t, sum.maxOverrun, overrunSlack, "a call outlived its deadline")
	p.Resume()
	chaosReport(t, "stall then give up ("+transport+")",
		fig("reconnect limit", "%v (MaxElapsed)", policy.MaxElapsed),
		fig("given up after", "%v from the stall", gaveUp.Round(time.Millisecond)),
		fig("requests", "%d (%d answered)", sum.total, sum.ok),
		fig("failures", "%d ErrDisconnected, %d ErrTimeout, %d other", sum.disconnected, sum.timedOut, sum.other),
		fig("max overrun past deadline", "%v", sum.maxOverrun.Round(time.Millisecond)),
		fig("sessions ended", "%d/%d with ErrDisconnected", ended, len(sessions)),
		fig("calls after giving up", "failed in %v", after.Round(time.Microsecond)))
}

// waitAnswers waits until l has 10 more answers than now.
func (l *timedLoad) waitAnswers(t *testing.T, what string) {
	t.Helper()
	n := l.answered.Load()
	require.Eventually(t, func() bool { return l.answered.Load() > n+10 }, 15*time.Second, time.Millisecond,
		"%s: requests are not answered", what)
}

// firstAnswerAfter returns when the first call started at or after at
// was answered (since the load started), or 0.
func firstAnswerAfter(calls []timedCall, at time.Duration) time.Duration {
	var first time.Duration
	for _, c := range calls {
		if c.err == nil && c.start >= at && (first == 0 || c.start+c.took < first) {
			first = c.start + c.took
		}
	}
	return first
}
