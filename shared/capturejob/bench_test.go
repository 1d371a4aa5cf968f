package capturejob_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"sgref/shared/capturejob"
	"sgref/shared/config"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/provider"
	"sgref/shared/refs"
)

// BenchmarkInit is a describe instance's init on a 100 000-group × 10-rule snapshot: the
// gzip object in a real S3 (MinIO, loopback) against the same snapshot uncompressed in a
// local file (base).
func BenchmarkInit(b *testing.B) {
	path, size := testkit.SynthSnapshot(b, 100_000)
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	m := testkit.StartMinIO(b)
	if _, err := m.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(testkit.MinIOBucket),
		Key: aws.String("snapshot.json.gz"), Body: bytes.NewReader(gz.Bytes()), ContentEncoding: aws.String("gzip")}); err != nil {
		b.Fatal(err)
	}
	raw = nil
	for _, tc := range []struct{ name, spec string }{
		{"groups=100000/base", "file:" + path},
		{"groups=100000/sgref", m.Spec("snapshot.json.gz")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				p, _, err := provider.New(context.Background(), config.Config{Inventory: tc.spec, Refresh: time.Hour}, testkit.Quiet)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Current(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Logf("snapshot %d bytes, gzip %d bytes (%.1f%%)", size, gz.Len(), 100*float64(gz.Len())/float64(size))
}

// BenchmarkRefreshUnchanged is one refresh of a stored snapshot that has not changed: a
// conditional GET answered 304, no decode. The base is the same GET of a 1-byte object
// without a condition, the floor of any refresh over HTTP.
func BenchmarkRefreshUnchanged(b *testing.B) {
	m := testkit.StartMinIO(b)
	ctx := context.Background()
	put := func(key string, body []byte) {
		if _, err := m.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(testkit.MinIOBucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
	}
	put("tiny", []byte("x"))
	put("snapshot.json", inventory.SampleJSON())
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			out, err := m.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testkit.MinIOBucket), Key: aws.String("tiny")})
			if err != nil {
				b.Fatal(err)
			}
			out.Body.Close()
		}
	})
	b.Run("sgref", func(b *testing.B) {
		p, _, err := provider.New(ctx, config.Config{Inventory: m.Spec("snapshot.json"), Refresh: time.Hour}, testkit.Quiet)
		if err != nil {
			b.Fatal(err)
		}
		r := p.(*refs.Refresher)
		first, _ := r.Current(ctx)
		b.ReportAllocs()
		before := cpuTime()
		for b.Loop() {
			if err := r.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N), "CPU-µs/op")
		if ix, _ := r.Current(ctx); ix != first {
			b.Fatal("an unchanged object built a new index")
		}
	})
}

// BenchmarkCapture is the capture of an emulated 10 000-group account into MinIO. It
// reports the ECS calls (which must be, as a live read makes them, one attribute call per
// group, ⌈groups/100⌉ group pages and 2 network-interface pages per region, and 1 STS
// call; here one region), and the
// snapshot's compressed size against the raw JSON. The base is reading the same account
// live into an index, without writing anything.
func BenchmarkCapture(b *testing.B) {
	const groups = 10_000
	inv := testkit.SynthInventory(b, groups)
	// One account, one region: the emulator answers for one account, as ECS does.
	for i := range inv.SecurityGroups {
		inv.SecurityGroups[i].OwnerId, inv.SecurityGroups[i].RegionId = "123", "cn-hangzhou"
	}
	emu := testkit.EmulatedECS(ecsemu.Options{Inventory: inv, Account: "123"})
	var calls atomic.Int64
	ecs := testkit.Serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		emu.ServeHTTP(w, r)
	}))
	testkit.Setenv(b, "ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tBench")
	testkit.Setenv(b, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "bench-secret")
	m := testkit.StartMinIO(b)
	live := "ecs:?regions=cn-hangzhou&concurrency=16&endpoint=" + ecs.String()
	ctx := context.Background()
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			src, err := provider.Source(config.Config{Inventory: live}, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := provider.Index(ctx, src, testkit.Quiet); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sgref", func(b *testing.B) {
		job, err := capturejob.New(ctx, config.Config{Capture: m.Spec("snapshot.json.gz"), CaptureSource: live}, &ecslive.Rotating{Fallback: ecslive.Env{}}, testkit.Quiet)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		calls.Store(0)
		var sum struct{ bytes, raw int64 }
		for b.Loop() {
			s, err := job.Run(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n++
			sum.bytes, sum.raw = s.Bytes, s.RawBytes
		}
		perRun := float64(calls.Load()) / float64(n)
		want := groups + (groups+99)/100 + 2 + 1
		b.ReportMetric(perRun, "ECS-calls/op")
		b.ReportMetric(float64(sum.bytes)/float64(sum.raw)*100, "%-of-raw")
		if perRun != float64(want) {
			b.Errorf("%.1f ECS calls a capture, want %d", perRun, want)
		}
		b.Logf("snapshot %d bytes gzip, %d raw (%s)", sum.bytes, sum.raw, fmt.Sprintf("%.1f%%", float64(sum.bytes)/float64(sum.raw)*100))
	})
}

// cpuTime is this process's user and system CPU time so far (MinIO runs in another).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
