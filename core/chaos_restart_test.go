package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
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

// restartSize is the size of the kill and failover scenarios: rounds (one
// server killed each), sessions × handles of the load and its workers.
type restartSize struct{ rounds, sessions, handles, workers int }

// restartSizeFromEnv is the short run of go test, or the full one of go
// tool mage chaos when GOJANUS_CHAOS=full.
func restartSizeFromEnv() restartSize {
	if chaosFull() {
		return restartSize{rounds: 8, sessions: 20, handles: 3, workers: 16}
	}
	return restartSize{rounds: 2, sessions: 4, handles: 2, workers: 6}
}

// restartTxTimeout is the transaction timeout of the clients of these
// scenarios, short so that calls waiting for a dead server end soon.
const restartTxTimeout = 2 * time.Second

// overrunSlack is how long after its deadline a call may still return:
// the scheduling of two busy cores, not a wait of the client's.
const overrunSlack = 500 * time.Millisecond

// restartCall is one call of the load: when it started and ended (since
// the start of the run), its deadline (after its start: its context's, or
// the transaction timeout when the context has none) and how it ended.
type restartCall struct {
	start, end time.Duration
	limit      time.Duration
	own        bool // the deadline is the context's
	info       bool
	err        error
	// sessionLive: the call got a 458 answer (the server does not know its
	// session) and the session had not ended when it returned.
	sessionLive bool
}

// restartLoad is the load of the kill and failover scenarios: sessions ×
// handles (EchoTest and VideoRoom) on one client and workers that send
// plugin messages on them, and now and then info, each call with a
// deadline of its context's shorter or longer than the transaction
// timeout, or none. A worker stops once every session has ended.
type restartLoad struct {
	c        *core.Client
	sessions []*core.Session
	handles  []*core.Handle
	t0       time.Time

	started, inFlight, answered atomic.Int64

	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	calls []restartCall
}

// startRestartLoad opens the sessions and handles on c and starts the
// workers, which draw their choices from seed.
func startRestartLoad(t *testing.T, c *core.Client, size restartSize, t0 time.Time, seed uint64) *restartLoad {
	t.Helper()
	ctx := ctxT(t)
	l := &restartLoad{c: c, t0: t0, stop: make(chan struct{})}
	for range size.sessions {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		l.sessions = append(l.sessions, s)
		for j := range size.handles {
			plugin := echoTest
			if j%2 == 1 {
				plugin = videoRoom
			}
			h, err := s.Attach(ctx, plugin)
			require.NoError(t, err)
			l.handles = append(l.handles, h)
		}
	}
	for w := range size.workers {
		r := rand.New(rand.NewPCG(seed, uint64(w)))
		l.wg.Go(func() {
			for !l.ended() {
				select {
				case <-l.stop:
					return
				default:
				}
				l.record(l.call(r))
			}
		})
	}
	return l
}

// record keeps a call for the checks.
func (l *restartLoad) record(cl restartCall) {
	l.mu.Lock()
	l.calls = append(l.calls, cl)
	l.mu.Unlock()
}

// ended reports whether every session of the load has ended.
func (l *restartLoad) ended() bool {
	for _, s := range l.sessions {
		select {
		case <-s.Done():
		default:
			return false
		}
	}
	return true
}

// call makes one call on a random handle: a plugin message (or, one time
// in ten, info) with no deadline of its own (three in ten), a deadline of
// 0.1 to 1 s (three in ten) or one longer than the transaction timeout.
func (l *restartLoad) call(r *rand.Rand) restartCall {
	h := l.handles[r.IntN(len(l.handles))]
	cl := restartCall{limit: restartTxTimeout, info: r.IntN(10) == 0}
	switch k := r.IntN(10); {
	case k >= 7:
		cl.limit, cl.own = 100*time.Millisecond+time.Duration(r.Int64N(int64(900*time.Millisecond))), true
	case k >= 4:
		cl.limit, cl.own = restartTxTimeout+500*time.Millisecond+time.Duration(r.Int64N(int64(1500*time.Millisecond))), true
	}
	return l.run(h, cl)
}

// run makes the call cl describes (a message on h, or info) and records
// how it went.
func (l *restartLoad) run(h *core.Handle, cl restartCall) restartCall {
	l.started.Add(1)
	l.inFlight.Add(1)
	start := time.Now()
	ctx := context.Background()
	if cl.own {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(cl.limit))
		defer cancel()
	}
	if cl.info {
		_, cl.err = l.c.Info(ctx)
	} else {
		cl.err = message(ctx, h)
	}
	end := time.Now()
	if callKind(cl.err) == "ErrSessionNotFound (458 answer)" {
		select {
		case <-h.Session().Done():
		default:
			cl.sessionLive = true
		}
	}
	l.inFlight.Add(-1)
	if cl.err == nil {
		l.answered.Add(1)
	}
	cl.start, cl.end = start.Sub(l.t0), end.Sub(l.t0)
	return cl
}

// goInfo starts one more call, info without a deadline of its own, next
// to the workers.
func (l *restartLoad) goInfo() {
	l.wg.Go(func() { l.record(l.run(nil, restartCall{limit: restartTxTimeout, info: true})) })
}

// message sends a request the handle's plugin answers at once.
func message(ctx context.Context, h *core.Handle) error {
	body := map[string]any{"audio": true}
	if h.Plugin() == videoRoom {
		body = map[string]any{"request": "exists", "room": 1234}
	}
	_, err := h.Message(ctx, body)
	return err
}

// waitAnswers waits until n more calls were answered: the load flows.
func (l *restartLoad) waitAnswers(t *testing.T, n int64) {
	t.Helper()
	from := l.answered.Load()
	require.Eventually(t, func() bool { return l.answered.Load() >= from+n }, 15*time.Second, time.Millisecond,
		"the load gets no answers")
}

// end stops the workers and returns the calls; it fails the test when a
// call is still running long after every deadline of the load.
func (l *restartLoad) end(t *testing.T) []restartCall {
	t.Helper()
	close(l.stop)
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2*(restartTxTimeout+2*time.Second) + 10*time.Second):
		t.Fatal("calls still running long after their deadlines")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

// requireSessionsEnded waits until every session of the load and its
// handles have ended, and checks that they ended with an error matching
// ErrSessionNotFound (the server that answers now does not know them),
// counting the sessions in by under the request that found them gone
// (claim, poll, keepalive, message).
func (l *restartLoad) requireSessionsEnded(t *testing.T, by map[string]int) {
	t.Helper()
	for _, s := range l.sessions {
		select {
		case <-s.Done():
		case <-time.After(15 * time.Second):
			t.Fatalf("session %d did not end", s.ID())
		}
		if assert.ErrorIs(t, s.Err(), core.ErrSessionNotFound, "session %d", s.ID()) {
			var je *core.Error
			errors.As(s.Err(), &je)
			by[je.Request]++
		}
		assert.Nil(t, l.c.Session(s.ID()), "the client forgot session %d", s.ID())
	}
	for _, h := range l.handles {
		select {
		case <-h.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("handle %d did not end with its session", h.ID())
		}
		assert.ErrorIs(t, h.Err(), core.ErrSessionNotFound, "handle %d", h.ID())
	}
}

// restartStats sums up the calls of the rounds of a scenario.
type restartStats struct {
	requests      int
	kinds         map[string]int // calls by how they ended (callKind)
	maxOverrun    time.Duration
	sessionsEnded map[string]int // by the request that found them gone
	sessions      int
}

// newRestartStats returns empty stats.
func newRestartStats() *restartStats {
	return &restartStats{kinds: map[string]int{}, sessionsEnded: map[string]int{}}
}

// callKind names how a call ended; "" for an error of no expected kind.
func callKind(err error) string {
	var je *core.Error
	switch {
	case err == nil:
		return "answered"
	case errors.Is(err, core.ErrDisconnected):
		return "ErrDisconnected"
	case errors.Is(err, core.ErrTimeout):
		return "ErrTimeout"
	case errors.As(err, &je) && je.Code == core.CodeSessionNotFound && je.Request == "message":
		return "ErrSessionNotFound (458 answer)"
	case errors.Is(err, core.ErrSessionNotFound):
		return "ErrSessionNotFound (session ended)"
	}
	return ""
}

// check checks the calls of a round: each was answered or ended with
// ErrDisconnected (cut off in flight), ErrTimeout (its deadline passed, not
// earlier) or ErrSessionNotFound (the new server does not know its
// session, which has then ended), and none returned later than
// overrunSlack past its deadline. Each broken rule is reported once, with
// its count and first case.
func (st *restartStats) check(t *testing.T, calls []restartCall) {
	t.Helper()
	broken := map[string][]string{}
	breaks := func(rule string, cl restartCall) {
		broken[rule] = append(broken[rule], fmt.Sprintf("call started at %v (deadline %v) took %v: %v",
			cl.start, cl.limit, cl.end-cl.start, cl.err))
	}
	for _, cl := range calls {
		st.requests++
		kind := callKind(cl.err)
		switch {
		case kind == "":
			breaks("ended with an untyped error", cl)
			kind = "other"
		case cl.info && strings.HasPrefix(kind, "ErrSessionNotFound"):
			breaks("info ended with ErrSessionNotFound", cl)
		case cl.sessionLive:
			breaks("got a 458 answer while its session goes on", cl)
		}
		st.kinds[kind]++
		took := cl.end - cl.start
		st.maxOverrun = max(st.maxOverrun, took-cl.limit)
		if took > cl.limit+overrunSlack {
			breaks("outlived its deadline", cl)
		}
		if kind == "ErrTimeout" && took < min(cl.limit, restartTxTimeout) {
			breaks("timed out before its deadline", cl)
		}
	}
	for rule, cases := range broken {
		t.Errorf("%d calls %s; the first: %s", len(cases), rule, cases[0])
	}
}

// figures returns the figures of the calls for chaosReport.
func (st *restartStats) figures() []chaosFigure {
	var kinds []string
	for kind, n := range st.kinds {
		if kind != "answered" {
			kinds = append(kinds, fmt.Sprintf("%s %d", kind, n))
		}
	}
	slices.Sort(kinds)
	var ended []string
	total := 0
	for by, n := range st.sessionsEnded {
		ended = append(ended, fmt.Sprintf("%d by %s", n, by))
		total += n
	}
	slices.Sort(ended)
	return []chaosFigure{
		fig("requests", "%d (%d answered)", st.requests, st.kinds["answered"]),
		fig("failures", "%s", strings.Join(kinds, ", ")),
		fig("max overrun", "%v past a call's deadline (allowed %v)", st.maxOverrun.Round(time.Millisecond), overrunSlack),
		fig("sessions ended", "%d/%d with ErrSessionNotFound (%s)", total, st.sessions, strings.Join(ended, ", ")),
	}
}

// requireOn checks that c talks to srv: info names its server_name.
func requireOn(t *testing.T, c *core.Client, srv *janusserver.Server) {
	t.Helper()
	info, err := c.Info(ctxT(t))
	require.NoError(t, err)
	require.Equal(t, srv.Name, info.ServerName, "the server the client talks to")
}

// TestChaosKillUnderLoad kills Janus with SIGKILL under load (sessions ×
// handles of one client, workers sending plugin messages with and without
// deadlines of their own) and starts a new one on the same ports, several
// rounds. Over WebSocket the client reconnects and its claims find the
// sessions gone; over HTTP there is no connection (no state change): the
// first poll, keepalive or request answered 458 (no such session) does.
// Every session and handle ends with an error matching ErrSessionNotFound,
// every call ends answered or with ErrDisconnected (in flight at the kill:
// never more than were), ErrTimeout (at its deadline) or
// ErrSessionNotFound (sent again to the new server, or on a session that
// had ended), none outlives its deadline, and new sessions work on the
// same client. GOJANUS_CHAOS=full runs 8 rounds of 20 sessions × 3
// handles with 16 workers.
func TestChaosKillUnderLoad(t *testing.T) {
	size := restartSizeFromEnv()
	seed := chaosSeed()
	t.Logf("size %+v, GOJANUS_CHAOS_SEED=%d", size, seed)
	for _, tr := range []string{"ws", "http"} {
		t.Run(tr, func(t *testing.T) {
			size := size
			if tr == "http" {
				// Calls waiting for an event the killed server never sends
				// end at their deadline: the rounds are slower.
				size.rounds = max(1, size.rounds/2)
			}
			killUnderLoad(t, tr, size, seed)
		})
	}
}

// killUnderLoad runs the rounds of TestChaosKillUnderLoad over transport
// tr ("ws" or "http").
func killUnderLoad(t *testing.T, tr string, size restartSize, seed uint64) {
	opts := janusserver.Options{ReclaimSessionTimeout: 20}
	srv := janustest.Start(t, opts)
	url := srv.WSURL
	if tr == "http" {
		url = srv.HTTPURL
	}
	t0 := time.Now()
	states := newStateLog()
	var load atomic.Pointer[restartLoad]
	var cutsMu sync.Mutex
	var cuts []*chaosCut
	onState := func(s core.ConnState, err error) {
		if s == core.StateReconnecting {
			cutsMu.Lock()
			if n := len(cuts); n > 0 && cuts[n-1].noticed == 0 {
				cuts[n-1].noticed, cuts[n-1].startedNoticed = time.Since(t0), load.Load().started.Load()
			}
			cutsMu.Unlock()
		}
		states.handler(s, err)
	}
	c := dial(t, url, core.WithReconnect(fastReconnect), core.WithStateHandler(onState),
		core.WithTransactionTimeout(restartTxTimeout), core.WithKeepalive(500*time.Millisecond),
		// Over HTTP a silent server would be dropped and redialled: the
		// scenario is about what the polls find.
		core.WithStallTimeout(time.Minute))

	st := newRestartStats()
	r := rand.New(rand.NewPCG(seed, 15))
	// Per kill: how long the server stayed down (a random pause), how long
	// the new one took to start, from then to StateReconnected, and to the
	// first answer of the new server.
	var downs, starts, reconnects, firstAnswers []time.Duration
	for round := range size.rounds {
		l := startRestartLoad(t, c, size, t0, seed+uint64(round))
		load.Store(l)
		st.sessions += len(l.sessions)
		l.waitAnswers(t, int64(4*size.workers))
		time.Sleep(time.Duration(r.IntN(200)) * time.Millisecond) // the load pattern: a random moment

		cut := &chaosCut{kind: "SIGKILL"}
		cutsMu.Lock()
		cut.at, cut.startedAt = time.Since(t0), l.started.Load()
		cut.inFlight = l.inFlight.Load()
		cuts = append(cuts, cut)
		cutsMu.Unlock()
		n := states.recorded()
		srv.Kill()
		if tr == "ws" {
			states.waitFor(t, core.StateReconnecting)
		}
		// The load pattern: the server stays down a while, longer than
		// some deadlines.
		down := time.Duration(r.IntN(1500)) * time.Millisecond
		downs = append(downs, down)
		time.Sleep(down)
		starting := time.Now()
		srv = janustest.RestartOnPorts(t, srv, opts)
		up := time.Now()
		starts = append(starts, up.Sub(starting))
		if tr == "ws" {
			states.waitFor(t, core.StateReconnected)
			reconnects = append(reconnects, time.Since(up))
			assert.Equal(t, []core.ConnState{core.StateReconnecting, core.StateReconnected}, states.since(n), "state changes")
		}
		requireOn(t, c, srv)
		firstAnswers = append(firstAnswers, time.Since(up))

		l.requireSessionsEnded(t, st.sessionsEnded)
		calls := l.end(t)
		st.check(t, calls)
		for _, cl := range calls {
			if errors.Is(cl.err, core.ErrDisconnected) {
				cut.failures++
			}
		}
		if tr == "ws" {
			assert.LessOrEqual(t, cut.failures, cut.allowed(), "round %d: %d cut off, %d in flight at the kill, %d sent before the client noticed it",
				round, cut.failures, cut.inFlight, cut.startedNoticed-cut.startedAt)
		}
	}
	// The last round's server takes new sessions and handles.
	l := startRestartLoad(t, c, restartSize{sessions: 1, handles: 2}, t0, seed)
	for _, h := range l.handles {
		require.NoError(t, message(ctxT(t), h))
	}
	require.NoError(t, l.sessions[0].Destroy(ctxT(t)))
	l.end(t)
	if tr == "http" {
		assert.Empty(t, states.since(0), "over HTTP there is no connection to lose")
	}

	var inFlight, failures int64
	for _, cut := range cuts {
		inFlight += cut.inFlight
		failures += cut.failures
	}
	for _, d := range [][]time.Duration{downs, starts, reconnects, firstAnswers} {
		slices.Sort(d)
	}
	figures := []chaosFigure{fig("kills", "%d (SIGKILL, down %v to %v, then a new Janus on the same ports)",
		len(cuts), percentile(downs, 0), percentile(downs, 100))}
	figures = append(figures, st.figures()...)
	figures = append(figures,
		fig("cut off / in flight", "%d / %d at the kills", failures, inFlight),
		fig("Janus start p50 / p99", "%v / %v", percentile(starts, 50), percentile(starts, 99)))
	if tr == "ws" {
		figures = append(figures, fig("reconnect p50 / p99", "%v / %v (new server up to StateReconnected)", percentile(reconnects, 50), percentile(reconnects, 99)))
	}
	figures = append(figures, fig("first answer p50 / p99", "%v / %v (new server up to info answered by it)", percentile(firstAnswers, 50), percentile(firstAnswers, 99)))
	chaosReport(t, fmt.Sprintf("Janus killed under load, %s (%d sessions × %d handles, %d workers)", tr, size.sessions, size.handles, size.workers), figures...)
}

// since returns the states recorded after the first n.
func (l *stateLog) since(n int) []core.ConnState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.states[n:])
}

// recorded returns how many states were recorded so far.
func (l *stateLog) recorded() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.states)
}

// failoverClient dials urls with DialServers as the failover scenarios
// do: a fast reconnect policy and the short transaction timeout.
func failoverClient(t *testing.T, urls []string, states *stateLog, opts ...core.Option) *core.Client {
	t.Helper()
	opts = append([]core.Option{core.WithReconnect(fastReconnect), core.WithStateHandler(states.handler),
		core.WithTransactionTimeout(restartTxTimeout), core.WithKeepalive(500 * time.Millisecond)}, opts...)
	c, err := core.DialServers(ctxT(t), urls, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// failover is what the failover scenarios measured.
type failover struct {
	stats    *restartStats
	switches int
	// From the fault to the first answer of the next server: kills with the
	// next server up, the next server's start when both were down, a hang,
	// a kill over HTTP.
	kills, downs, hangs, https []time.Duration
	seed                       uint64
	size                       restartSize
}

// switchUnderLoad runs the load on c, applies fault to the server c
// talks to, and checks that c moves to the server next returns (next runs
// once the client is reconnecting, so it can bring a server up): the
// states reconnecting then reconnected, info answered by that server, the
// sessions of the load ended with ErrSessionNotFound (the new server does
// not know them), the calls typed and within their deadlines.
//
// It returns how long it took from the fault, and from next's return, to
// the first answer of the new server.
func (f *failover) switchUnderLoad(t *testing.T, c *core.Client, states *stateLog, fault func(*restartLoad), next func() *janusserver.Server) (fromFault, fromNext time.Duration) {
	t.Helper()
	f.switches++
	l := startRestartLoad(t, c, f.size, time.Now(), f.seed+uint64(f.switches))
	f.stats.sessions += len(l.sessions)
	l.waitAnswers(t, int64(4*f.size.workers))
	// The load pattern: a random moment.
	time.Sleep(time.Duration(rand.New(rand.NewPCG(f.seed, uint64(f.switches))).IntN(200)) * time.Millisecond)
	n := states.recorded()
	at := time.Now()
	fault(l)
	states.waitFor(t, core.StateReconnecting)
	srv := next()
	up := time.Now()
	states.waitFor(t, core.StateReconnected)
	requireOn(t, c, srv)
	fromFault, fromNext = time.Since(at), time.Since(up)
	assert.Equal(t, []core.ConnState{core.StateReconnecting, core.StateReconnected}, states.since(n), "state changes")
	l.requireSessionsEnded(t, f.stats.sessionsEnded)
	f.stats.check(t, l.end(t))
	return fromFault, fromNext
}

// TestChaosFailover runs a client made by DialServers over real Janus
// servers that die under load, and checks which server it moves to:
//   - primary dies: on A of [A, B], A killed moves the client to B; A
//     restarted and B killed moves it back to A, and so on;
//   - primary down at dial: the client starts on B; B killed while A is
//     down keeps it reconnecting until A is back, then it is on A;
//   - preference: on B of [A, B, C] (A was down at dial), B killed moves
//     the client to A, the first of the list, not to C;
//   - primary hangs: A stops answering (a stalled proxy: connections are
//     accepted, nothing comes back), the client drops it and moves to B
//     although the dial to A hangs.
//
// Each switch is reconnecting then reconnected, the sessions of the dead
// server end with ErrSessionNotFound (the next one does not know them),
// new sessions work on the next server, every call ends typed and within
// its deadline. GOJANUS_CHAOS=full switches back and forth 8 times under
// 20 sessions × 3 handles with 16 workers.
func TestChaosFailover(t *testing.T) {
	size := restartSizeFromEnv()
	seed := chaosSeed()
	t.Logf("size %+v, GOJANUS_CHAOS_SEED=%d", size, seed)
	opts := janusserver.Options{ReclaimSessionTimeout: 20}
	f := &failover{stats: newRestartStats(), seed: seed, size: size}

	t.Run("primary dies", func(t *testing.T) {
		servers := []*janusserver.Server{janustest.Start(t, opts), janustest.Start(t, opts)}
		states := newStateLog()
		c := failoverClient(t, []string{servers[0].WSURL, servers[1].WSURL}, states)
		requireOn(t, c, servers[0])
		live := 0
		for range size.rounds {
			next := 1 - live
			d, _ := f.switchUnderLoad(t, c, states, kill(servers[live]), func() *janusserver.Server { return servers[next] })
			f.kills = append(f.kills, d)
			// The dead server comes back, the one to fall back to next.
			servers[live] = janustest.RestartOnPorts(t, servers[live], opts)
			live = next
		}
		// New sessions and handles work on the last server.
		l := startRestartLoad(t, c, restartSize{sessions: 1, handles: 2}, time.Now(), seed)
		requireListed(t, servers[live], l.sessions[0].ID())
		for _, h := range l.handles {
			require.NoError(t, message(ctxT(t), h))
		}
		l.end(t)
	})

	t.Run("primary down at dial", func(t *testing.T) {
		a := janustest.Start(t, opts)
		a.Kill() // down when the client dials; its ports are known
		b := janustest.Start(t, opts)
		states := newStateLog()
		logs := &countingHandler{counts: map[string]int{}}
		c := failoverClient(t, []string{a.WSURL, b.WSURL}, states, core.WithLogger(slog.New(logs)))
		requireOn(t, c, b)
		_, d := f.switchUnderLoad(t, c, states, kill(b), func() *janusserver.Server {
			// Both are down: the client keeps trying until A is back.
			require.Eventually(t, func() bool { return logs.count("janus: reconnect attempt failed") >= 3 }, 15*time.Second, time.Millisecond)
			assert.Equal(t, core.StateReconnecting, c.State())
			return janustest.RestartOnPorts(t, a, opts)
		})
		f.downs = append(f.downs, d)
	})

	t.Run("preference", func(t *testing.T) {
		a := janustest.Start(t, opts)
		a.Kill()
		b, c3 := janustest.Start(t, opts), janustest.Start(t, opts)
		states := newStateLog()
		c := failoverClient(t, []string{a.WSURL, b.WSURL, c3.WSURL}, states)
		requireOn(t, c, b)
		a = janustest.RestartOnPorts(t, a, opts)
		d, _ := f.switchUnderLoad(t, c, states, kill(b), func() *janusserver.Server { return a })
		f.kills = append(f.kills, d)
	})

	t.Run("primary hangs", func(t *testing.T) {
		a, b := janustest.Start(t, opts), janustest.Start(t, opts)
		pa, err := faultproxy.New(strings.TrimPrefix(a.WSURL, "ws://"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = pa.Close() })
		states := newStateLog()
		c := failoverClient(t, []string{"ws://" + pa.Addr(), b.WSURL}, states,
			core.WithKeepalive(200*time.Millisecond), core.WithStallTimeout(1500*time.Millisecond))
		requireOn(t, c, a)
		stall := func(l *restartLoad) {
			pa.Stall()
			// Info in flight when A stalls is sent again after the
			// reconnect, which takes longer than its deadline: it must
			// time out by it all the same.
			l.goInfo()
		}
		d, _ := f.switchUnderLoad(t, c, states, stall, func() *janusserver.Server { return b })
		f.hangs = append(f.hangs, d)
		pa.Resume()
	})

	t.Run("over HTTP", func(t *testing.T) {
		a, b := janustest.Start(t, opts), janustest.Start(t, opts)
		states := newStateLog()
		// No connection drops over HTTP: the client moves on when its
		// stall check finds the server silent.
		c := failoverClient(t, []string{a.HTTPURL, b.HTTPURL}, states,
			core.WithKeepalive(200*time.Millisecond), core.WithStallTimeout(time.Second))
		requireOn(t, c, a)
		d, _ := f.switchUnderLoad(t, c, states, kill(a), func() *janusserver.Server { return b })
		f.https = append(f.https, d)
	})

	for _, d := range [][]time.Duration{f.kills, f.downs, f.hangs, f.https} {
		slices.Sort(d)
	}
	figures := []chaosFigure{fig("switches", "%d (%d kills with the other server up, %d with both down, %d hang, %d over HTTP)",
		f.switches, len(f.kills), len(f.downs), len(f.hangs), len(f.https))}
	figures = append(figures, f.stats.figures()...)
	figures = append(figures,
		fig("kill to next p50 / p99", "%v / %v (to info answered by it)", percentile(f.kills, 50), percentile(f.kills, 99)),
		fig("both down: back up to on it", "%v", percentile(f.downs, 100)),
		fig("hang to next server", "%v (stall timeout 1.5 s, then the dial of the hung one gets half the 2 s)", percentile(f.hangs, 100)),
		fig("HTTP: kill to next server", "%v (stall timeout 1 s)", percentile(f.https, 100)))
	chaosReport(t, fmt.Sprintf("server-list failover (%d sessions × %d handles, %d workers)", size.sessions, size.handles, size.workers), figures...)
}

// kill is the fault of killing srv.
func kill(srv *janusserver.Server) func(*restartLoad) { return func(*restartLoad) { srv.Kill() } }

// requireListed checks with the admin API that srv knows the session.
func requireListed(t *testing.T, srv *janusserver.Server, session uint64) {
	t.Helper()
	a := dialAdmin(t, srv.AdminWSURL, srv.AdminSecret)
	ids, err := a.ListSessions(ctxT(t))
	require.NoError(t, err)
	require.Contains(t, ids, session, "sessions of %s", srv.Name)
	require.NoError(t, a.Close())
}
