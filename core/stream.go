package core

import (
	"log/slog"

	"github.com/gojanus/gojanus/core/internal/queue"
)

// stream is one ordered event stream (of a session or a handle) on the
// shared bounded queue (core/internal/queue): push never blocks; events
// go into the channel while it has room, and into an overflow queue
// otherwise, which a goroutine drains into the channel. That goroutine
// runs only while the queue is not empty, and exits when the client
// closes. Dropped events are reported in order as *EventsDropped.
type stream struct {
	ch chan Event
	q  queue.Queue[Event]
}

func newStream(buffer, maxQueue int, quit <-chan struct{}, log *slog.Logger, src Source) *stream {
	s := &stream{ch: make(chan Event, buffer)}
	s.q.Max = maxQueue
	s.q.OnDrop = func(total int) {
		if total == 1 || total%1000 == 0 {
			log.Warn("janus: event reader too slow, dropping events", logIDs(src.Session, src.Handle, "dropped", total)...)
		}
	}
	s.q.Into(s.ch, quit, func(n int) Event { return &EventsDropped{Source: src, Count: n} })
	return s
}

// push delivers ev, in order, without blocking.
func (s *stream) push(ev Event) { s.q.Push(ev) }

// close ends the stream after the events already pushed.
func (s *stream) close() { s.q.Close() }
