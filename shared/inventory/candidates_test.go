package inventory_test

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// BenchmarkCandidates is the measurement that chose Stream's JSON library: it loads a
// 100 000-group × 10-rule snapshot file and builds the reference index from it, as
// BenchmarkLoadIndex does, through each candidate decoder with the same validation and
// interning. base is encoding/json's Decoder (Token, More and Decode per group), sgref
// Stream (go-json-experiment/json: jsontext.Decoder and UnmarshalDecode per group), goccy
// github.com/goccy/go-json's Decoder used as encoding/json's. The decoder of sgref's own
// that Stream replaced was measured beside them before it went; the README has the
// figures. MB-peak and MB-kept are testkit.Measure's; CPU-ms/op is the process's CPU
// time, GC included, which a shared machine disturbs less than the time on the clock.
// Compare runs of the whole benchmark: -count repeats each candidate in a row.
func BenchmarkCandidates(b *testing.B) {
	path, size := testkit.SynthSnapshot(b, 100_000)
	for _, c := range []struct {
		name   string
		stream func(io.Reader, func(*inventory.Group) error) error
	}{
		{"base", inventory.ReferenceStream},
		{"sgref", inventory.Stream},
		{"goccy", inventory.GoccyStream},
	} {
		b.Run("groups=100000/"+c.name, func(b *testing.B) {
			load := func() any {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				bld := refs.NewBuilder()
				if err := c.stream(f, func(g *inventory.Group) error { bld.Add(g); return nil }); err != nil {
					b.Fatal(err)
				}
				return bld.Index()
			}
			b.SetBytes(size)
			cpu := cpuTime()
			for b.Loop() {
				load()
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "CPU-ms/op")
			b.StopTimer()
			peak, kept := testkit.Measure(load)
			b.ReportMetric(peak, "MB-peak")
			b.ReportMetric(kept, "MB-kept")
		})
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
