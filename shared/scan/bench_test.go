package scan_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
	"sgref/shared/synth"
)

// snapshot writes a synthetic snapshot to a file, so that the index builds from disk as in
// production.
func snapshot(b *testing.B, groups int) string {
	path := filepath.Join(b.TempDir(), "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := synth.Write(f, synth.Options{Groups: groups, Rules: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return path
}

func buildIndex(b *testing.B, path string) *refs.Index {
	bld := refs.NewBuilder()
	if err := inventory.File(path).Read(context.Background(), func(g *inventory.Group) error { bld.Add(g); return nil }); err != nil {
		b.Fatal(err)
	}
	return bld.Index()
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measure samples the heap while f runs and returns the largest size seen above the live
// heap before f, and what stays live of f's result after a GC, in MB.
func measure(f func() any) (peakMB, keptMB float64) {
	before := liveHeap()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			runtime.Gosched()
		}
	}()
	keep := f()
	close(done)
	wg.Wait()
	after := liveHeap()
	runtime.KeepAlive(keep)
	return float64(peak-min(before, peak)) / (1 << 20), float64(after-min(before, after)) / (1 << 20)
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
		path := snapshot(b, groups)
		var indexMB float64
		b.Run(fmt.Sprintf("groups=%d/base", groups), func(b *testing.B) {
			for b.Loop() {
				buildIndex(b, path)
			}
			b.StopTimer()
			peak, kept := measure(func() any { return buildIndex(b, path) })
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
				peak, _ := measure(run)
				b.ReportMetric(peak, "MB-peak")
				if indexMB > 0 {
					b.ReportMetric((indexMB+peak)/indexMB, "x-index")
				}
			})
		}
		runtime.KeepAlive(ix)
	}
}
