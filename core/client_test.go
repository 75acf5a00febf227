package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/mem"
)

func TestCreateAttachAndSyncMessage(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	assert.Equal(t, uint64(1), s.ID())
	assert.Equal(t, uint64(2), h.ID())
	assert.Equal(t, "janus.plugin.echotest", h.Plugin())
	assert.Same(t, s, c.Session(1))
	assert.Same(t, h, s.Handle(2))

	done := make(chan *PluginResult, 1)
	go func() {
		res, err := h.Message(context.Background(), map[string]any{"request": "list"})
		assert.NoError(t, err)
		done <- res
	}()
	req := f.expect("message")
	assert.Equal(t, uint64(1), jsonNum(req["session_id"]))
	assert.Equal(t, uint64(2), jsonNum(req["handle_id"]))
	assert.Equal(t, map[string]any{"request": "list"}, req["body"])
	f.reply(req, map[string]any{"janus": "success", "session_id": 1, "sender": 2,
		"plugindata": map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"list": []int{7}}}})
	res := wait(t, done)
	assert.False(t, res.Async)
	assert.Equal(t, "janus.plugin.echotest", res.Plugin)
	var d struct{ List []int }
	require.NoError(t, res.Decode(&d))
	assert.Equal(t, []int{7}, d.List)
}

func TestAsyncMessageAckThenEventAndEventThenAck(t *testing.T) {
	for _, eventFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("eventFirst=%v", eventFirst), func(t *testing.T) {
			c, f := newFake(t)
			_, h := f.session(c)
			done := make(chan *PluginResult, 1)
			go func() {
				res, err := h.Message(context.Background(), map[string]any{"audio": true},
					WithJSEP(&JSEP{Type: "offer", SDP: "v=0"}))
				assert.NoError(t, err)
				done <- res
			}()
			req := f.expect("message")
			assert.Equal(t, map[string]any{"type": "offer", "sdp": "v=0"}, req["jsep"])
			ack := map[string]any{"janus": "ack", "session_id": 1}
			ev := map[string]any{"janus": "event", "session_id": 1, "sender": 2,
				"plugindata": map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"result": "ok"}},
				"jsep":       map[string]any{"type": "answer", "sdp": "v=0 answer"}}
			if eventFirst {
				f.reply(req, ev)
				f.reply(req, ack)
			} else {
				f.reply(req, ack)
				// A bound, not a wait: Message must not return on the
				// ack (on a slow machine this may miss the bug, never
				// fail a good client).
				select {
				case <-done:
					t.Fatal("Message returned on the ack")
				case <-time.After(20 * time.Millisecond):
				}
				f.reply(req, ev)
			}
			res := wait(t, done)
			assert.True(t, res.Async)
			assert.Equal(t, &JSEP{Type: "answer", SDP: "v=0 answer"}, res.JSEP)
			assert.JSONEq(t, `{"result":"ok"}`, string(res.Data))
			// The answer is not repeated on the stream, and a stray ack is
			// ignored (a bound on a negative check, like the one above).
			select {
			case ev := <-h.Events():
				t.Fatalf("unexpected event %#v", ev)
			case <-time.After(20 * time.Millisecond):
			}
		})
	}
}

func TestPostReturnsOnAckAndEventGoesToStream(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	errc := async(func() error { _, err := h.Post(context.Background(), map[string]any{"request": "start"}); return err })
	req := f.expect("message")
	// The event may even come before the ack.
	f.reply(req, map[string]any{"janus": "event", "session_id": 1, "sender": 2,
		"plugindata": map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"started": "ok"}}})
	f.reply(req, map[string]any{"janus": "ack", "session_id": 1})
	require.NoError(t, wait(t, errc))
	ev := nextEvent(t, h.Events()).(*PluginEvent)
	assert.JSONEq(t, `{"started":"ok"}`, string(ev.Data))
	assert.Equal(t, Source{Session: 1, Handle: 2}, ev.EventSource())
}

func TestJanusErrorsAreTyped(t *testing.T) {
	c, f := newFake(t)
	cases := []struct {
		code     int
		sentinel error
	}{
		{403, ErrUnauthorized}, {457, ErrInvalidRequestPath}, {458, ErrSessionNotFound},
		{459, ErrHandleNotFound}, {460, ErrPluginNotFound}, {470, ErrTokenNotFound},
	}
	for _, tc := range cases {
		errc := async(func() error { _, err := c.CreateSession(context.Background()); return err })
		f.reply(f.expect("create"), map[string]any{"janus": "error", "error": map[string]any{"code": tc.code, "reason": "because"}})
		err := wait(t, errc)
		require.ErrorIs(t, err, tc.sentinel)
		var je *Error
		require.ErrorAs(t, err, &je)
		assert.Equal(t, tc.code, je.Code)
		assert.Equal(t, "because", je.Reason)
		assert.Equal(t, "create", je.Request)
		assert.Contains(t, err.Error(), fmt.Sprint(tc.code))
		for _, other := range cases {
			if other.code != tc.code {
				assert.NotErrorIs(t, err, other.sentinel)
			}
		}
	}
	assert.Empty(t, c.Sessions())
}

func TestPluginErrorIsTyped(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	errc := async(func() error { _, err := h.Message(context.Background(), map[string]any{"request": "join"}); return err })
	req := f.expect("message")
	f.reply(req, map[string]any{"janus": "ack"})
	f.reply(req, map[string]any{"janus": "event", "session_id": 1, "sender": 2, "plugindata": map[string]any{
		"plugin": "janus.plugin.videoroom", "data": map[string]any{"videoroom": "event", "error_code": 426, "error": "No such room (42)"}}})
	err := wait(t, errc)
	var pe *PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 426, pe.Code)
	assert.Equal(t, "No such room (42)", pe.Reason)
	assert.Equal(t, "janus.plugin.videoroom", pe.Plugin)
	assert.ErrorIs(t, err, &PluginError{Code: 426})
	assert.NotErrorIs(t, err, &PluginError{Code: 427})
	var je *Error
	assert.False(t, errors.As(err, &je))
}

func TestTransactionTimeout(t *testing.T) {
	// Long enough for the answered call below to be answered in time on
	// a loaded machine under -race.
	c, f := newFake(t, WithTransactionTimeout(250*time.Millisecond))
	errc := async(func() error { _, err := c.Info(context.Background()); return err })
	f.expect("info") // never answered
	err := wait(t, errc)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "info")
	// A late answer is dropped without harm and the client keeps working.
	errc = async(func() error { _, err := c.Info(context.Background()); return err })
	req := f.expect("info")
	f.reply(req, map[string]any{"janus": "server_info", "name": "Janus", "version_string": "1.1.2"})
	require.NoError(t, wait(t, errc))
}

func TestCancelledCallLeavesLateEventOnStream(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	ctx, cancel := context.WithCancel(context.Background())
	errc := async(func() error { _, err := h.Message(ctx, map[string]any{"request": "configure"}); return err })
	req := f.expect("message")
	f.reply(req, map[string]any{"janus": "ack"})
	cancel()
	err := wait(t, errc)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrTimeout)
	f.reply(req, map[string]any{"janus": "event", "session_id": 1, "sender": 2,
		"plugindata": map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"late": true}}})
	ev := nextEvent(t, h.Events()).(*PluginEvent)
	assert.Equal(t, req["transaction"], ev.Transaction)
	assert.JSONEq(t, `{"late":true}`, string(ev.Data))
}

func TestEventsAreRoutedAndTyped(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	// A second handle on the same session.
	hc := make(chan *Handle, 1)
	go func() {
		h2, err := s.Attach(context.Background(), "janus.plugin.videoroom", WithOpaqueID("op"))
		assert.NoError(t, err)
		hc <- h2
	}()
	req := f.expect("attach")
	assert.Equal(t, "op", req["opaque_id"])
	f.success(req, 3)
	h2 := wait(t, hc)
	assert.Equal(t, "op", h2.OpaqueID())

	base := func(sender int) map[string]any { return map[string]any{"session_id": 1, "sender": sender} }
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	f.send(with(base(2), "janus", "webrtcup"))
	f.send(with(base(3), "janus", "media", "mid", "1", "type", "video", "receiving", true))
	f.send(with(base(2), "janus", "slowlink", "mid", "0", "media", "audio", "uplink", true, "lost", 5))
	f.send(with(base(99), "janus", "webrtcup"))                   // unknown handle: dropped
	f.send(map[string]any{"janus": "webrtcup", "session_id": 77}) // unknown session: dropped
	f.send(with(base(2), "janus", "brand-new-type"))              // unknown type: dropped
	require.NoError(t, f.srv.Send([]byte(`{not json`)))           // malformed: dropped
	f.send(with(base(2), "janus", "trickle", "candidate", map[string]any{"sdpMid": "0", "sdpMLineIndex": 0, "candidate": "candidate:1 1 udp 1 10.0.0.1 5000 typ host"}))
	f.send(with(base(2), "janus", "trickle", "candidate", map[string]any{"completed": true}))
	f.send(with(base(3), "janus", "hangup", "reason", "DTLS alert"))
	f.send(with(base(2), "janus", "event", "plugindata", map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"x": 1}}))

	assert.Equal(t, &WebRTCUp{Source{1, 2}}, nextEvent(t, h.Events()))
	assert.Equal(t, &SlowLink{Source: Source{1, 2}, Mid: "0", Media: "audio", Uplink: true, Lost: 5}, nextEvent(t, h.Events()))
	tr := nextEvent(t, h.Events()).(*Trickle)
	assert.Equal(t, "0", tr.Candidate.SDPMid)
	require.NotNil(t, tr.Candidate.SDPMLineIndex)
	assert.Equal(t, uint16(0), *tr.Candidate.SDPMLineIndex)
	assert.False(t, tr.Completed())
	assert.True(t, nextEvent(t, h.Events()).(*Trickle).Completed())
	pe := nextEvent(t, h.Events()).(*PluginEvent)
	assert.Equal(t, "janus.plugin.echotest", pe.Plugin)
	assert.NoError(t, pe.Err())

	assert.Equal(t, &Media{Source: Source{1, 3}, Mid: "1", Type: "video", Receiving: true}, nextEvent(t, h2.Events()))
	assert.Equal(t, &Hangup{Source: Source{1, 3}, Reason: "DTLS alert"}, nextEvent(t, h2.Events()))
	assert.Nil(t, c.Err(), "malformed and unknown messages are not fatal")
}

func TestSessionTimeoutEndsSessionAndHandles(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	f.send(map[string]any{"janus": "timeout", "session_id": 1})
	assert.Equal(t, &Timeout{Source{Session: 1}}, nextEvent(t, s.Events()))
	wait(t, s.Done())
	wait(t, h.Done())
	assert.ErrorIs(t, s.Err(), ErrSessionTimeout)
	assert.ErrorIs(t, h.Err(), ErrSessionTimeout)
	_, open := <-s.Events()
	assert.False(t, open)
	_, open = <-h.Events()
	assert.False(t, open)
	assert.Nil(t, c.Session(1))
}

func TestSlowConsumerNeverBlocksAndKeepsOrder(t *testing.T) {
	c, f := newFake(t, WithEventBuffer(2))
	_, h := f.session(c)
	const n = 500
	for i := range n {
		f.send(map[string]any{"janus": "event", "session_id": 1, "sender": 2,
			"plugindata": map[string]any{"plugin": "p", "data": map[string]any{"i": i}}})
	}
	// The read loop is not blocked: other requests still complete.
	errc := async(func() error { _, err := c.Info(context.Background()); return err })
	f.reply(f.expect("info"), map[string]any{"janus": "server_info"})
	require.NoError(t, wait(t, errc))
	for i := range n {
		var d struct{ I int }
		require.NoError(t, nextEvent(t, h.Events()).(*PluginEvent).Decode(&d))
		require.Equal(t, i, d.I)
	}
}

func TestOverflowDropsOldestAndReportsIt(t *testing.T) {
	c, f := newFake(t, WithEventBuffer(1), WithMaxQueuedEvents(10))
	_, h := f.session(c)
	const n = 100
	for i := range n {
		f.send(map[string]any{"janus": "event", "session_id": 1, "sender": 2,
			"plugindata": map[string]any{"plugin": "p", "data": map[string]any{"i": i}}})
	}
	// Make sure all were routed before reading.
	errc := async(func() error { _, err := c.Info(context.Background()); return err })
	f.reply(f.expect("info"), map[string]any{"janus": "server_info"})
	require.NoError(t, wait(t, errc))

	var got []int
	dropped := 0
	for len(got)+dropped < n {
		switch ev := nextEvent(t, h.Events()).(type) {
		case *EventsDropped:
			dropped += ev.Count
		case *PluginEvent:
			var d struct{ I int }
			require.NoError(t, ev.Decode(&d))
			got = append(got, d.I)
		}
	}
	// The channel holds 1 and the queue 10; the draining goroutine may
	// hold one more, taken from the queue, while it waits on the channel.
	assert.Contains(t, []int{n - 11, n - 12}, dropped)
	assert.Equal(t, 0, got[0], "the event already in the channel stays")
	for i := 1; i < len(got); i++ {
		assert.Greater(t, got[i], got[i-1], "order kept")
	}
	assert.Equal(t, n-1, got[len(got)-1], "the newest events are kept")
}

func TestKeepalivesForEverySessionFromOneLoop(t *testing.T) {
	tc, f := newFake(t, WithKeepalive(15*time.Millisecond))
	// Create two sessions.
	seen := map[uint64]int{}
	for id := uint64(1); id <= 2; id++ {
		errc := async(func() error { _, err := tc.CreateSession(context.Background()); return err })
		for {
			// Keepalives of the first session may come before the second
			// create.
			req := f.next()
			if req["janus"] == "keepalive" {
				seen[jsonNum(req["session_id"])]++
				f.reply(req, map[string]any{"janus": "ack"})
				continue
			}
			require.Equal(t, "create", req["janus"])
			f.success(req, id)
			break
		}
		require.NoError(t, wait(t, errc))
	}
	for seen[1] < 2 || seen[2] < 2 {
		req := f.expect("keepalive")
		seen[jsonNum(req["session_id"])]++
		f.reply(req, map[string]any{"janus": "ack", "session_id": req["session_id"]})
	}
	// A keepalive answered with 458 ends that session with a typed event.
	s1 := tc.Session(1)
	for {
		req := f.expect("keepalive")
		if jsonNum(req["session_id"]) == 1 {
			f.reply(req, map[string]any{"janus": "error", "error": map[string]any{"code": 458, "reason": "No such session 1"}})
			break
		}
		f.reply(req, map[string]any{"janus": "ack"})
	}
	kf := nextEvent(t, s1.Events()).(*KeepaliveFailed)
	assert.ErrorIs(t, kf.Err, ErrSessionNotFound)
	wait(t, s1.Done())
	assert.ErrorIs(t, s1.Err(), ErrSessionNotFound)
	assert.NotNil(t, tc.Session(2))
}

func TestDroppedConnectionFailsCallsAndEndsSessions(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	errc := async(func() error { _, err := h.Message(context.Background(), nil); return err })
	f.expect("message")
	f.srv.Close()
	err := wait(t, errc)
	assert.ErrorIs(t, err, ErrDisconnected)
	wait(t, c.Done())
	wait(t, s.Done())
	wait(t, h.Done())
	assert.ErrorIs(t, c.Err(), ErrDisconnected)
	assert.ErrorIs(t, s.Err(), ErrDisconnected)
	assert.ErrorIs(t, h.Err(), ErrDisconnected)
	_, err = c.CreateSession(context.Background())
	assert.ErrorIs(t, err, ErrDisconnected)
}

func TestCloseEndsEverythingWithErrClosed(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	errc := async(func() error { _, err := c.Info(context.Background()); return err })
	f.expect("info")
	require.NoError(t, c.Close())
	assert.ErrorIs(t, wait(t, errc), ErrClosed)
	assert.ErrorIs(t, s.Err(), ErrClosed)
	assert.ErrorIs(t, h.Err(), ErrClosed)
	_, err := c.Info(context.Background())
	assert.ErrorIs(t, err, ErrClosed)
	require.NoError(t, c.Close(), "Close twice")
}

func TestDetachWaitsForDetachedEvent(t *testing.T) {
	c, f := newFake(t, WithDetachGrace(time.Hour))
	s, h := f.session(c)
	errc := async(func() error { return h.Detach(context.Background()) })
	f.success(f.expect("detach"), 0)
	require.NoError(t, wait(t, errc))
	// Events after the success still arrive, then detached ends the stream.
	f.send(map[string]any{"janus": "event", "session_id": 1, "sender": 2, "plugindata": map[string]any{"plugin": "p", "data": map[string]any{"leaving": 1}}})
	f.send(map[string]any{"janus": "detached", "session_id": 1, "sender": 2})
	assert.IsType(t, &PluginEvent{}, nextEvent(t, h.Events()))
	assert.Equal(t, &Detached{Source{1, 2}}, nextEvent(t, h.Events()))
	_, open := <-h.Events()
	assert.False(t, open)
	assert.NoError(t, h.Err())
	assert.Nil(t, s.Handle(2))
}

func TestDetachGraceClosesStreamWithoutDetachedEvent(t *testing.T) {
	c, f := newFake(t, WithDetachGrace(10*time.Millisecond))
	_, h := f.session(c)
	errc := async(func() error { return h.Detach(context.Background()) })
	f.success(f.expect("detach"), 0)
	require.NoError(t, wait(t, errc))
	wait(t, h.Done())
}

func TestDestroyEndsHandles(t *testing.T) {
	c, f := newFake(t)
	s, h := f.session(c)
	errc := async(func() error { return s.Destroy(context.Background()) })
	f.success(f.expect("destroy"), 0)
	require.NoError(t, wait(t, errc))
	wait(t, s.Done())
	assert.NoError(t, s.Err())
	assert.ErrorIs(t, h.Err(), ErrSessionDestroyed)
	assert.Nil(t, c.Session(1))
}

func TestTrickleRequests(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	errc := async(func() error {
		return h.Trickle(context.Background(), Candidate{Candidate: "candidate:1", SDPMid: "0", SDPMLineIndex: MLineIndex(0)})
	})
	req := f.expect("trickle")
	assert.Equal(t, map[string]any{"candidate": "candidate:1", "sdpMid": "0", "sdpMLineIndex": jsonNumber("0")}, req["candidate"])
	f.reply(req, map[string]any{"janus": "ack"})
	require.NoError(t, wait(t, errc))

	errc = async(func() error {
		return h.TrickleBatch(context.Background(), []Candidate{{Candidate: "a", SDPMid: "0"}, {Candidate: "b", SDPMid: "1"}})
	})
	req = f.expect("trickle")
	assert.Len(t, req["candidates"], 2)
	f.reply(req, map[string]any{"janus": "ack"})
	require.NoError(t, wait(t, errc))

	errc = async(func() error { return h.TrickleCompleted(context.Background()) })
	req = f.expect("trickle")
	assert.Equal(t, map[string]any{"completed": true}, req["candidate"])
	f.reply(req, map[string]any{"janus": "ack"})
	require.NoError(t, wait(t, errc))
}

func TestCredentialsPerClientSessionAndRequest(t *testing.T) {
	c, f := newFake(t, WithAPISecret("client-secret"), WithToken("client-token"))
	errc := async(func() error { _, err := c.Info(context.Background(), WithCallToken("call-token")); return err })
	req := f.expect("info")
	assert.Equal(t, "client-secret", req["apisecret"])
	assert.Equal(t, "call-token", req["token"])
	f.reply(req, map[string]any{"janus": "server_info"})
	require.NoError(t, wait(t, errc))

	sc := make(chan *Session, 1)
	go func() {
		s, err := c.CreateSession(context.Background(), WithCallToken("session-token"))
		assert.NoError(t, err)
		sc <- s
	}()
	req = f.expect("create")
	assert.Equal(t, "session-token", req["token"])
	f.success(req, 5)
	s := wait(t, sc)
	errc = async(func() error { return s.Keepalive(context.Background()) })
	req = f.expect("keepalive")
	assert.Equal(t, "session-token", req["token"], "the session keeps its token")
	assert.Equal(t, "client-secret", req["apisecret"])
	f.reply(req, map[string]any{"janus": "ack"})
	require.NoError(t, wait(t, errc))
}

func TestSecretsNeverLogged(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f := newFake(t, WithAPISecret("s3cr3t-api"), WithToken("s3cr3t-token"), WithLogger(log))
	s, h := f.session(c)
	_ = s
	errc := async(func() error {
		_, err := h.Message(context.Background(), map[string]any{"request": "create", "secret": "room-s3cr3t", "pin": "p1n-s3cr3t"})
		return err
	})
	req := f.expect("message")
	f.reply(req, map[string]any{"janus": "error", "error": map[string]any{"code": 403, "reason": "Unauthorized request (wrong or missing secret/token)"}})
	err := wait(t, errc)
	require.Error(t, err)
	out := buf.String()
	assert.Contains(t, out, "janus: send", "debug logging is on")
	for _, secret := range []string{"s3cr3t-api", "s3cr3t-token", "room-s3cr3t", "p1n-s3cr3t"} {
		assert.NotContains(t, out, secret)
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestConcurrentRequestsMatchTheirAnswers(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.Message(context.Background(), map[string]any{"i": i})
			if err != nil {
				errs <- err
				return
			}
			var d struct{ I int }
			if err := res.Decode(&d); err != nil || d.I != i {
				errs <- fmt.Errorf("request %d got answer %d (%v)", i, d.I, err)
			}
		}()
	}
	// Collect all requests, then answer in reverse order, half async.
	reqs := make([]map[string]any, 0, n)
	for range n {
		reqs = append(reqs, f.expect("message"))
	}
	for j := len(reqs) - 1; j >= 0; j-- {
		req := reqs[j]
		body := req["body"].(map[string]any)
		pd := map[string]any{"plugin": "p", "data": map[string]any{"i": body["i"]}}
		if j%2 == 0 {
			f.reply(req, map[string]any{"janus": "success", "plugindata": pd})
		} else {
			f.reply(req, map[string]any{"janus": "ack"})
			f.reply(req, map[string]any{"janus": "event", "session_id": 1, "sender": 2, "plugindata": pd})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestHTTPArrayOfEvents(t *testing.T) {
	c, f := newFake(t)
	_, h := f.session(c)
	require.NoError(t, f.srv.Send([]byte(`[{"janus":"webrtcup","session_id":1,"sender":2},{"janus":"hangup","session_id":1,"sender":2,"reason":"bye"}]`)))
	assert.IsType(t, &WebRTCUp{}, nextEvent(t, h.Events()))
	assert.Equal(t, "bye", nextEvent(t, h.Events()).(*Hangup).Reason)
}

func TestClaimSessionAndAdoptHandle(t *testing.T) {
	c, f := newFake(t)
	sc := make(chan *Session, 1)
	go func() {
		s, err := c.ClaimSession(context.Background(), 42)
		assert.NoError(t, err)
		sc <- s
	}()
	req := f.expect("claim")
	assert.Equal(t, uint64(42), jsonNum(req["session_id"]))
	f.reply(req, map[string]any{"janus": "success", "session_id": 42})
	s := wait(t, sc)
	h := s.AdoptHandle(7, "janus.plugin.echotest")
	f.send(map[string]any{"janus": "webrtcup", "session_id": 42, "sender": 7})
	assert.IsType(t, &WebRTCUp{}, nextEvent(t, h.Events()))
	assert.Equal(t, []uint64{42}, f.srv.Opened())
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type typedEvent struct {
	Source
	What string
}

func TestEventDecoderTypesPluginEvents(t *testing.T) {
	c, f := newFake(t)
	s, _ := f.session(c)
	decoder := func(ev *PluginEvent) Event {
		var d struct{ What string }
		_ = ev.Decode(&d)
		switch d.What {
		case "panic":
			panic("bad decoder")
		case "":
			return nil
		}
		return &typedEvent{Source: ev.Source, What: d.What}
	}
	hc := make(chan *Handle, 1)
	go func() {
		h, err := s.Attach(context.Background(), "p", WithEventDecoder(decoder))
		assert.NoError(t, err)
		hc <- h
	}()
	f.success(f.expect("attach"), 3)
	h := wait(t, hc)
	for _, what := range []string{"joined", "panic", ""} {
		f.send(map[string]any{"janus": "event", "session_id": 1, "sender": 3,
			"plugindata": map[string]any{"plugin": "p", "data": map[string]any{"what": what}}})
	}
	assert.Equal(t, &typedEvent{Source: Source{1, 3}, What: "joined"}, nextEvent(t, h.Events()))
	assert.IsType(t, &PluginEvent{}, nextEvent(t, h.Events()), "a panicking decoder falls back to the raw event")
	assert.IsType(t, &PluginEvent{}, nextEvent(t, h.Events()), "nil falls back to the raw event")
	adopted := s.AdoptHandle(4, "p", WithEventDecoder(decoder))
	f.send(map[string]any{"janus": "event", "session_id": 1, "sender": 4,
		"plugindata": map[string]any{"plugin": "p", "data": map[string]any{"what": "x"}}})
	assert.Equal(t, &typedEvent{Source: Source{1, 4}, What: "x"}, nextEvent(t, adopted.Events()))
}

func TestAdoptHandleOnEndedSessionIsEnded(t *testing.T) {
	c, f := newFake(t)
	s, _ := f.session(c)
	f.send(map[string]any{"janus": "timeout", "session_id": 1})
	wait(t, s.Done())
	h := s.AdoptHandle(9, "p")
	wait(t, h.Done())
	assert.ErrorIs(t, h.Err(), ErrSessionTimeout)
	_, open := <-h.Events()
	assert.False(t, open)
}

// TestTimeoutsShareOneTimer checks the engine's single expiry timer:
// calls sent at different times each time out at their own deadline, one
// answered in time is not failed, and the timer re-arms for calls that
// come after it fired.
func TestTimeoutsShareOneTimer(t *testing.T) {
	const timeout = 400 * time.Millisecond // room for the answered call under -race
	c, f := newFake(t, WithTransactionTimeout(timeout))
	info := func() (<-chan error, time.Time) {
		start := time.Now()
		return async(func() error { _, err := c.Info(context.Background()); return err }), start
	}
	first, firstAt := info()
	f.expect("info") // never answered
	// The next call is sent half a timeout later, so that its deadline
	// differs from the first one's: the pause is the input, not a wait.
	time.Sleep(timeout / 2)
	second, secondAt := info()
	req := f.expect("info")
	answered, _ := info()
	f.reply(f.expect("info"), map[string]any{"janus": "server_info", "name": "Janus"})
	require.NoError(t, wait(t, answered))

	err := wait(t, first)
	require.ErrorIs(t, err, ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(firstAt), timeout)
	err = wait(t, second)
	require.ErrorIs(t, err, ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(secondAt), timeout, "the second call timed out with the first")
	f.reply(req, map[string]any{"janus": "server_info"}) // too late: dropped

	// After the timer fired with nothing left pending, a new call arms it
	// again.
	third, thirdAt := info()
	f.expect("info")
	require.ErrorIs(t, wait(t, third), ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(thirdAt), timeout)
}

// lossyTransport is a mem transport whose Recv can also report that the
// events of a session may be lost, as a long poll cut on its way back
// does: a pump hands the mem transport's messages over, in order with the
// losses the test queues.
type lossyTransport struct {
	*mem.Transport
	in chan lossyItem
}

type lossyItem struct {
	b   []byte
	err error
}

func newLossy() (*lossyTransport, *mem.Server) {
	tr, srv := mem.New()
	l := &lossyTransport{Transport: tr, in: make(chan lossyItem, 16)}
	go func() {
		for {
			b, err := tr.Recv(context.Background())
			l.in <- lossyItem{b, err}
			if err != nil {
				return // closed
			}
		}
	}()
	return l, srv
}

// lose queues a loss of session's events.
func (l *lossyTransport) lose(session uint64, cause error) {
	l.in <- lossyItem{err: &transport.EventsLost{Session: session, Err: cause}}
}

func (l *lossyTransport) Recv(ctx context.Context) ([]byte, error) {
	select {
	case it := <-l.in:
		return it.b, it.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A poll that failed after it was sent may have carried the answer of a
// call that waits for a plugin event: such calls of that session end with
// ErrDisconnected (as over a dropped WebSocket) instead of waiting for
// their timeout; calls of other sessions and calls that only wait for the
// ack are left alone, and the client goes on.
func TestEventsLostEndsCallsWaitingForEvents(t *testing.T) {
	lossy, srv := newLossy()
	c := NewClient(lossy, WithKeepalive(0))
	t.Cleanup(func() { _ = c.Close() })
	f := &fakeJanus{t: t, srv: srv}
	_, h := f.session(c)

	msg := async(func() error { _, err := h.Message(context.Background(), map[string]any{"x": 1}); return err })
	f.reply(f.expect("message"), map[string]any{"janus": "ack"})
	other := async(func() error { _, err := h.Post(context.Background(), map[string]any{"x": 2}); return err })
	post := f.expect("message")
	lossy.lose(1, errors.New("poll cut"))
	err := wait(t, msg)
	require.ErrorIs(t, err, ErrDisconnected)
	assert.Contains(t, err.Error(), "poll cut")
	// A Post waits for its ack only, which comes on the request's own
	// exchange: the loss leaves it waiting.
	f.reply(post, map[string]any{"janus": "ack"})
	require.NoError(t, wait(t, other))

	// The client goes on: the next call is answered.
	info := async(func() error { _, err := c.Info(context.Background()); return err })
	f.reply(f.expect("info"), map[string]any{"janus": "server_info"})
	require.NoError(t, wait(t, info))
}

// TestPluginErrorReasonTrimmed: a reason Janus ends with a newline (the
// SIP plugin's "Invalid user address") is kept without it.
func TestPluginErrorReasonTrimmed(t *testing.T) {
	err := PluginErrorFrom("janus.plugin.sip", json.RawMessage(`{"sip":"event","error_code":446,"error":"Invalid user address bob@127.0.0.1\n"}`))
	var pe *PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Invalid user address bob@127.0.0.1", pe.Reason)
}
