//go:build mage && !linux

package main

import "os"

// stopWithParent does nothing here: only Linux can signal a process when
// its parent dies.
func stopWithParent() {}

// isTerminal reports whether f is a character device, the closest this
// build can tell to a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
