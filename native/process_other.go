//go:build !linux

package native

import "os/exec"

// dieWithParent does nothing where the kernel offers no parent-death
// signal; the process still ends with its context.
func dieWithParent(*exec.Cmd) {}
