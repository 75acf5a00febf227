package native

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill cmd's process when this process
// dies, however it dies: an ffmpeg or GStreamer source must not go on
// encoding for nobody after a SIGKILL of its parent.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
