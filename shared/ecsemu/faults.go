package ecsemu

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sgref/shared/ecsapi"
)

// Faults are the failures the emulator injects, the way ECS fails, to test the live
// source's retries and deadlines; off when zero. They are the emulator's only fault
// system: every emulated action passes through inject.
type Faults struct {
	Throttle  float64       // share of calls answered 400 Throttling
	Error5xx  float64       // share of calls answered 503 ServiceUnavailable
	Latency   time.Duration // added to every call
	FailGroup string        // DescribeSecurityGroupAttribute of this group always fails (503)
	// FailAccount's role may not be assumed: AssumeRole answers NoPermission (403).
	FailAccount string
	STSThrottle float64 // share of AssumeRole calls answered Throttling, beside Throttle
}

// ParseFaults reads "throttle=0.2,error5xx=0.05,latency=20ms,failgroup=sg-x,failaccount=456,
// ststhrottle=0.3", the form of
// SGREF_EMULATE_FAULTS.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "throttle":
			f.Throttle, err = share(v)
		case "error5xx":
			f.Error5xx, err = share(v)
		case "latency":
			f.Latency, err = time.ParseDuration(v)
			if err == nil && (f.Latency < 0 || f.Latency > time.Minute) {
				err = fmt.Errorf("want 0..1m")
			}
		case "failgroup":
			f.FailGroup = v
		case "failaccount":
			f.FailAccount = v
		case "ststhrottle":
			f.STSThrottle, err = share(v)
		default:
			err = fmt.Errorf("unknown fault")
		}
		if err != nil {
			return Faults{}, fmt.Errorf("fault %q: %w (want throttle=P, error5xx=P, latency=D, failgroup=ID, failaccount=ID, ststhrottle=P)", kv, err)
		}
	}
	return f, nil
}

// share parses a probability.
func share(v string) (float64, error) {
	p, err := strconv.ParseFloat(v, 64)
	if err == nil && !(p >= 0 && p <= 1) {
		err = fmt.Errorf("want 0..1")
	}
	return p, err
}

// inject returns the action name, fn, behind the faults: the latency, then a throttling
// or a 5xx by chance, then FailGroup's failure, then fn.
func (f Faults) inject(name string, fn action) action {
	if f == (Faults{}) {
		return fn
	}
	return func(ctx context.Context, c *ecsapi.Call) (any, error) {
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, ecsapi.Errorf(ecsapi.CodeServiceUnavailable)
			}
		}
		if f.Throttle > 0 && rand.Float64() < f.Throttle || name == "AssumeRole" && f.STSThrottle > 0 && rand.Float64() < f.STSThrottle {
			return nil, ecsapi.Errorf(ecsapi.CodeThrottling)
		}
		if f.Error5xx > 0 && rand.Float64() < f.Error5xx {
			return nil, ecsapi.Errorf(ecsapi.CodeServiceUnavailable)
		}
		if f.FailAccount != "" && name == "AssumeRole" && strings.HasPrefix(c.Params().Get("RoleArn"), "acs:ram::"+f.FailAccount+":") {
			return nil, &ecsapi.Error{Code: "NoPermission", Status: http.StatusForbidden, Message: "You are not authorized to do this action. You should be authorized by RAM."}
		}
		if f.FailGroup != "" && name == "DescribeSecurityGroupAttribute" && c.Params().Get("SecurityGroupId") == f.FailGroup {
			return nil, ecsapi.Errorf(ecsapi.CodeServiceUnavailable)
		}
		return fn(ctx, c)
	}
}
