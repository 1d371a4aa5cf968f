package ecslive_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
)

// BenchmarkRefresh reads a 10 000-group account (account 123's share of the synthetic
// inventory) through the emulator with 20 ms injected per call. The baseline is the ideal,
// calls × latency / concurrency, reported beside the wall time as x-ideal; calls are
// reported against the target groups + ⌈groups/100⌉ + a few. The emulator runs on the same
// two cores as the client, so high concurrency measures their contention too.
func BenchmarkRefresh(b *testing.B) {
	const latency = 20 * time.Millisecond
	inv := synthetic(b, 11_700) // account 123 owns six in seven: about 10 000 groups
	e := startEmulator(b, inv, ecsemu.Faults{Latency: latency})
	for _, concurrency := range []int{16, 64} {
		b.Run(fmt.Sprintf("concurrency=%d", concurrency), func(b *testing.B) {
			var src *ecslive.Source
			var groups int
			for b.Loop() {
				src = source(e, []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}, func(o *ecslive.Options) { o.Concurrency = concurrency })
				got, err := src.Fetch(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				groups = len(got.SecurityGroups)
			}
			calls := src.Calls()
			ideal := time.Duration(calls) * latency / time.Duration(concurrency)
			wall := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(groups), "groups")
			b.ReportMetric(float64(calls), "calls")
			b.ReportMetric(float64(calls-int64(groups)-int64((groups+99)/100)), "calls-over-target")
			b.ReportMetric(ideal.Seconds(), "ideal-s")
			b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
		})
	}
}
