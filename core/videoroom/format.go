package videoroom

import "fmt"

// String describes the handle by its ids, under this package's name (the
// embedded core.Handle's String would say core.Handle).
func (h *Handle) String() string {
	return fmt.Sprintf("videoroom.Handle{id: %d, session: %d}", h.ID(), h.Session().ID())
}

// GoString is String, so %#v does not print its session's credentials.
func (h *Handle) GoString() string { return h.String() }

// String describes the publisher by its room, its participant id and its
// handle, without its private id.
func (p *Publisher) String() string {
	return fmt.Sprintf("videoroom.Publisher{id: %s, room: %s, handle: %d, session: %d}", p.id, p.room, p.ID(), p.Session().ID())
}

// GoString is String, so %#v does not print the private id or the
// session's credentials.
func (p *Publisher) GoString() string { return p.String() }

// String describes the subscriber by its room and its handle.
func (s *Subscriber) String() string {
	return fmt.Sprintf("videoroom.Subscriber{room: %s, handle: %d, session: %d}", s.room, s.ID(), s.Session().ID())
}

// GoString is String, so %#v does not print its session's credentials.
func (s *Subscriber) GoString() string { return s.String() }
