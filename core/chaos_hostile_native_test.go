//go:build !js

package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/internal/hostile"
)

// TestChaosHostileServer drives the client against a hostile Janus
// (internal/hostile) over WebSocket and HTTP long-poll: malformed,
// oversized, deeply nested and binary frames, answers with unknown
// transactions, events for unknown sessions and handles, an ack whose
// event never comes, frames cut in the middle before the TCP connection
// closes, and a flood of events to a handle nobody reads. Each case checks
// what the README promises: the typed error, that every call ends by its
// deadline, that nothing is delivered from a dropped frame, and that the
// client goes on (or, for an oversized frame over WebSocket, ends for good
// with transport.ErrFrameTooLarge). The flood is 50,000 events,
// 200,000 with GOJANUS_CHAOS=full.
func TestChaosHostileServer(t *testing.T) {
	st := &hostileStats{typed: map[string]int{}}
	for _, tr := range []string{"ws", "http"} {
		t.Run(tr, func(t *testing.T) {
			for _, hc := range hostileCases {
				t.Run(hc.name, func(t *testing.T) {
					hc.run(t, newHostileRig(t, tr, st), st)
					if !t.Failed() {
						st.count(tr)
					}
				})
			}
		})
	}
	st.report(t)
}

// hostileCases are the cases, each run over both transports.
var hostileCases = []struct {
	name string
	run  func(t *testing.T, r *hostileRig, st *hostileStats)
}{
	{"malformed", hostileMalformed},
	{"oversized event", hostileOversizedEvent},
	{"oversized answer", hostileOversizedAnswer},
	{"deeply nested", hostileDeeplyNested},
	{"binary", hostileBinary},
	{"unknown transaction", hostileUnknownTransaction},
	{"unknown session and handle", hostileUnknownIDs},
	{"ack without event", hostileAckWithoutEvent},
	{"answers without what they promise", hostileBadAnswers},
	{"close mid-frame", hostileCloseMidFrame},
	{"event flood", hostileEventFlood},
}

// hostileTxTimeout is the rig's transaction timeout: generous, so that
// the calls that should succeed do under load. The calls that should time
// out have a short deadline (hostileDeadline), or a client of their own
// with a short transaction timeout.
const hostileTxTimeout = 10 * time.Second

// hostileWait is how long a test waits for an event at most (a flood
// over HTTP under -race takes seconds).
const hostileWait = time.Minute

// hostileDeadline is the deadline of calls that get no answer.
const hostileDeadline = 300 * time.Millisecond

// hostileSlack is how much later than its deadline a call may end.
const hostileSlack = 2 * time.Second

// hostileRig is a client on a hostile server with one session and one
// EchoTest handle.
type hostileRig struct {
	tr      string // "ws" or "http"
	url     string
	srv     *hostile.Server
	c       *core.Client
	s       *core.Session
	h       *core.Handle
	logs    *countingHandler
	states  *stateLog
	markers int
}

func newHostileRig(t *testing.T, tr string, st *hostileStats) *hostileRig {
	t.Helper()
	r := &hostileRig{tr: tr, srv: hostile.New(t), logs: &countingHandler{counts: map[string]int{}}, states: newStateLog()}
	r.url = r.srv.WSURL()
	if tr == "http" {
		r.url = r.srv.HTTPURL()
	}
	r.c = dial(t, r.url, core.WithKeepalive(-1), core.WithTransactionTimeout(hostileTxTimeout),
		core.WithReconnect(fastReconnect), core.WithStateHandler(r.states.handler), core.WithLogger(slog.New(r.logs)))
	t.Cleanup(func() { st.inject(tr, r.srv.Injected()) })
	ctx := ctxT(t)
	var err error
	r.s, err = r.c.CreateSession(ctx)
	require.NoError(t, err)
	r.h, err = r.s.Attach(ctx, echoTest)
	require.NoError(t, err)
	return r
}

// works checks that the client still works: an event pushed now is the
// next on the handle's stream (nothing a hostile frame made up came
// before it), and a plugin message gets its own answer.
func (r *hostileRig) works(t *testing.T) {
	t.Helper()
	r.marker(t)
	r.markers++
	res, err := r.h.Message(ctxT(t), map[string]any{"nonce": r.markers})
	require.NoError(t, err, "a request after the hostile frames")
	assert.JSONEq(t, fmt.Sprintf(`{"result":"ok","echo":{"nonce":%d}}`, r.markers), string(res.Data))
}

// deadline returns a context that ends after hostileDeadline.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
	t.Cleanup(cancel)
	return ctx
}

// marker pushes an event to the rig's handle and checks that it is the
// next event of its stream.
func (r *hostileRig) marker(t *testing.T) {
	t.Helper()
	r.markers++
	want := fmt.Sprintf(`{"marker":%d}`, r.markers)
	require.NoError(t, r.srv.Push(r.s.ID(), hostile.Event(r.s.ID(), r.h.ID(), "", json.RawMessage(want))))
	ev := hostileEvent(t, r.h.Events())
	assert.JSONEq(t, want, string(ev.Data), "the marker is the next event")
}

// push sends frames one at a time, each once the one before was dropped
// (logged with the message dropped): over HTTP, where events wait for a
// poll, each then comes in a poll of its own.
func (r *hostileRig) push(t *testing.T, dropped string, frames ...hostile.Frame) {
	t.Helper()
	n := r.logs.count(dropped)
	for i, f := range frames {
		require.NoError(t, r.srv.Push(r.s.ID(), f))
		require.Eventually(t, func() bool { return r.logs.count(dropped) == n+i+1 }, 10*time.Second, time.Millisecond,
			"frame %d (%.40q...) is logged with %q", i, f.Body, dropped)
	}
}

// hostileEvent returns the next event of a stream, which must be a plugin
// event.
func hostileEvent(t *testing.T, ch <-chan core.Event) *core.PluginEvent {
	t.Helper()
	ev := recvEvent(t, ch, hostileWait)
	pe, ok := ev.(*core.PluginEvent)
	require.True(t, ok, "a plugin event, not %T %+v", ev, ev)
	return pe
}

// timed runs a call and checks that it ended by its deadline (limit after
// its start, plus hostileSlack).
func timed(t *testing.T, limit time.Duration, call func() error) error {
	t.Helper()
	start := time.Now()
	err := call()
	assert.Less(t, time.Since(start), limit+hostileSlack, "the call ends by its deadline")
	return err
}

// Messages the client logs when it drops something it received.
const (
	logMalformed   = "janus: dropping malformed message"
	logUnknownType = "janus: unknown message type dropped"
	logFinished    = "janus: answer for a finished transaction"
	logNoSession   = "janus: event for unknown session dropped"
	logNoHandle    = "janus: event for unknown handle dropped"
	logPollTooBig  = "janus: dropping a poll's answer over the read limit, with the events in it"
)

// hostileMalformed: frames that are not JSON, not objects, cut short or
// of the wrong types are logged and dropped, and so are unknown message
// types; an answer that is malformed is as good as none, so its request
// ends with ErrTimeout by its deadline. The client goes on.
func hostileMalformed(t *testing.T, r *hostileRig, st *hostileStats) {
	var frames []hostile.Frame
	for _, s := range []string{`{"janus":`, `not json at all`, `{"janus":"event","session_id":`, `[1,2`, `[1,2]`,
		`{}`, `{"janus":null}`, `null`, `"text"`, ``, `{"janus":"event","session_id":"one"}`,
		`{"janus":"event","session_id":1}garbage`} {
		frames = append(frames, hostile.Frame{Body: []byte(s)})
	}
	r.push(t, logMalformed, frames...)
	r.push(t, logUnknownType, hostile.JSON(map[string]any{"janus": "surprise", "session_id": r.s.ID(), "sender": r.h.ID()}))
	r.works(t)

	r.srv.OnNext("info", func(q hostile.Request) hostile.Reply {
		return hostile.Reply{Answer: hostile.Frame{Body: []byte(`{"janus":"server_info","transaction":"` + q.Transaction)}}
	})
	ctx := deadline(t)
	err := timed(t, hostileDeadline, func() error { _, err := r.c.Info(ctx); return err })
	st.expect(t, err, core.ErrTimeout, "ErrTimeout")
	r.works(t)
}

// hostileOversizedEvent: an event over the read limit (8 MiB). Over
// WebSocket the client ends for good with ErrFrameTooLarge; over HTTP the
// poll that brought it is dropped, with the events that came in the same
// poll, and the client goes on.
func hostileOversizedEvent(t *testing.T, r *hostileRig, st *hostileStats) {
	big := hostile.Oversized(r.s.ID(), r.h.ID(), transport.DefaultReadLimit+1)
	with := hostile.Event(r.s.ID(), r.h.ID(), "", map[string]bool{"same poll": true})
	err := r.srv.Push(r.s.ID(), big, with)
	if r.tr == "ws" {
		// The write may fail: the client drops the connection on the
		// frame's header.
		r.endedForGood(t, st)
		return
	}
	require.NoError(t, err)
	require.Eventually(t, func() bool { return r.srv.Queued(r.s.ID()) == 0 }, 10*time.Second, time.Millisecond,
		"a poll takes both")
	require.Eventually(t, func() bool { return r.logs.count(logPollTooBig) == 1 }, 10*time.Second, time.Millisecond,
		"the dropped poll is logged")
	r.works(t) // the marker is next: the event in the same poll is lost
	assert.Equal(t, core.StateConnected, r.c.State())
}

// hostileBadAnswers: answers of the right kind without what the Janus API
// promises in them (a create or attach success without an id, a
// server_info of the wrong types) fail their calls with ErrBadAnswer, and
// the client goes on.
func hostileBadAnswers(t *testing.T, r *hostileRig, st *hostileStats) {
	for _, c := range []struct {
		request string
		answer  map[string]any
		call    func(ctx context.Context) error
	}{
		{"create", map[string]any{"janus": "success", "data": map[string]any{}},
			func(ctx context.Context) error { _, err := r.c.CreateSession(ctx); return err }},
		{"attach", map[string]any{"janus": "success", "data": map[string]any{"id": "seven"}},
			func(ctx context.Context) error { _, err := r.s.Attach(ctx, echoTest); return err }},
		{"info", map[string]any{"janus": "server_info", "version": "one", "plugins": []int{1}},
			func(ctx context.Context) error { _, err := r.c.Info(ctx); return err }},
	} {
		r.srv.OnNext(c.request, func(q hostile.Request) hostile.Reply {
			c.answer["transaction"] = q.Transaction
			return hostile.Reply{Answer: hostile.JSON(c.answer)}
		})
		err := timed(t, 0, func() error { return c.call(ctxT(t)) })
		st.expect(t, err, core.ErrBadAnswer, "ErrBadAnswer")
	}
	r.works(t)
}

// hostileOversizedAnswer: the answer to a request is over the read limit.
// The request fails with ErrFrameTooLarge over both transports; over
// WebSocket the client then ends for good, over HTTP it goes on.
func hostileOversizedAnswer(t *testing.T, r *hostileRig, st *hostileStats) {
	r.srv.OnNext("info", func(q hostile.Request) hostile.Reply {
		big := hostile.Oversized(q.Session, 0, transport.DefaultReadLimit+1)
		big.Body = []byte(strings.Replace(string(big.Body), `"janus":"event"`, `"janus":"server_info","transaction":"`+q.Transaction+`"`, 1))
		return hostile.Reply{Answer: big}
	})
	err := timed(t, 0, func() error { _, err := r.c.Info(ctxT(t)); return err })
	st.expect(t, err, transport.ErrFrameTooLarge, "ErrFrameTooLarge")
	if r.tr == "ws" {
		r.endedForGood(t, st)
		return
	}
	r.works(t)
	assert.Equal(t, core.StateConnected, r.c.State())
}

// endedForGood checks a WebSocket client after a frame over the read
// limit: done, without reconnecting, its session and handle ended with
// ErrFrameTooLarge, and calls fail at once with it.
func (r *hostileRig) endedForGood(t *testing.T, st *hostileStats) {
	t.Helper()
	select {
	case <-r.c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the client goes on after a frame over the read limit")
	}
	st.expect(t, r.c.Err(), transport.ErrFrameTooLarge, "ErrFrameTooLarge")
	assert.ErrorIs(t, r.c.Err(), core.ErrDisconnected)
	assert.Equal(t, core.StateLost, r.c.State(), "ended, not reconnecting")
	<-r.h.Done()
	assert.ErrorIs(t, r.h.Err(), transport.ErrFrameTooLarge)
	assert.ErrorIs(t, r.s.Err(), transport.ErrFrameTooLarge)
	err := timed(t, 0, func() error { _, err := r.c.Info(context.Background()); return err })
	st.expect(t, err, transport.ErrFrameTooLarge, "ErrFrameTooLarge")
	assert.EqualValues(t, 1, r.srv.Connections(), "no reconnect")
}

// hostileDeeplyNested: JSON nested a million levels deep (arrays and
// objects, closed or not, and inside an event's plugin data) is dropped
// at the decoder's depth limit, without a stack overflow.
func hostileDeeplyNested(t *testing.T, r *hostileRig, _ *hostileStats) {
	const depth = 1_000_000
	inEvent := fmt.Appendf(nil, `{"janus":"event","session_id":%d,"sender":%d,"plugindata":{"plugin":"%s","data":%s}}`,
		r.s.ID(), r.h.ID(), hostile.Plugin, hostile.Nested("[", 100_000, true))
	r.push(t, logMalformed,
		hostile.Frame{Body: hostile.Nested("[", depth, false)},
		hostile.Frame{Body: hostile.Nested("[", depth, true)},
		hostile.Frame{Body: hostile.Nested(`{"a":`, depth, true)},
		hostile.Frame{Body: inEvent})
	r.works(t)
}

// hostileBinary: binary garbage (NUL bytes, invalid UTF-8) is dropped;
// a binary message (over HTTP a body sent as application/octet-stream)
// that holds JSON is read like text.
func hostileBinary(t *testing.T, r *hostileRig, _ *hostileStats) {
	r.push(t, logMalformed,
		hostile.Frame{Body: []byte{0, 0xff, 0xfe, '{', 0x80, 0, '"', 0xc3}, Binary: true},
		hostile.Frame{Body: append([]byte(`{"janus":"event","session_id":`), 0, 0xff), Binary: true})
	ev := hostile.Event(r.s.ID(), r.h.ID(), "", map[string]bool{"binary": true})
	ev.Binary = true
	require.NoError(t, r.srv.Push(r.s.ID(), ev))
	assert.JSONEq(t, `{"binary":true}`, string(hostileEvent(t, r.h.Events()).Data))
	r.srv.OnNext("info", func(q hostile.Request) hostile.Reply {
		a := hostile.JSON(map[string]any{"janus": "server_info", "transaction": q.Transaction, "name": "binary"})
		a.Binary = true
		return hostile.Reply{Answer: a}
	})
	info, err := r.c.Info(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, "binary", info.Name)
	r.works(t)
}

// hostileUnknownTransaction: answers with a transaction nobody waits for
// are dropped (an event with one goes to its handle's stream, as the
// answer of a caller that stopped waiting does); a request answered only
// under another transaction ends with ErrTimeout by its deadline; a
// second answer to a request is dropped.
func hostileUnknownTransaction(t *testing.T, r *hostileRig, st *hostileStats) {
	const tx = "hostile-unknown"
	var frames []hostile.Frame
	for _, janus := range []string{"success", "error", "ack", "server_info"} {
		frames = append(frames, hostile.JSON(map[string]any{"janus": janus, "transaction": tx, "session_id": r.s.ID()}))
	}
	r.push(t, logFinished, frames...)
	require.NoError(t, r.srv.Push(r.s.ID(), hostile.Event(r.s.ID(), r.h.ID(), tx, map[string]int{"stray": 1})))
	ev := hostileEvent(t, r.h.Events())
	assert.Equal(t, tx, ev.Transaction)
	assert.JSONEq(t, `{"stray":1}`, string(ev.Data))

	n := r.logs.count(logFinished)
	r.srv.OnNext("info", func(q hostile.Request) hostile.Reply {
		q.Transaction += "-not-yours"
		return hostile.Reply{Answer: hostile.JSON(map[string]any{"janus": "server_info", "transaction": q.Transaction})}
	})
	ctx := deadline(t)
	err := timed(t, hostileDeadline, func() error { _, err := r.c.Info(ctx); return err })
	st.expect(t, err, core.ErrTimeout, "ErrTimeout")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	r.srv.OnNext("keepalive", func(q hostile.Request) hostile.Reply {
		return hostile.Reply{Answer: q.Ack(), Events: []hostile.Frame{q.Ack()}}
	})
	require.NoError(t, r.s.Keepalive(ctxT(t)))
	require.Eventually(t, func() bool { return r.logs.count(logFinished) == n+2 }, 10*time.Second, time.Millisecond,
		"the late answer to info and the second ack are dropped")
	r.works(t)
}

// hostileUnknownIDs: events, hangups, a timeout and a 458 error for a
// session or handle the client does not know are dropped (logged at debug
// level); they end nothing and reach no stream.
func hostileUnknownIDs(t *testing.T, r *hostileRig, _ *hostileStats) {
	const ghost = 999_999
	sid, hid := r.s.ID(), r.h.ID()
	r.push(t, logNoSession,
		hostile.Event(ghost, hid, "", map[string]int{"ghost": 1}),
		hostile.JSON(map[string]any{"janus": "hangup", "session_id": ghost, "sender": hid, "reason": "ghost"}),
		hostile.JSON(map[string]any{"janus": "timeout", "session_id": ghost}),
		hostile.JSON(map[string]any{"janus": "error", "session_id": ghost, "error": map[string]any{"code": 458, "reason": "No such session"}}))
	r.push(t, logNoHandle,
		hostile.Event(sid, ghost, "", map[string]int{"ghost": 2}),
		hostile.JSON(map[string]any{"janus": "webrtcup", "session_id": sid, "sender": ghost}),
		hostile.JSON(map[string]any{"janus": "detached", "session_id": sid, "sender": ghost}))
	r.works(t)
	select {
	case <-r.s.Done():
		t.Fatalf("the session ended: %v", r.s.Err())
	case ev := <-r.s.Events():
		t.Fatalf("an event on the session's stream: %T %+v", ev, ev)
	default:
	}
}

// hostileAckWithoutEvent: a plugin message acknowledged but never
// answered ends with ErrTimeout by its context's deadline, or by the
// transaction timeout without one; its event, when it comes after all,
// goes to the handle's stream. Post returns at the ack.
func hostileAckWithoutEvent(t *testing.T, r *hostileRig, st *hostileStats) {
	txs := make(chan string, 2)
	ackOnly := func(q hostile.Request) hostile.Reply {
		txs <- q.Transaction
		return hostile.Reply{Answer: q.Ack()}
	}
	r.srv.OnNext("message", ackOnly)
	ctx := deadline(t)
	err := timed(t, hostileDeadline, func() error { _, err := r.h.Message(ctx, nil); return err })
	st.expect(t, err, core.ErrTimeout, "ErrTimeout")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	tx := <-txs
	require.NoError(t, r.srv.Push(r.s.ID(), hostile.Event(r.s.ID(), r.h.ID(), tx, map[string]bool{"late": true})))
	ev := hostileEvent(t, r.h.Events())
	assert.Equal(t, tx, ev.Transaction, "the late answer on the stream")
	assert.JSONEq(t, `{"late":true}`, string(ev.Data))

	// Without a deadline: the transaction timeout, here of a client of its
	// own with a short one.
	short := dial(t, r.url, core.WithKeepalive(-1), core.WithTransactionTimeout(hostileDeadline),
		core.WithLogger(slog.New(slog.DiscardHandler)))
	s2, err := short.CreateSession(ctxT(t))
	require.NoError(t, err)
	h2, err := s2.Attach(ctxT(t), echoTest)
	require.NoError(t, err)
	r.srv.OnNext("message", ackOnly)
	err = timed(t, hostileDeadline, func() error { _, err := h2.Message(context.Background(), nil); return err })
	st.expect(t, err, core.ErrTimeout, "ErrTimeout")
	<-txs

	res, err := r.h.Post(ctxT(t), map[string]int{"post": 1})
	require.NoError(t, err)
	assert.Empty(t, res.Data, "Post returns the ack")
	ev = hostileEvent(t, r.h.Events())
	assert.NotEmpty(t, ev.Transaction)
	assert.JSONEq(t, `{"result":"ok","echo":{"post":1}}`, string(ev.Data))
	r.works(t)
}

// hostileCloseMidFrame: the server sends half a frame, then closes the TCP
// connection. A request whose answer was cut fails with ErrDisconnected
// (it reached the server). Over WebSocket the client reconnects and claims
// its session, and the same handle goes on; over HTTP only that request
// (or poll) failed and the client stays connected. A cut event is lost
// whole, never delivered in part.
func hostileCloseMidFrame(t *testing.T, r *hostileRig, st *hostileStats) {
	r.srv.OnNext("message", func(q hostile.Request) hostile.Reply {
		return hostile.Reply{Answer: hostile.Frame{Body: q.Ack().Body, Cut: true}}
	})
	err := timed(t, 0, func() error { _, err := r.h.Message(ctxT(t), nil); return err })
	st.expect(t, err, core.ErrDisconnected, "ErrDisconnected")
	if r.tr == "ws" {
		r.states.waitFor(t, core.StateReconnected)
	}
	r.works(t)

	cut := hostile.Event(r.s.ID(), r.h.ID(), "", map[string]bool{"cut": true})
	cut.Cut = true
	require.NoError(t, r.srv.Push(r.s.ID(), cut))
	if r.tr == "ws" {
		r.states.waitFor(t, core.StateReconnected)
		assert.EqualValues(t, 3, r.srv.Connections(), "one reconnect per cut")
	} else {
		assert.EqualValues(t, 0, r.srv.Connections())
	}
	r.works(t)
	assert.Equal(t, core.StateConnected, r.c.State())
	assert.NoError(t, r.s.Err())
}

// hostileEventFlood: a flood of events to a handle nobody reads keeps
// memory bounded (the stream's buffer and queue); when the reader comes
// back it gets the first events, one EventsDropped with the number
// dropped, then the last events, in order: every event is either
// delivered or counted.
func hostileEventFlood(t *testing.T, r *hostileRig, st *hostileStats) {
	n := 50_000
	if os.Getenv("GOJANUS_CHAOS") == "full" {
		n = 200_000
	}
	flooded, err := r.s.Attach(ctxT(t), echoTest)
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	require.NoError(t, r.srv.Flood(r.s.ID(), flooded.ID(), n))
	r.marker(t) // on the other handle, after the flood: every flood event was read
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	// 4,112 events are kept (16 in the channel, 4,096 queued), a few
	// hundred bytes each; all 50,000 kept would be over 10 MB.
	assert.Less(t, growth, int64(8<<20), "heap growth while nobody reads")

	received, dropped, last := 0, 0, 0
	for received+dropped < n {
		switch ev := recvEvent(t, flooded.Events(), hostileWait).(type) {
		case *core.EventsDropped:
			dropped += ev.Count
			last += ev.Count // the events dropped come before the next one delivered
		case *core.PluginEvent:
			var d struct{ Seq int }
			require.NoError(t, ev.Decode(&d))
			require.Equal(t, last+1, d.Seq, "events in order, each delivered or counted")
			last = d.Seq
			received++
		default:
			t.Fatalf("unexpected %T %+v", ev, ev)
		}
	}
	assert.Equal(t, n, last)
	// The channel's events, the queue's, and the one the queue's pump
	// holds while it waits for room in the channel.
	assert.LessOrEqual(t, received, core.DefaultEventBuffer+core.DefaultMaxQueuedEvents+1)
	assert.Positive(t, dropped)
	st.flooded(r.tr, n, growth, received, dropped, took)
	res, err := flooded.Message(ctxT(t), map[string]int{"after": 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":"ok","echo":{"after":1}}`, string(res.Data))
	r.works(t)
}

// hostileStats collects the figures of the run.
type hostileStats struct {
	mu       sync.Mutex
	cases    [2]int   // per transport: ws, http
	injected [2]int64 // frames the servers made up
	typed    map[string]int
	flood    [2]string
}

func hostileIndex(tr string) int {
	if tr == "http" {
		return 1
	}
	return 0
}

func (st *hostileStats) count(tr string) {
	st.mu.Lock()
	st.cases[hostileIndex(tr)]++
	st.mu.Unlock()
}

func (st *hostileStats) inject(tr string, n int64) {
	st.mu.Lock()
	st.injected[hostileIndex(tr)] += n
	st.mu.Unlock()
}

// expect checks that err matches target and counts it under name.
func (st *hostileStats) expect(t *testing.T, err, target error, name string) {
	t.Helper()
	require.ErrorIs(t, err, target)
	st.mu.Lock()
	st.typed[name]++
	st.mu.Unlock()
}

func (st *hostileStats) flooded(tr string, n int, growth int64, received, dropped int, took time.Duration) {
	st.mu.Lock()
	st.flood[hostileIndex(tr)] = fmt.Sprintf("%d events in %v: heap +%.1f MB, %d delivered, %d dropped and reported",
		n, took.Round(time.Millisecond), float64(growth)/1e6, received, dropped)
	st.mu.Unlock()
}

func (st *hostileStats) report(t *testing.T) {
	st.mu.Lock()
	defer st.mu.Unlock()
	chaosReport(t, "hostile servers (ws and long-poll)",
		fig("cases passed (ws / long-poll)", "%d / %d of %d", st.cases[0], st.cases[1], len(hostileCases)),
		fig("frames injected (ws / long-poll)", "%d / %d", st.injected[0], st.injected[1]),
		fig("flood over ws", "%s", st.flood[0]),
		fig("flood over long-poll", "%s", st.flood[1]),
		fig("typed errors seen", "ErrTimeout %d, ErrDisconnected %d, ErrFrameTooLarge %d",
			st.typed["ErrTimeout"], st.typed["ErrDisconnected"], st.typed["ErrFrameTooLarge"]),
	)
}
