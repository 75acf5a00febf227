package sip

import "fmt"

// String describes the handle by its ids, under this package's name (the
// embedded core.Handle's String would say core.Handle).
func (h *Handle) String() string {
	return fmt.Sprintf("sip.Handle{id: %d, session: %d}", h.ID(), h.Session().ID())
}

// GoString is String, so %#v does not print its session's credentials.
func (h *Handle) GoString() string { return h.String() }
