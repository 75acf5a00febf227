package recordplay

import "fmt"

// String describes the handle by its ids, under this package's name (the
// embedded core.Handle's String would say core.Handle).
func (h *Handle) String() string {
	return fmt.Sprintf("recordplay.Handle{id: %d, session: %d}", h.ID(), h.Session().ID())
}

// GoString is String, so %#v does not print its session's credentials.
func (h *Handle) GoString() string { return h.String() }

// String names the Admin under this package's name; like core.Admin's,
// it shows nothing of the connection.
func (a *Admin) String() string { return "recordplay.Admin{}" }

// GoString is String.
func (a *Admin) GoString() string { return a.String() }
