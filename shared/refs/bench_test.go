package refs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// snapshot writes a synthetic snapshot to a file, so that loads stream from disk as in
// production and the document itself is not part of the measured heap.
func snapshot(b *testing.B, groups int) (path string, size int64) {
	path = filepath.Join(b.TempDir(), "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := synth.Write(f, synth.Options{Groups: groups, Rules: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	return path, st.Size()
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// peakHeap samples the heap while f runs and returns the largest live size seen above
// the heap before f, and f's result kept alive after a GC.
func measure(f func() any) (peakMB, retainedMB float64) {
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
				path, size := snapshot(b, groups)
				b.SetBytes(size)
				b.ResetTimer()
				for b.Loop() {
					impl.load(path)
				}
				b.StopTimer()
				peak, kept := measure(func() any { return impl.load(path) })
				b.ReportMetric(peak, "MB-peak")
				b.ReportMetric(kept, "MB-kept")
			})
		}
	}
}
