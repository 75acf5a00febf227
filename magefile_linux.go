//go:build mage && linux

package main

import "syscall"

// stopWithParent asks the kernel to send this process SIGTERM when its
// parent (mage, started by go tool) dies, so that a long-running target
// stops its Janus and servers even when the signal reached only the top
// process, as with a SIGTERM to "go tool mage janus".
func stopWithParent() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
}
