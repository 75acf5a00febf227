// Package errfmt words the errors of core and its transports in one style:
// every message starts with "janus: " exactly once, however many errors of
// the module it wraps.
package errfmt

import (
	"fmt"
	"strings"
)

// Prefix starts the message of every sentinel of core and its transports
// (core.ErrClosed, transport.ErrClosed...), and of the errors built on
// them.
const Prefix = "janus: "

// Errorf is fmt.Errorf with the message starting with Prefix exactly once.
// An error argument whose message starts with it too (a sentinel, an
// error of a transport) is printed without it and stays in the chain for
// errors.Is and errors.As; a format that does not start with it gets it.
// So Errorf("janus: %s: %w", "create", core.ErrClosed) reads "janus:
// create: client closed", and Errorf("%w: %w", core.ErrDisconnected,
// transport.ErrClosed) "janus: connection lost: transport closed".
func Errorf(format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok && strings.HasPrefix(err.Error(), Prefix) {
			args[i] = unprefixed{err}
		}
	}
	if !strings.HasPrefix(format, Prefix) {
		format = Prefix + format
	}
	return fmt.Errorf(format, args...)
}

// Text returns err's message without its leading Prefix, to quote it
// inside another message.
func Text(err error) string { return strings.TrimPrefix(err.Error(), Prefix) }

// unprefixed is an error printed without its leading Prefix.
type unprefixed struct{ err error }

func (u unprefixed) Error() string { return Text(u.err) }
func (u unprefixed) Unwrap() error { return u.err }
