package scan_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sgref/shared/internal/testkit"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

func buildIndex(b *testing.B, path string) *refs.Index {
	bld := refs.NewBuilder()
	if err := inventory.File(path).Read(context.Background(), func(g *inventory.Group) error { bld.Add(g); return nil }); err != nil {
		b.Fatal(err)
	}
	return bld.Index()
}

// BenchmarkScan measures a whole-inventory scan with its report streamed out (to
// io.Discard, and to a directory) against the baseline of building the reference index
// from the same snapshot in the same run.
//
// base: MB-peak is the heap above what was live during one build, MB-kept the index.
// sgref: MB-peak is the heap above the index during one scan and report; x-index is
// (index + that peak) / index, the scan's memory as a multiple of the index alone.
func BenchmarkScan(b *testing.B) {
	for _, groups := range []int{10_000, 100_000} {
		path, _ := testkit.SynthSnapshot(b, groups)
		var indexMB float64
		b.Run(fmt.Sprintf("groups=%d/base", groups), func(b *testing.B) {
			for b.Loop() {
				buildIndex(b, path)
			}
			b.StopTimer()
			peak, kept := testkit.Measure(func() any { return buildIndex(b, path) })
			indexMB = kept
			b.ReportMetric(peak, "MB-peak")
			b.ReportMetric(kept, "MB-kept")
		})
		ix := buildIndex(b, path)
		for _, sink := range []struct {
			name string
			sink func(b *testing.B) scan.Sink
		}{
			{"sgref", func(*testing.B) scan.Sink { return scan.Stream{W: io.Discard, Name: "discard"} }},
			{"sgref-dir", func(b *testing.B) scan.Sink { return scan.Dir(b.TempDir()) }},
		} {
			b.Run(fmt.Sprintf("groups=%d/%s", groups, sink.name), func(b *testing.B) {
				s := sink.sink(b)
				run := func() any {
					rep := scan.Run(ix, scan.Request{}, scan.Options{})
					if _, err := s.Write(context.Background(), rep); err != nil {
						b.Fatal(err)
					}
					return rep.Summary
				}
				for b.Loop() {
					run()
				}
				b.StopTimer()
				peak, _ := testkit.Measure(run)
				b.ReportMetric(peak, "MB-peak")
				if indexMB > 0 {
					b.ReportMetric((indexMB+peak)/indexMB, "x-index")
				}
			})
		}
		runtime.KeepAlive(ix)
	}
}
