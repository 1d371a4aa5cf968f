package localrun_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sgref/shared/fcemu"
	"sgref/shared/internal/testkit"
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
	ix := testkit.SynthIndex(b, n)
	path := filepath.Join(b.TempDir(), fmt.Sprintf("%d.json.gz.index", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := ix.WriteArtifact(f, refs.SnapshotID{CapturedAt: ix.CapturedAt(), Size: -1}); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkCustomRuntime is issue 14's throughput target for the FC custom runtime: the
// compiled describe binary serving as one instance, 50 clients at once sending FC's
// request (the query and FC's common headers) over loopback keep-alive connections,
// against the hello-world binary's trivial server answering the same load with the same
// answer's bytes as a fixed body (both pay the same process, HTTP and loopback costs).
// ns/op is wall time per request, the inverse of the throughput that req/s reports;
// server-cpu-ns/op the server process's CPU time per request (B/op and allocs/op are the
// clients'). Any transport error or status other than 200 fails the benchmark.
func BenchmarkCustomRuntime(b *testing.B) {
	bins := binaries(b)
	for _, inv := range []struct {
		name  string
		spec  func(b *testing.B) string
		query string
		want  string
	}{
		{"sample", func(*testing.B) string { return "" },
			"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa", `"SecurityGroupId":"sg-2255cc"`},
		// Ten groups, two of them hubs: a page of 100 records (ecsapi's BenchmarkServe).
		{"100k-artifact", func(b *testing.B) string { return "file:" + artifact(b, 100_000) }, tenIDs(), `"SecurityGroupId":"sg-syn`},
	} {
		b.Run(inv.name, func(b *testing.B) {
			sgref := startCustom(b, filepath.Join(bins, "describe-references"), []string{"SGREF_INVENTORY=" + inv.spec(b)}, nil)
			defer sgref.Close()
			url := "/?" + inv.query
			answer := customCall(b, sgref.URL+url, "fc-req-first", inv.want)
			body := filepath.Join(b.TempDir(), "body.json")
			if err := os.WriteFile(body, answer, 0o644); err != nil {
				b.Fatal(err)
			}
			base := startCustom(b, filepath.Join(bins, "hello"), []string{"HELLO_BODY=" + body}, nil)
			defer base.Close()
			for _, side := range []struct {
				name string
				rt   *customRuntime
			}{{"base", base}, {"sgref", sgref}} {
				b.Run(side.name, func(b *testing.B) {
					before, ok := cpuTime(side.rt.cmd.Process.Pid)
					testkit.FCLoad(b, side.rt.URL+url, customClients)
					if after, ok2 := cpuTime(side.rt.cmd.Process.Pid); ok && ok2 {
						b.ReportMetric(float64(after-before)/float64(b.N), "server-cpu-ns/op")
					}
				})
			}
		})
	}
}

// cpuTime is the CPU time, user and system, process pid has used so far (from /proc,
// in clock ticks of 10 ms); false where it cannot be read.
func cpuTime(pid int) (time.Duration, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// After "pid (comm) ": the state, then fields 4…; utime and stime are fields 14 and 15.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// customClients is issue 14's load: 50 requests in flight on one instance.
const customClients = 50

// customCall makes one request as FC would and returns the answer, which must be a 200
// containing want.
func customCall(b *testing.B, url, requestID, want string) []byte {
	b.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	testkit.FCHeaders(req, requestID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		b.Fatalf("status %d, %v: %.300s; want 200 with %s", resp.StatusCode, err, body, want)
	}
	return body
}

// tenIDs queries ten groups of the synthetic inventory in JSON: two hubs (the page fills
// to 100 records) and eight ordinary groups.
func tenIDs() string {
	var q strings.Builder
	q.WriteString("Action=DescribeSecurityGroupReferences&Version=2014-05-26&RegionId=cn-hangzhou&Format=JSON")
	for i, g := range []int{0, 1, 500, 1234, 5000, 12345, 23456, 34567, 45678, 59999} {
		fmt.Fprintf(&q, "&SecurityGroupId.%d=%s", i+1, synth.GroupID(g))
	}
	return q.String()
}
