package janusserver

import "syscall"

// sysProcAttr makes the kernel kill Janus when the process that started it
// dies, so no server outlives a crashed or killed test binary.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
