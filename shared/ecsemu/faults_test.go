package ecsemu_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/internal/testkit"
)

func TestParseFaults(t *testing.T) {
	f, err := ecsemu.ParseFaults("throttle=0.2, error5xx=0.05,latency=20ms,failgroup=sg-x")
	if err != nil || f.Throttle != 0.2 || f.Error5xx != 0.05 || f.Latency != 20*time.Millisecond || f.FailGroup != "sg-x" {
		t.Fatalf("ParseFaults = %+v, %v", f, err)
	}
	if f, err := ecsemu.ParseFaults("failaccount=456,ststhrottle=0.3"); err != nil || f.FailAccount != "456" || f.STSThrottle != 0.3 {
		t.Errorf("ParseFaults(failaccount, ststhrottle) = %+v, %v", f, err)
	}
	if f, err := ecsemu.ParseFaults(""); err != nil || f != (ecsemu.Faults{}) {
		t.Errorf("empty: %+v, %v", f, err)
	}
	for _, bad := range []string{"throttle=2", "throttle=x", "error5xx=-1", "latency=fast", "latency=2h", "colour=blue", "throttle", "throttle=NaN", "ststhrottle=1.5"} {
		if _, err := ecsemu.ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}

func FuzzParseFaults(f *testing.F) {
	f.Add("throttle=0.2,error5xx=0.05,latency=20ms,failgroup=sg-x")
	f.Add("latency=-1s")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ecsemu.ParseFaults(s)
		if err == nil && (!(got.Throttle >= 0 && got.Throttle <= 1) || !(got.Error5xx >= 0 && got.Error5xx <= 1) || got.Latency < 0) {
			t.Fatalf("ParseFaults(%q) = %+v: out of range", s, got)
		}
	})
}

// TestFaultsApplyToEveryAction: certain faults answer every emulated action with their
// error, FailGroup only that group's rules.
func TestFaultsApplyToEveryAction(t *testing.T) {
	const (
		groups  = "Action=DescribeSecurityGroups&RegionId=cn-hangzhou"
		rules   = "Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId="
		regions = "Action=DescribeRegions"
		caller  = "Action=GetCallerIdentity&Version=2015-04-01"
		assume  = "Action=AssumeRole&Version=2015-04-01&RoleSessionName=sgref-test&RoleArn=acs:ram::"
		list    = "Action=ListAccounts&Version=2020-03-31"
	)
	for name, tc := range map[string]struct {
		faults ecsemu.Faults
		codes  map[string]string // query → error code, "" for an answer
	}{
		"none":      {ecsemu.Faults{}, map[string]string{groups: "", rules + "sg-db0001": "", regions: "", caller: ""}},
		"throttle":  {ecsemu.Faults{Throttle: 1}, map[string]string{groups: "Throttling", rules + "sg-db0001": "Throttling", regions: "Throttling", caller: "Throttling"}},
		"5xx":       {ecsemu.Faults{Error5xx: 1}, map[string]string{groups: "ServiceUnavailable", rules + "sg-db0001": "ServiceUnavailable", regions: "ServiceUnavailable", caller: "ServiceUnavailable"}},
		"failgroup": {ecsemu.Faults{FailGroup: "sg-db0001"}, map[string]string{rules + "sg-db0001": "ServiceUnavailable", rules + "sg-1133aa": "", groups + "&SecurityGroupId=sg-db0001": ""}},
		"failaccount": {ecsemu.Faults{FailAccount: "456"}, map[string]string{assume + "456:role/sgref-reader": "NoPermission",
			assume + "123:role/sgref-reader": "", assume + "789:role/sgref-reader": "EntityNotExist.Role", assume + "123:role/admin": "EntityNotExist.Role", list: ""}},
		"ststhrottle": {ecsemu.Faults{STSThrottle: 1}, map[string]string{assume + "123:role/sgref-reader": "Throttling", groups: "", caller: ""}},
	} {
		t.Run(name, func(t *testing.T) {
			h := testkit.SampleAPI(t, ecsapi.Options{Actions: ecsemu.New(ecsemu.Options{Inventory: testkit.Sample(t), Faults: tc.faults}).Actions()})
			for q, want := range tc.codes {
				_, m := serve(h, q)
				if got, _ := m["Code"].(string); got != want {
					t.Errorf("%s: Code %q, want %q", q, got, want)
				}
			}
		})
	}
}

// TestLatencyEndsWithTheRequest: a call whose context ends during the injected latency
// is answered ServiceUnavailable at once.
func TestLatencyEndsWithTheRequest(t *testing.T) {
	h := testkit.SampleAPI(t, ecsapi.Options{Actions: ecsemu.New(ecsemu.Options{Inventory: testkit.Sample(t), Faults: ecsemu.Faults{Latency: time.Minute}}).Actions()})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	resp := h.Serve(ctx, &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: "Action=DescribeRegions&Format=JSON"})
	if resp.Status != 503 || resp.Code != ecsapi.CodeServiceUnavailable || time.Since(start) > 10*time.Second {
		t.Errorf("Status=%d Code=%s after %v, want 503 %s at the deadline", resp.Status, resp.Code, time.Since(start), ecsapi.CodeServiceUnavailable)
	}
}
