package dialerr

import (
	"strings"
	"syscall"
)

// Describe says in a few words why a dial failed. The JavaScript runtime
// tells little: Node names the system error (ECONNREFUSED), browsers
// nothing.
func Describe(kind string, err error) string {
	msg := err.Error()
	if strings.Contains(msg, "ECONNREFUSED") {
		return Refused(kind)
	}
	return msg
}

// cause returns the cause to keep in a dial error's chain: in JavaScript
// a refused connection only shows in the runtime's message, so such an
// error also matches syscall.ECONNREFUSED, as natively.
func cause(err error) error {
	if err != nil && strings.Contains(err.Error(), "ECONNREFUSED") {
		return &Error{Msg: err.Error(), Err: err, Match: syscall.ECONNREFUSED}
	}
	return err
}
