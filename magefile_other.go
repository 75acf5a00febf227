//go:build mage && !linux

package main

// stopWithParent does nothing here: only Linux can signal a process when
// its parent dies.
func stopWithParent() {}
