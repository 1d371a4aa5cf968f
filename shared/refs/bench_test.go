package refs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sgref/shared/internal/testkit"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// BenchmarkLoadIndex measures snapshot load + index build against the baseline of
// encoding/json decoding the same bytes into the model (no validation, no index).
// MB-peak is the largest heap (live and not yet collected) seen during one load above what was live before it;
// MB-kept what stays live afterwards.
func BenchmarkLoadIndex(b *testing.B) {
	for _, groups := range []int{10_000, 100_000} {
		for _, impl := range []struct {
			name string
			load func(path string) any
		}{
			{"base", func(path string) any {
				doc, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				inv := new(inventory.Inventory)
				if err := json.Unmarshal(doc, inv); err != nil {
					b.Fatal(err)
				}
				return inv
			}},
			{"sgref", func(path string) any {
				bld := refs.NewBuilder()
				err := inventory.File(path).Read(context.Background(), func(g *inventory.Group) error { bld.Add(g); return nil })
				if err != nil {
					b.Fatal(err)
				}
				return bld.Index()
			}},
		} {
			b.Run(fmt.Sprintf("groups=%d/%s", groups, impl.name), func(b *testing.B) {
				path, size := testkit.SynthSnapshot(b, groups)
				b.SetBytes(size)
				b.ResetTimer()
				for b.Loop() {
					impl.load(path)
				}
				b.StopTimer()
				peak, kept := testkit.Measure(func() any { return impl.load(path) })
				b.ReportMetric(peak, "MB-peak")
				b.ReportMetric(kept, "MB-kept")
			})
		}
	}
}
