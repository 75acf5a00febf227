package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// pollTimeout is how long a long poll waits for events before it is
// answered with a keepalive, as Janus does.
const pollTimeout = 30 * time.Second

// eventQueue holds the events of a session created over HTTP until its
// long polls take them.
type eventQueue struct {
	mu     sync.Mutex
	items  []queued
	closed bool          // the session is gone
	wake   chan struct{} // signalled when items arrive or the queue closes
}

// queued is a frame, or a flood of events made as polls take them (so
// that a flood of 200k events is never held in memory at once).
type queued struct {
	f     Frame
	flood *flood
}

// flood is a run of plugin events numbered 1 to n (data {"seq":N}).
type flood struct {
	session, handle uint64
	sent, n         int
}

func newEventQueue() *eventQueue { return &eventQueue{wake: make(chan struct{}, 1)} }

// next makes the flood's next event.
func (f *flood) next() []byte {
	f.sent++
	return floodEvent(f.session, f.handle, f.sent)
}

// floodEvent is event number seq of a flood.
func floodEvent(session, handle uint64, seq int) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"janus":"event","session_id":`...)
	b = strconv.AppendUint(b, session, 10)
	b = append(b, `,"sender":`...)
	b = strconv.AppendUint(b, handle, 10)
	b = append(b, `,"plugindata":{"plugin":"`+Plugin+`","data":{"seq":`...)
	b = strconv.AppendInt(b, int64(seq), 10)
	return append(b, "}}}"...)
}

func (q *eventQueue) push(items ...queued) {
	q.mu.Lock()
	q.items = append(q.items, items...)
	q.mu.Unlock()
	q.signal()
}

// len is the number of items waiting.
func (q *eventQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// close marks the session gone: polls waiting for it end.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *eventQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take waits for the answer of one long poll that takes up to maxev
// events: the queued events, a keepalive after pollTimeout, or false when
// the session is gone or ctx ends.
func (q *eventQueue) take(ctx context.Context, maxev int) (Frame, bool) {
	timer := time.NewTimer(pollTimeout)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			f := q.popLocked(max(maxev, 1))
			q.mu.Unlock()
			return f, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return Frame{}, false
		}
		select {
		case <-q.wake:
		case <-timer.C:
			return Frame{Body: []byte(`{"janus":"keepalive"}`)}, true
		case <-ctx.Done():
			return Frame{}, false
		}
	}
}

// popLocked takes the body of one poll's answer. Consecutive events that
// are JSON objects go out together, up to maxev, as Janus sends them (one
// object when maxev is 1, else an array); any other frame is a poll's
// whole body on its own. q.mu is held and q.items is not empty.
func (q *eventQueue) popLocked(maxev int) Frame {
	if head := q.items[0]; head.flood == nil && !batchable(head.f) {
		q.items = q.items[1:]
		return head.f
	}
	var parts [][]byte
	for len(parts) < maxev && len(q.items) > 0 {
		it := q.items[0]
		if it.flood != nil {
			parts = append(parts, it.flood.next())
			if it.flood.sent == it.flood.n {
				q.items = q.items[1:]
			}
			continue
		}
		if !batchable(it.f) {
			break
		}
		parts = append(parts, it.f.Body)
		q.items = q.items[1:]
	}
	if len(parts) == 1 && maxev == 1 {
		return Frame{Body: parts[0]}
	}
	body := append([]byte{'['}, bytes.Join(parts, []byte{','})...)
	return Frame{Body: append(body, ']')}
}

// batchable reports whether f is a plain JSON object, which a poll may
// send in an array with others.
func batchable(f Frame) bool {
	return !f.Binary && !f.Cut && len(f.Body) > 0 && f.Body[0] == '{' && json.Valid(f.Body)
}
