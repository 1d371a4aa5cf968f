package ecslive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
)

// BenchmarkRefresh reads a 10 000-group account (account 123's share of the synthetic
// inventory) through the emulator with 20 ms injected per call. The baseline is the ideal,
// calls × latency / concurrency, reported beside the wall time as x-ideal; calls are
// reported against the target groups + ⌈groups/100⌉ + a few. The emulator runs on the same
// two cores as the client, so high concurrency measures their contention too.
func BenchmarkRefresh(b *testing.B) {
	const latency = 20 * time.Millisecond
	inv := testkit.SynthInventory(b, 11_700) // account 123 owns six in seven: about 10 000 groups
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

// BenchmarkOrganisation captures 20 accounts × 500 groups (3 regions) through the emulator
// at 20ms a call: the calls against Σ(groups + ⌈groups/100⌉ + interface pages) + one
// AssumeRole an account + one ListAccounts, the wall time against calls × latency over
// the calls in flight (accounts × concurrency).
func BenchmarkOrganisation(b *testing.B) {
	const latency = 20 * time.Millisecond
	regions := []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}
	inv := syntheticAccounts(b, 10_000, 20)
	e := startOrg(b, ecsemu.Options{Inventory: inv, Faults: ecsemu.Faults{Latency: latency}})
	for _, c := range []struct{ accounts, concurrency int }{{2, 8}, {4, 4}, {4, 8}, {20, 4}} {
		b.Run(fmt.Sprintf("accountconcurrency=%d,concurrency=%d", c.accounts, c.concurrency), func(b *testing.B) {
			var src *ecslive.Source
			var ids []string
			for b.Loop() {
				src = orgSource(e, fmt.Sprintf("ecs:?regions=%s&accounts=directory&accountconcurrency=%d&concurrency=%d",
					strings.Join(regions, ","), c.accounts, c.concurrency), nil)
				got, err := src.FetchAccounts(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				ids = ids[:0]
				for _, a := range got {
					if a.Status != inventory.AccountCaptured {
						b.Fatalf("account %s: %s", a.AccountId, a.Error)
					}
					ids = append(ids, a.AccountId)
				}
			}
			calls := src.Calls()
			ideal := time.Duration(calls) * latency / time.Duration(c.accounts*c.concurrency)
			wall := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(calls), "calls")
			b.ReportMetric(float64(calls-int64(1+wantCalls(inv, ids, regions))), "calls-over-target")
			b.ReportMetric(wall.Seconds(), "wall-s")
			b.ReportMetric(ideal.Seconds(), "ideal-s")
			b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
		})
	}
}
