package ecsapi

import (
	"context"
	"encoding/xml"
	"errors"
	"strconv"
	"time"
)

// The fault-injection actions exist only when Options.Faults is set: tests of the compiled
// binaries use them to prove that a panic is contained and that deadlines are honoured.

type faultResponse struct {
	XMLName   xml.Name `json:"-" xml:"SgrefFaultSleepResponse"`
	RequestId string
}

func faultPanic(context.Context, *call) (any, error) {
	panic("injected fault: SgrefFaultPanic")
}

func faultSleep(ctx context.Context, c *call) (any, error) {
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
