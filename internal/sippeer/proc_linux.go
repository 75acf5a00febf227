package sippeer

import "syscall"

// sysProcAttr puts a peer in its own process group (stop signals the
// group: kamailio forks workers) and has the kernel kill it when the test
// binary dies, so no peer outlives a crashed test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
