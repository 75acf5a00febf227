//go:build !linux

package janusserver

import "syscall"

// sysProcAttr has no parent-death signal outside Linux: Janus is only ended
// by Stop there.
func sysProcAttr() *syscall.SysProcAttr {
	return nil
}
