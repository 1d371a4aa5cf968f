package testkit

import "syscall"

// minioProcAttr kills MinIO with the test binary, should the binary die before its
// cleanups run (a timeout, a kill): no orphan server on a shared machine.
func minioProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
