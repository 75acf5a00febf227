// Package queue is the bounded, ordered, never-blocking delivery that
// core's event streams, the TextRoom chat and the VideoRoom roster share.
//
// A producer (a read loop that must not block) pushes values; they are
// handed to the consumer in order. While nothing is queued, Push tries the
// consumer's fast path (a send on a channel with room). Otherwise values
// wait in an overflow queue of at most Max values, drained by a goroutine
// that exists only while that queue is not empty. When the overflow is
// full the oldest queued value is dropped, and the count of values
// dropped just before a value is handed over with it, so that consumers
// can report drops in order.
package queue

import "sync"

// Queue delivers values of type T in order. Its zero value is not usable;
// fill in the fields before the first Push.
type Queue[T any] struct {
	// Max is the most values waiting in the overflow (at least 1).
	Max int
	// Try, when set, hands v over without blocking and reports whether it
	// did (a send on a buffered channel). It runs with the queue locked,
	// and only while nothing is queued.
	Try func(v T) bool
	// Deliver hands v over and may block (a send on a channel, callbacks);
	// dropped is how many values were dropped just before v. It runs on
	// the queue's goroutine, unlocked. It returns false when the consumer
	// is gone: the queue then discards what it holds and ends.
	Deliver func(v T, dropped int) bool
	// OnDrop, when set, runs after each drop (queue locked) with the total
	// dropped so far, for logs.
	OnDrop func(total int)
	// OnEnd, when set, runs once when the queue ends: after Close once
	// everything queued was delivered, at Abort, or when Deliver gave up.
	// It runs with the queue locked (to close a channel Try sends on).
	OnEnd func()

	mu      sync.Mutex
	items   []T
	pumping bool
	closing bool
	ended   bool
	dropped int // total
	pending int // dropped and not yet reported with a value
}

// Push delivers v, in order, without blocking. After Close or Abort it
// does nothing.
func (q *Queue[T]) Push(v T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.ended {
		return
	}
	if !q.pumping && q.Try != nil && q.Try(v) {
		return
	}
	if len(q.items) >= max(q.Max, 1) {
		var zero T
		q.items[0] = zero
		q.items = q.items[1:]
		q.dropped++
		q.pending++
		if q.OnDrop != nil {
			q.OnDrop(q.dropped)
		}
	}
	q.items = append(q.items, v)
	if !q.pumping {
		q.pumping = true
		go q.pump()
	}
}

// Close ends the queue once the values already pushed are delivered.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing || q.ended {
		return
	}
	q.closing = true
	if !q.pumping {
		q.end()
	}
}

// Abort ends the queue now: queued values are discarded. A value being
// delivered at that moment still is.
func (q *Queue[T]) Abort() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ended {
		return
	}
	q.closing = true
	q.items = nil
	if !q.pumping {
		q.end()
	}
}

// Dropped returns how many values were dropped so far.
func (q *Queue[T]) Dropped() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// end marks the queue ended and runs OnEnd; q.mu is held.
func (q *Queue[T]) end() {
	q.ended = true
	q.items = nil
	if q.OnEnd != nil {
		q.OnEnd()
	}
}

// pump delivers queued values until the queue is empty.
func (q *Queue[T]) pump() {
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.pumping = false
			q.items = nil
			if q.closing && !q.ended {
				q.end()
			}
			q.mu.Unlock()
			return
		}
		v := q.items[0]
		var zero T
		q.items[0] = zero
		q.items = q.items[1:]
		dropped := q.pending
		q.pending = 0
		q.mu.Unlock()
		if !q.Deliver(v, dropped) {
			q.mu.Lock()
			q.pumping = false
			if !q.ended {
				q.end()
			}
			q.mu.Unlock()
			return
		}
	}
}

// Into makes q deliver into the channel ch, for a reader that may fall
// behind: straight into ch while it has room (Try), else from the queue's
// goroutine until quit is closed (Deliver, preceded by dropped(n) when n
// values were dropped before the next one), and ch is closed when the
// queue ends (OnEnd). Max and OnDrop are left to the caller.
func (q *Queue[T]) Into(ch chan T, quit <-chan struct{}, dropped func(n int) T) {
	q.Try = func(v T) bool {
		select {
		case ch <- v:
			return true
		default:
			return false
		}
	}
	send := func(v T) bool {
		select {
		case ch <- v:
			return true
		case <-quit:
			return false
		}
	}
	q.Deliver = func(v T, n int) bool {
		if n > 0 && !send(dropped(n)) {
			return false
		}
		return send(v)
	}
	q.OnEnd = func() { close(ch) }
}
