package ecsemu_test

import (
	"testing"
	"time"

	"sgref/shared/ecsemu"
)

func TestParseFaults(t *testing.T) {
	f, err := ecsemu.ParseFaults("throttle=0.2, error5xx=0.05,latency=20ms,failgroup=sg-x")
	if err != nil || f.Throttle != 0.2 || f.Error5xx != 0.05 || f.Latency != 20*time.Millisecond || f.FailGroup != "sg-x" {
		t.Fatalf("ParseFaults = %+v, %v", f, err)
	}
	if f, err := ecsemu.ParseFaults(""); err != nil || f != (ecsemu.Faults{}) {
		t.Errorf("empty: %+v, %v", f, err)
	}
	for _, bad := range []string{"throttle=2", "throttle=x", "error5xx=-1", "latency=fast", "latency=2h", "colour=blue", "throttle", "throttle=NaN"} {
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
