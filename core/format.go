package core

import "fmt"

// The types below hold credentials (API secret, token, admin secret) in
// unexported fields, which fmt would print with %v, %+v and %#v. Their
// String and GoString methods print ids and state only, so secrets never
// reach logs through a formatted value.

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("core.Client{state: %s, sessions: %d}", c.State(), len(c.Sessions()))
}

// GoString is String, so %#v does not print credentials either.
func (c *Client) GoString() string { return c.String() }

// String describes the session without its credentials.
func (s *Session) String() string {
	return fmt.Sprintf("core.Session{id: %d, handles: %d}", s.id, len(s.Handles()))
}

// GoString is String, so %#v does not print credentials either.
func (s *Session) GoString() string { return s.String() }

// String describes the handle.
func (h *Handle) String() string {
	return fmt.Sprintf("core.Handle{id: %d, session: %d, plugin: %s}", h.id, h.s.id, h.plugin)
}

// GoString is String, so %#v does not print its session's credentials.
func (h *Handle) GoString() string { return h.String() }

// String describes the admin client without its secret.
func (a *Admin) String() string { return "core.Admin{}" }

// GoString is String, so %#v does not print the secret either.
func (a *Admin) GoString() string { return a.String() }
