package core

import (
	"log/slog"
	"sync"
)

// stream is one ordered event stream (of a session or a handle). push
// never blocks: events go into the channel while it has room, and into an
// overflow queue otherwise, which a goroutine drains into the channel.
// That goroutine runs only while the queue is not empty, and exits when
// the client closes.
type stream struct {
	ch       chan Event
	quit     <-chan struct{} // the client's end
	maxQueue int
	log      *slog.Logger
	src      Source

	mu       sync.Mutex
	queue    []Event
	pumping  bool
	closing  bool // close ch once the queue is drained
	closed   bool
	dropped  int
	notified int // dropped events already reported
}

func newStream(buffer, maxQueue int, quit <-chan struct{}, log *slog.Logger, src Source) *stream {
	return &stream{ch: make(chan Event, buffer), quit: quit, maxQueue: maxQueue, log: log, src: src}
}

// push delivers ev, in order, without blocking.
func (s *stream) push(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.closed {
		return
	}
	if !s.pumping {
		select {
		case s.ch <- ev:
			return
		default:
		}
	}
	if len(s.queue) >= s.maxQueue {
		// Drop the oldest queued event; report the count in order.
		copy(s.queue, s.queue[1:])
		s.queue = s.queue[:len(s.queue)-1]
		s.dropped++
		if s.dropped == 1 || s.dropped%1000 == 0 {
			s.log.Warn("janus: event reader too slow, dropping events",
				logIDs(s.src.Session, s.src.Handle, "dropped", s.dropped)...)
		}
	}
	s.queue = append(s.queue, ev)
	if !s.pumping {
		s.pumping = true
		go s.pump()
	}
}

// close ends the stream after the events already pushed.
func (s *stream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.closed {
		return
	}
	s.closing = true
	if !s.pumping {
		s.closed = true
		close(s.ch)
	}
}

// pump moves queued events into the channel until the queue is empty.
func (s *stream) pump() {
	for {
		s.mu.Lock()
		var ev Event
		if n := s.dropped - s.notified; n > 0 {
			s.notified = s.dropped
			ev = &EventsDropped{Source: s.src, Count: n}
		} else if len(s.queue) > 0 {
			ev = s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
		} else {
			s.pumping = false
			s.queue = nil
			if s.closing && !s.closed {
				s.closed = true
				close(s.ch)
			}
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		select {
		case s.ch <- ev:
		case <-s.quit:
			// The client is closed and nobody reads: discard the rest.
			s.mu.Lock()
			s.queue = nil
			s.pumping = false
			if !s.closed {
				s.closed = true
				close(s.ch)
			}
			s.mu.Unlock()
			return
		}
	}
}
