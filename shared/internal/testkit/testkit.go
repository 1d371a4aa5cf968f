// Package testkit holds what the tests and benchmarks of several packages share: the API
// over the embedded sample, synthetic snapshot files, a quiet logger, heap measurement.
package testkit

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/httpapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// FixedRequestID is the request ID of SampleAPI's answers, so envelopes are reproducible.
const FixedRequestID = "CEF72CEB-54B6-4AE8-B225-F876FF7BA984"

// Quiet is a logger that writes nowhere.
var Quiet = slog.New(slog.NewJSONHandler(io.Discard, nil))

// SampleAPI returns the API over the embedded sample, answering with FixedRequestID and
// logging nowhere unless opts say otherwise.
func SampleAPI(tb testing.TB, opts ecsapi.Options) *ecsapi.Handler {
	tb.Helper()
	inv := Sample(tb)
	if opts.RequestID == nil {
		opts.RequestID = func() string { return FixedRequestID }
	}
	if opts.Logger == nil {
		opts.Logger = Quiet
	}
	return ecsapi.NewHandler(refs.Static(refs.Build(inv)), opts)
}

// Serve serves h on 127.0.0.1 (never another address) until the test ends and returns its
// base URL.
func Serve(tb testing.TB, h http.Handler) *url.URL {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = ln
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	tb.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// Sample returns the embedded sample inventory.
func Sample(tb testing.TB) *inventory.Inventory {
	tb.Helper()
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		tb.Fatal(err)
	}
	return inv
}

// SynthSnapshot writes a synthetic snapshot of groups × 10 rules (seed 1) to a file in a
// temporary directory and returns its path and size.
func SynthSnapshot(tb testing.TB, groups int) (path string, size int64) {
	tb.Helper()
	path = filepath.Join(tb.TempDir(), "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := synth.Write(f, synth.Options{Groups: groups, Rules: 10, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return path, st.Size()
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Measure samples the heap while f runs. peakMB is the largest heap (live and not yet
// collected) seen above what was live before f; keptMB what stays live of f's result
// after a GC.
func Measure(f func() any) (peakMB, keptMB float64) {
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
	const mb = 1 << 20
	return float64(peak-min(before, peak)) / mb, float64(after-min(before, after)) / mb
}

// EmulatedECS is the ECS emulator over o.Inventory as the local server serves it: the
// describe API plus the emulated read actions, behind the net/http adapter, logging
// nowhere.
func EmulatedECS(o ecsemu.Options) http.Handler {
	em := ecsemu.New(o)
	api := ecsapi.NewHandler(refs.Static(refs.Build(o.Inventory)), ecsapi.Options{Logger: Quiet, Actions: em.Actions()})
	return httpapi.Handler{API: api, Log: Quiet}
}

// SynthInventory is a synthetic inventory of groups × 10 rules (seed 1), in memory.
func SynthInventory(tb testing.TB, groups int) *inventory.Inventory {
	tb.Helper()
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Options{Groups: groups, Rules: 10, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	inv, err := inventory.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return inv
}

// SynthIndex is the index of a synthetic inventory of groups × 10 rules (seed 1), built
// as a describe instance builds it: streamed into a refs.Builder, never whole in memory,
// with the snapshot's CapturedAt.
func SynthIndex(tb testing.TB, groups int) *refs.Index {
	tb.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.Write(pw, synth.Options{Groups: groups, Rules: 10, Seed: 1})) }()
	b := refs.NewBuilder()
	h, err := inventory.StreamSnapshot(pr, func(g *inventory.Group) error { b.Add(g); return nil })
	if err != nil {
		tb.Fatal(err)
	}
	b.SetCapturedAt(h.CapturedAt)
	return b.Index()
}
