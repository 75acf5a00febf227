//go:build js

package dialerr

import "strings"

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
