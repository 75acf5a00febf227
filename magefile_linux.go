//go:build mage

package main

import (
	"os"
	"syscall"
	"unsafe"
)

// stopWithParent asks the kernel to send this process SIGTERM when its
// parent (mage, started by go tool) dies, so that a long-running target
// stops its Janus and servers even when the signal reached only the top
// process, as with a SIGTERM to "go tool mage janus".
func stopWithParent() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
}

// isTerminal reports whether f is a terminal (a character device such as
// /dev/null is not).
func isTerminal(f *os.File) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
