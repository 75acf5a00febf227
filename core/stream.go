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
	q   queue.Queue[Event]
	out queue.Chan[Event] // q's consumer: the channel Events returns
	log *slog.Logger
	src Source
}

// newStream makes a stream with no allocation but itself and its
// channel: a client holds one per session and per handle.
func newStream(buffer, maxQueue int, quit <-chan struct{}, log *slog.Logger, src Source) *stream {
	s := &stream{log: log, src: src}
	s.out = queue.Chan[Event]{C: make(chan Event, buffer), Quit: quit, Notice: s}
	s.q.Max, s.q.Consumer = maxQueue, &s.out
	return s
}

// DropNotice tells the reader that n events were dropped.
func (s *stream) DropNotice(n int) Event { return &EventsDropped{Source: s.src, Count: n} }

// Dropped logs the first drop and every thousandth.
func (s *stream) Dropped(total int) {
	if total == 1 || total%1000 == 0 {
		s.log.Warn("janus: event reader too slow, dropping events", logIDs(s.src.Session, s.src.Handle, "dropped", total)...)
	}
}

// events is the stream's channel.
func (s *stream) events() <-chan Event { return s.out.C }

// push delivers ev, in order, without blocking.
func (s *stream) push(ev Event) { s.q.Push(ev) }

// close ends the stream after the events already pushed.
func (s *stream) close() { s.q.Close() }
