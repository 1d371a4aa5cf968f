//go:build !linux

package stores

import "syscall"

func minioProcAttr() *syscall.SysProcAttr { return nil }
