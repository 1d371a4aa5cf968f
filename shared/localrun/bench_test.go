package localrun_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sgref/shared/fcemu"
	"sgref/shared/inventory"
	"sgref/shared/localrun"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// BenchmarkColdStart measures, for each binary under its emulator, process start to first
// response (Lambda: the emulator starts the bootstrap on the first invocation, as Lambda
// does), on the embedded sample and on a 10 000-group snapshot, against a hello-world
// binary of the same runtimes measured in the same run.
func BenchmarkColdStart(b *testing.B) {
	bins := binaries(b)
	snap := filepath.Join(b.TempDir(), "10k.json")
	f, err := os.Create(snap)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.Write(f, synth.Options{Groups: 10_000, Rules: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	art10k, art100k := artifact(b, 10_000), artifact(b, 100_000)
	rieBin := rie(b)
	for _, platform := range []string{"fc", "lambda"} {
		ev := event(b, "fc/http-get.json")
		if platform == "lambda" {
			ev = event(b, "aws/http-api-v2.json")
		}
		for _, inv := range []struct{ name, spec string }{{"sample", ""}, {"10k", "file:" + snap},
			{"10k-artifact", "file:" + art10k}, {"100k-artifact", "file:" + art100k}} {
			for _, bin := range []string{"base", "sgref"} {
				path := filepath.Join(bins, "describe-references")
				if bin == "base" {
					path = filepath.Join(bins, "hello")
				}
				env := []string{"SGREF_INVENTORY=" + inv.spec, "SGREF_LOG_LEVEL=error"}
				b.Run(fmt.Sprintf("%s/%s/%s", platform, inv.name, bin), func(b *testing.B) {
					for b.Loop() {
						coldStart(b, platform, rieBin, path, env, ev)
					}
				})
			}
		}
	}
}

func coldStart(b *testing.B, platform, rieBin, bin string, env []string, ev []byte) {
	var fn localrun.Function
	var err error
	if platform == "fc" {
		fn, err = localrun.StartFC(bin, env, fcemu.Options{}, io.Discard)
	} else {
		b.StopTimer() // the emulator's own start is not the function's cold start
		fn, err = localrun.StartLambda(rieBin, bin, env, io.Discard)
		b.StartTimer()
	}
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	res, err := fn.Invoke(ctx, ev)
	cancel()
	b.StopTimer()
	fn.Close()
	b.StartTimer()
	if err != nil || res.Failed {
		b.Fatalf("%s, %v", res.Payload, err)
	}
}

// artifact writes the index artifact of a synthetic estate of n groups × 10 rules, as the
// capture would write it, and returns its path.
func artifact(b *testing.B, n int) string {
	b.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.Write(pw, synth.Options{Groups: n, Rules: 10, Seed: 1})) }()
	bl := refs.NewBuilder()
	h, err := inventory.StreamSnapshot(pr, func(g *inventory.Group) error { bl.Add(g); return nil })
	if err != nil {
		b.Fatal(err)
	}
	bl.SetCapturedAt(h.CapturedAt)
	path := filepath.Join(b.TempDir(), fmt.Sprintf("%d.json.gz.index", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := bl.Index().WriteArtifact(f, refs.SnapshotID{CapturedAt: h.CapturedAt, Size: -1}); err != nil {
		b.Fatal(err)
	}
	return path
}
