//go:build !linux && !js

package sippeer

import "syscall"

// sysProcAttr puts a peer in its own process group (stop signals the
// group: kamailio forks workers).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
