package ecsapi

import (
	"context"
	"encoding/xml"
	"errors"
	"strconv"
	"time"
)

// FaultActions are the fault-injection actions, for tests of the deployed binaries only
// (SGREF_FAULTS=on): SgrefFaultPanic panics inside the handler; SgrefFaultSleep waits
// Millis milliseconds (at most 10 000) or until the request's context ends. They prove
// that a panic is contained and that deadlines are honoured. They live here, not with the
// emulator's injected ECS failures, because they ship in the function binaries, which
// the emulator never does.
func FaultActions() []Action {
	return []Action{
		{Name: "SgrefFaultPanic", Serve: faultPanic},
		{Name: "SgrefFaultSleep", Serve: faultSleep},
	}
}

type faultResponse struct {
	XMLName   xml.Name `json:"-" xml:"SgrefFaultSleepResponse"`
	RequestId string
}

func faultPanic(context.Context, *Call) (any, error) {
	panic("injected fault: SgrefFaultPanic")
}

func faultSleep(ctx context.Context, c *Call) (any, error) {
	ms, err := strconv.Atoi(c.params.Get("Millis"))
	if err != nil || ms < 0 || ms > 10_000 {
		return nil, Errorf(CodeInvalidParameter, "Millis")
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return &faultResponse{RequestId: c.requestID}, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, Errorf(CodeServiceUnavailable)
		}
		return nil, ctx.Err()
	}
}
