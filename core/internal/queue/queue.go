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

// Consumer is where a Queue hands its values over.
type Consumer[T any] interface {
	// Offer hands v over without blocking and reports whether it did (a
	// send on a buffered channel). It runs with the queue locked, and
	// only while nothing is queued.
	Offer(v T) bool
	// Deliver hands v over and may block (a send on a channel,
	// callbacks); dropped is how many values were dropped just before v.
	// It runs on the queue's goroutine, unlocked. It returns false when
	// the consumer is gone: the queue then discards what it holds and
	// ends.
	Deliver(v T, dropped int) bool
	// Dropped runs after each drop (queue locked) with the total dropped
	// so far, for logs.
	Dropped(total int)
	// Ended runs once when the queue ends: after Close once everything
	// queued was delivered, at Abort, or when Deliver gave up. It runs
	// with the queue locked (to close a channel Offer sends on).
	Ended()
}

// Queue delivers values of type T in order. Its zero value is not usable;
// fill in the fields before the first Push. It allocates nothing of its
// own until values must wait, so that a consumer that embeds it (one per
// Janus handle) stays small.
type Queue[T any] struct {
	// Max is the most values waiting in the overflow (at least 1).
	Max int
	// Consumer takes the values.
	Consumer Consumer[T]

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
	if !q.pumping && q.Consumer.Offer(v) {
		return
	}
	if len(q.items) >= max(q.Max, 1) {
		var zero T
		q.items[0] = zero
		q.items = q.items[1:]
		q.dropped++
		q.pending++
		q.Consumer.Dropped(q.dropped)
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
	q.Consumer.Ended()
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
		if !q.Consumer.Deliver(v, dropped) {
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

// Chan is the Consumer that delivers into the channel C, for a reader
// that may fall behind: straight into C while it has room, else from the
// queue's goroutine until Quit is closed, each value preceded by
// Notice.DropNotice(n) when n values were dropped before it. C is closed
// when the queue ends. A Notice that also has a Dropped(total int)
// method hears of each drop (for logs).
type Chan[T any] struct {
	C      chan T
	Quit   <-chan struct{}
	Notice interface{ DropNotice(n int) T }
}

// Offer sends v if C has room.
func (c *Chan[T]) Offer(v T) bool {
	select {
	case c.C <- v:
		return true
	default:
		return false
	}
}

// Deliver sends the drop notice, if any, and v, unless Quit closes first.
func (c *Chan[T]) Deliver(v T, dropped int) bool {
	if dropped > 0 && !c.send(c.Notice.DropNotice(dropped)) {
		return false
	}
	return c.send(v)
}

func (c *Chan[T]) send(v T) bool {
	select {
	case c.C <- v:
		return true
	case <-c.Quit:
		return false
	}
}

// Dropped passes the total on to Notice's Dropped method, if it has one.
func (c *Chan[T]) Dropped(total int) {
	if d, ok := c.Notice.(interface{ Dropped(total int) }); ok {
		d.Dropped(total)
	}
}

// Ended closes C.
func (c *Chan[T]) Ended() { close(c.C) }

// Funcs is a Consumer made of functions, for consumers that need only
// some of them: without Offer every value goes through the queue's
// goroutine, and a missing Dropped or Ended does nothing. Deliver is
// required.
type Funcs[T any] struct {
	OfferFunc   func(v T) bool
	DeliverFunc func(v T, dropped int) bool
	DroppedFunc func(total int)
	EndedFunc   func()
}

// Offer calls OfferFunc, if set.
func (f Funcs[T]) Offer(v T) bool { return f.OfferFunc != nil && f.OfferFunc(v) }

// Deliver calls DeliverFunc.
func (f Funcs[T]) Deliver(v T, dropped int) bool { return f.DeliverFunc(v, dropped) }

// Dropped calls DroppedFunc, if set.
func (f Funcs[T]) Dropped(total int) {
	if f.DroppedFunc != nil {
		f.DroppedFunc(total)
	}
}

// Ended calls EndedFunc, if set.
func (f Funcs[T]) Ended() {
	if f.EndedFunc != nil {
		f.EndedFunc()
	}
}
