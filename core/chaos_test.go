package core_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport/longpoll"
	"github.com/gojanus/gojanus/internal/faultproxy"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// chaosSize is the size of a cuts-under-load run: httpCuts is the number
// of cuts over HTTP long-poll, where most cuts cost a call its timeout
// (see cutPollTimeout).
type chaosSize struct{ sessions, handles, workers, cuts, httpCuts int }

// chaosSizeFromEnv is the short run of go tool mage test, or the full one
// of go tool mage chaos when GOJANUS_CHAOS=full.
func chaosSizeFromEnv() chaosSize {
	if chaosFull() {
		return chaosSize{sessions: 100, handles: 5, workers: 16, cuts: 100, httpCuts: 40}
	}
	return chaosSize{sessions: 10, handles: 2, workers: 4, cuts: 10, httpCuts: 4}
}

// chaosFull reports whether the full chaos suite runs (GOJANUS_CHAOS=full,
// set by go tool mage chaos) rather than the short one of go test.
func chaosFull() bool { return os.Getenv("GOJANUS_CHAOS") == "full" }

// chaosSeed is the seed of the run's random choices: GOJANUS_CHAOS_SEED to
// repeat them, else a new one (logged).
func chaosSeed() uint64 {
	if v, err := strconv.ParseUint(os.Getenv("GOJANUS_CHAOS_SEED"), 10, 64); err == nil {
		return v
	}
	return rand.Uint64()
}

// chaosCall is one request of the load: when it started and ended (since
// the start of the run), on which handle, and how it ended.
type chaosCall struct {
	start, end time.Duration
	handle     int
	nonce      uint64
	post       bool
	err        error
}

// chaosCut is one fault: its kind, when it was asked for, the requests in
// flight then and the count of requests started so far, and when the
// client noticed the lost connection (StateReconnecting) with the count of
// requests started by then.
type chaosCut struct {
	kind           string
	at, noticed    time.Duration
	inFlight       int64
	startedAt      int64
	startedNoticed int64
	failures       int64
	pendingEvents  int64         // events of acked Posts not received at the cut
	recovery       time.Duration // from the cut to the first answer of a request started after it
}

// allowed is how many requests a cut may fail: those in flight at the cut
// and those sent before the client could know of it.
func (c *chaosCut) allowed() int64 { return c.inFlight + c.startedNoticed - c.startedAt }

// chaosFault applies one fault of a random kind through p and returns its
// kind and, for faults that wait for traffic, when they happened. Byte
// drops are among the kinds only when drops is set.
func chaosFault(r *rand.Rand, p *faultproxy.Proxy, drops bool) (string, <-chan struct{}) {
	dir := faultproxy.Direction(r.IntN(2))
	kinds := 2
	if drops {
		kinds = 3
	}
	switch r.IntN(kinds) {
	case 0:
		p.Cut()
		return "cut", nil
	case 1:
		return "mid-frame " + dir.String(), p.CutMidFrame(dir)
	default:
		return "drop " + dir.String(), p.Drop(dir, 1+r.IntN(3))
	}
}

// TestChaosCutsUnderLoad runs workers that send plugin requests on many
// sessions and handles of one client through the fault proxy, over
// WebSocket and over HTTP long-poll, and cuts the connections at random
// moments (plain cuts and cuts in the middle of a chunk in either
// direction; over WebSocket also bytes dropped, which break its framing).
// It checks invariants, not timings:
//   - the failures of a cut never exceed the requests in flight at the cut
//     plus those sent before the client could know of it (over WebSocket:
//     until it reported StateReconnecting; over HTTP, which has no
//     connection state: until the first answer after the cut), and every
//     failure is ErrDisconnected;
//   - every session and handle survives with its id;
//   - every answer reaches its own caller (VideoRoom "exists" answers
//     carry the room number asked for, a nonce per request);
//   - a handle's event stream gets only late answers of requests whose
//     callers got ErrDisconnected, each at most once;
//   - events: on some EchoTest handles the workers only Post (the call
//     returns on Janus's ack, the answer comes as an event on the stream).
//     No event comes twice, and the events lost are never more than were
//     pending (acked, not yet received) at the cuts: Janus does not send
//     again what it wrote to a connection that was cut, nothing else is
//     lost.
//
// GOJANUS_CHAOS=full (go tool mage chaos) runs 100 sessions × 5 handles
// with 16 workers and 100 cuts per transport; GOJANUS_CHAOS_SEED repeats a
// run's random choices (fault kinds, pauses, handles picked; the
// interleaving still varies).
func TestChaosCutsUnderLoad(t *testing.T) {
	size := chaosSizeFromEnv()
	seed := chaosSeed()
	t.Logf("size %+v, GOJANUS_CHAOS_SEED=%d", size, seed)
	srv := janustest.Start(t, janusserver.Options{ReclaimSessionTimeout: 20})
	for _, tr := range transports(srv) {
		t.Run(tr.name, func(t *testing.T) { chaosCutsUnderLoad(t, tr.name, tr.url, size, seed) })
	}
}

// cutPollTimeout is the transaction timeout of the HTTP run. Janus's HTTP
// transport does not notice that the connection of a waiting long poll
// was cut (libmicrohttpd does not watch suspended connections): it hands
// the session's next events to that poll, writes them to the dead socket,
// and they are lost. A call waiting for such an event (an EchoTest
// message) ends by its timeout with ErrTimeout; the client cannot know
// that the server was cut off from a poll it had already given up.
const cutPollTimeout = 2 * time.Second

func chaosCutsUnderLoad(t *testing.T, transport, serverURL string, size chaosSize, seed uint64) {
	ws := transport == "ws"
	r := rand.New(rand.NewPCG(seed, 14))
	clientURL, p := proxyFor(t, serverURL)
	ctx := t.Context()
	t0 := time.Now()

	var started, inFlight atomic.Int64
	var cutsMu sync.Mutex
	var cuts []*chaosCut
	states := newStateLog()
	onState := func(s core.ConnState, err error) {
		if s == core.StateReconnecting {
			cutsMu.Lock()
			if n := len(cuts); n > 0 && cuts[n-1].noticed == 0 {
				cuts[n-1].noticed, cuts[n-1].startedNoticed = time.Since(t0), started.Load()
			}
			cutsMu.Unlock()
		}
		states.handler(s, err)
	}
	opts := []core.Option{core.WithReconnect(fastReconnect), core.WithStateHandler(onState),
		core.WithKeepalive(500 * time.Millisecond), core.WithStallTimeout(3 * time.Second)}
	if !ws {
		// Over HTTP a call whose event Janus hands to a poll that was cut
		// ends by its timeout (see cutPollTimeout): keep that short.
		opts = append(opts, core.WithTransactionTimeout(cutPollTimeout))
	}
	c := dial(t, clientURL, opts...)

	sessions := make([]*core.Session, size.sessions)
	var handles []*core.Handle
	var posting []bool // whether the workers only Post on the handle
	for i := range sessions {
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		sessions[i] = s
		for j := range size.handles {
			plugin := echoTest
			if j%2 == 1 {
				plugin = videoRoom
			}
			h, err := s.Attach(ctx, plugin)
			require.NoError(t, err)
			handles = append(handles, h)
			posting = append(posting, j == 0 && i%2 == 1)
		}
	}

	// The streams: every plugin event on a handle, with the room of a
	// VideoRoom answer; acked and received count the Posts' acks and
	// events per handle.
	streamed := make([][]uint64, len(handles))
	acked := make([]atomic.Int64, len(handles))
	received := make([]atomic.Int64, len(handles))
	var streams sync.WaitGroup
	for i, h := range handles {
		streams.Go(func() {
			for ev := range h.Events() {
				if pe, ok := ev.(*core.PluginEvent); ok {
					if posting[i] {
						received[i].Add(1)
						continue
					}
					var d struct{ Room uint64 }
					_ = pe.Decode(&d)
					streamed[i] = append(streamed[i], d.Room)
				}
			}
		})
	}
	// pendingEvents is how many acked Posts still wait for their event.
	pendingEvents := func() int64 {
		var n int64
		for i := range handles {
			n += max(0, acked[i].Load()-received[i].Load())
		}
		return n
	}

	// call sends one request on handle i and checks that its answer is
	// its own. A Post, when post is set.
	var nonces atomic.Uint64
	var wrongMu sync.Mutex
	var wrong []string
	call := func(i int, post bool) chaosCall {
		h := handles[i]
		cl := chaosCall{handle: i, nonce: nonces.Add(1), post: post}
		body := map[string]any{"audio": true}
		if h.Plugin() == videoRoom {
			body = map[string]any{"request": "exists", "room": cl.nonce}
		}
		started.Add(1)
		inFlight.Add(1)
		cl.start = time.Since(t0)
		var res *core.PluginResult
		var err error
		if post {
			res, err = h.Post(ctx, body)
			if err == nil {
				acked[i].Add(1)
			}
		} else {
			res, err = h.Message(ctx, body)
		}
		cl.end = time.Since(t0)
		inFlight.Add(-1)
		cl.err = err
		if err == nil && !post {
			var d struct {
				Room   uint64
				Result string
			}
			if derr := res.Decode(&d); derr != nil ||
				(h.Plugin() == videoRoom && d.Room != cl.nonce) || (h.Plugin() == echoTest && d.Result != "ok") {
				wrongMu.Lock()
				wrong = append(wrong, fmt.Sprintf("handle %d nonce %d got %s", i, cl.nonce, res.Data))
				wrongMu.Unlock()
			}
		}
		return cl
	}

	var answered atomic.Int64
	lastAnswer := make([]atomic.Int64, size.workers) // start of the last answered request, per worker
	calls := make([][]chaosCall, size.workers)
	stop := make(chan struct{})
	var workers sync.WaitGroup
	for w := range size.workers {
		wr := rand.New(rand.NewPCG(seed, uint64(w)))
		workers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := wr.IntN(len(handles))
				cl := call(i, posting[i])
				calls[w] = append(calls[w], cl)
				if cl.err == nil {
					answered.Add(1)
					lastAnswer[w].Store(int64(cl.start))
				}
			}
		})
	}
	// answeredSince reports whether a request started at or after at was
	// answered.
	answeredSince := func(at time.Duration) bool {
		for w := range lastAnswer {
			if time.Duration(lastAnswer[w].Load()) >= at {
				return true
			}
		}
		return false
	}

	cutCount := size.cuts
	if !ws {
		cutCount = size.httpCuts
	}
	for k := range cutCount {
		// The load pattern: a random pause on a live connection.
		time.Sleep(time.Duration(10+r.IntN(100)) * time.Millisecond)
		cut := &chaosCut{}
		cutsMu.Lock()
		// Started before in flight: a request that starts in between is
		// counted twice rather than not at all (calls count it started
		// first).
		cut.at, cut.startedAt = time.Since(t0), started.Load()
		cut.inFlight = inFlight.Load()
		cut.pendingEvents = pendingEvents()
		cuts = append(cuts, cut)
		cutsMu.Unlock()
		var happened <-chan struct{}
		cut.kind, happened = chaosFault(r, p, ws)
		if happened != nil {
			select {
			case <-happened:
			case <-time.After(15 * time.Second):
				t.Fatalf("cut %d (%s): no traffic to fault", k, cut.kind)
			}
		}
		if ws {
			states.waitFor(t, core.StateReconnected)
		}
		require.Eventually(t, func() bool { return answeredSince(cut.at) }, 15*time.Second, time.Millisecond,
			"cut %d (%s): no answer after the reconnect", k, cut.kind)
		// Events in the pipe at the moment the fault hit: those pending
		// now may be lost too when the fault waited for traffic.
		cut.pendingEvents = max(cut.pendingEvents, pendingEvents())
	}
	close(stop)
	workers.Wait()

	// Every session and handle survives with its id, and every handle
	// answers after the last reconnect. The final Message on a posting
	// handle comes after every event of its Posts: once it returns, the
	// stream has every event that will ever come.
	sessionsKept, handlesKept := 0, 0
	for _, s := range sessions {
		if assert.Same(t, s, c.Session(s.ID()), "session %d", s.ID()) && assert.NoError(t, s.Err()) {
			sessionsKept++
		}
	}
	for i := range handles {
		cl := call(i, false)
		if !ws && errors.Is(cl.err, core.ErrTimeout) {
			cl = call(i, false) // the event went to a cut poll (see cutPollTimeout)
		}
		if assert.NoError(t, cl.err, "handle %d after the last reconnect", handles[i].ID()) {
			handlesKept++
		}
	}

	// No state change or stream event comes after Close.
	require.NoError(t, c.Close())
	streams.Wait()

	// Attribute each failure to the last cut before it ended.
	all := slices.Concat(calls...)
	failedNonces := map[uint64]int{} // nonce -> handle
	failedOn := make([]int, len(handles))
	var failures, otherErrors, cutPollTimeouts int
	for _, cl := range all {
		if cl.err == nil {
			continue
		}
		if !ws && errors.Is(cl.err, core.ErrTimeout) {
			// Over HTTP, only a call waiting for an event can lose it to
			// a cut poll (or get it late, from a poll in backoff after
			// cuts); Posts and VideoRoom's synchronous requests are
			// answered on their own POST.
			cutPollTimeouts++
			failedNonces[cl.nonce] = cl.handle
			failedOn[cl.handle]++
			assert.True(t, !cl.post && handles[cl.handle].Plugin() == echoTest,
				"an HTTP request answered on its POST timed out: %v", cl.err)
			continue
		}
		failures++
		failedNonces[cl.nonce] = cl.handle
		failedOn[cl.handle]++
		if !assert.ErrorIs(t, cl.err, core.ErrDisconnected, "request started at %v", cl.start) {
			otherErrors++
		}
		i, _ := slices.BinarySearchFunc(cuts, cl.end, func(c *chaosCut, end time.Duration) int { return cmp.Compare(c.at, end) })
		if i == 0 {
			t.Errorf("request started at %v failed before any cut: %v", cl.start, cl.err)
			continue
		}
		cuts[i-1].failures++
	}
	for _, cl := range all {
		for _, cut := range cuts {
			if cl.err == nil && cl.start >= cut.at && (cut.recovery == 0 || cl.end-cut.at < cut.recovery) {
				cut.recovery = cl.end - cut.at
			}
		}
	}
	if !ws {
		// Over HTTP the client learns of a cut connection only by using
		// it: until the first answer after the cut, a request may still
		// go out on a pooled connection the proxy closed.
		for _, cut := range cuts {
			cut.startedNoticed = cut.startedAt
			for _, cl := range all {
				if cl.start >= cut.at && cl.start < cut.at+cut.recovery {
					cut.startedNoticed++
				}
			}
		}
	}
	maxRatio, maxInFlightRatio := 0.0, 0.0
	var inFlightSum, unnoticedSum, pendingSum int64
	kinds := map[string]int{}
	var recoveries []time.Duration
	for k, cut := range cuts {
		kinds[cut.kind]++
		recoveries = append(recoveries, cut.recovery)
		assert.LessOrEqual(t, cut.failures, cut.allowed(),
			"cut %d (%s): %d failures, %d in flight at the cut, %d sent before the client noticed it",
			k, cut.kind, cut.failures, cut.inFlight, cut.startedNoticed-cut.startedAt)
		if a := cut.allowed(); a > 0 {
			maxRatio = max(maxRatio, float64(cut.failures)/float64(a))
		}
		if cut.inFlight > 0 {
			maxInFlightRatio = max(maxInFlightRatio, float64(cut.failures)/float64(cut.inFlight))
		}
		inFlightSum += cut.inFlight
		unnoticedSum += cut.startedNoticed - cut.startedAt
		pendingSum += cut.pendingEvents
	}

	// The streams got only late answers of failed requests, each once;
	// the Posts' events came at most once each and were lost only in the
	// pipe at a cut.
	lateAnswers := 0
	var eventsAcked, eventsReceived, eventsLost int64
	for i, rooms := range streamed {
		lateAnswers += len(rooms)
		assert.LessOrEqual(t, len(rooms), failedOn[i], "handle %d: more stream events than failed requests", i)
		if posting[i] {
			a, got := acked[i].Load(), received[i].Load()
			eventsAcked += a
			eventsReceived += got
			eventsLost += max(0, a-got)
			// A Post that failed may have reached Janus, whose event can
			// still come (over HTTP, from the session's queue).
			assert.LessOrEqual(t, got, a+int64(failedOn[i]), "handle %d: more events than Posts", i)
		}
		if handles[i].Plugin() != videoRoom {
			continue
		}
		seen := map[uint64]bool{}
		for _, room := range rooms {
			h, failed := failedNonces[room]
			assert.True(t, failed && h == i, "handle %d: stream event for room %d, not a failed request of this handle", i, room)
			assert.False(t, seen[room], "handle %d: room %d streamed twice", i, room)
			seen[room] = true
		}
	}
	lostAllowed := pendingSum
	if !ws {
		// Each cut poll may take up to maxev events off its session's
		// queue (see cutPollTimeout).
		lostAllowed += int64(len(cuts) * len(sessions) * longpoll.DefaultMaxEvents)
	}
	assert.LessOrEqual(t, eventsLost, lostAllowed, "events lost beyond those pending at the cuts")
	assert.Empty(t, wrong, "answers delivered to the wrong caller")

	slices.Sort(recoveries)
	var kindList []string
	for kind, n := range kinds {
		kindList = append(kindList, fmt.Sprintf("%s %d", kind, n))
	}
	slices.Sort(kindList)
	noticed := "until it reported StateReconnecting"
	if !ws {
		noticed = "until the first answer after the cut"
	}
	chaosReport(t, fmt.Sprintf("cuts under load, %s (%d sessions × %d handles, %d workers)", transport, size.sessions, size.handles, size.workers),
		fig("cuts", "%d (%s)", len(cuts), strings.Join(kindList, ", ")),
		fig("requests", "%d (%d answered)", len(all), answered.Load()),
		fig("failures", "%d (%d not ErrDisconnected)", failures, otherErrors),
		fig("events late or lost", "%d calls ended by their timeout (HTTP only: events given to a cut poll, see the README)", cutPollTimeouts),
		fig("in flight at the cuts", "%d, and %d sent after a cut before the client could know (%s)", inFlightSum, unnoticedSum, noticed),
		fig("failures / allowed", "max %.2f per cut (allowed: in flight + sent before the client could know)", maxRatio),
		fig("failures / in flight", "max %.2f per cut", maxInFlightRatio),
		fig("wrong or repeated answers", "%d", len(wrong)),
		fig("late answers on streams", "%d (each of a failed request, once)", lateAnswers),
		fig("events (Posts)", "%d acked, %d received, %d lost (≤ %d pending at the cuts), 0 twice", eventsAcked, eventsReceived, eventsLost, pendingSum),
		fig("sessions kept", "%d/%d", sessionsKept, len(sessions)),
		fig("handles kept", "%d/%d", handlesKept, len(handles)),
		fig("recovery p50 / p99", "%v / %v (cut to the first answer of a request started after it)",
			percentile(recoveries, 50), percentile(recoveries, 99)),
		fig("connections", "%d", p.Accepted()))
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100].Round(time.Millisecond)
}
