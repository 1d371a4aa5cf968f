//go:build !linux

package testkit

import "syscall"

func minioProcAttr() *syscall.SysProcAttr { return nil }
