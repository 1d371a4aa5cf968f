package localrun_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sgref/shared/fcemu"
	"sgref/shared/localrun"
)

const root = "../.."

var (
	binDir   string
	buildErr error
	once     sync.Once
)

// binaries builds the functions (and the hello-world function) for this machine once.
func binaries(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "sgref-bin-")
		if buildErr != nil {
			return
		}
		for _, pkg := range []string{"functions/describe-references", "functions/orphan-scan", "shared/localrun/testdata/hello"} {
			out := filepath.Join(binDir, filepath.Base(pkg))
			cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", out, "./"+pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
				return
			}
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// rie finds the Runtime Interface Emulator. Under CI its absence is a failure: the
// Lambda tests must run there.
func rie(tb testing.TB) string {
	tb.Helper()
	p, err := localrun.FindRIE(root)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%v: CI must run the Lambda tests", err)
		}
		tb.Skip(err)
	}
	return p
}

func event(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root, "events", path))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// httpResult decodes an HTTP trigger response of any platform.
type httpResult struct {
	StatusCode        int
	Headers           map[string]string
	MultiValueHeaders map[string][]string
	Body              string
}

func invokeHTTP(tb testing.TB, fn localrun.Function, ev []byte) httpResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := fn.Invoke(ctx, ev)
	if err != nil {
		tb.Fatal(err)
	}
	if res.Failed {
		tb.Fatalf("invocation error: %s", res.Payload)
	}
	var r httpResult
	if err := json.Unmarshal(res.Payload, &r); err != nil {
		tb.Fatalf("%v: %s", err, res.Payload)
	}
	return r
}

// withQuery rewrites an HTTP API v2 / Function URL fixture to carry another query.
func withRawQuery(tb testing.TB, ev []byte, query string) []byte {
	var m map[string]any
	if err := json.Unmarshal(ev, &m); err != nil {
		tb.Fatal(err)
	}
	m["rawQueryString"] = query
	m["body"] = ""
	m["isBase64Encoded"] = false
	b, _ := json.Marshal(m)
	return b
}

func withFCQuery(tb testing.TB, ev []byte, query map[string]string) []byte {
	var m map[string]any
	if err := json.Unmarshal(ev, &m); err != nil {
		tb.Fatal(err)
	}
	m["queryParameters"] = query
	b, _ := json.Marshal(m)
	return b
}

// TestLambdaBinaryUnderRIE runs the compiled describe function under the real AWS
// Lambda Runtime Interface Emulator for every HTTP front door.
func TestLambdaBinaryUnderRIE(t *testing.T) {
	bins := binaries(t)
	fn, err := localrun.StartLambda(rie(t), filepath.Join(bins, "describe-references"), []string{"SGREF_FAULTS=on"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	for file, want := range map[string]string{
		"aws/apigw-v1.json":        "sg-2255dd",
		"aws/http-api-v2.json":     "sg-2255dd",
		"aws/function-url.json":    "sg-sg-ops01",
		"aws/alb.json":             "sg-2255dd",
		"aws/alb-multi-value.json": "<SecurityGroupId>sg-bastion01</SecurityGroupId>",
	} {
		t.Run(file, func(t *testing.T) {
			r := invokeHTTP(t, fn, event(t, file))
			if r.StatusCode != 200 || !strings.Contains(r.Body, want) {
				t.Errorf("StatusCode=%d body %.300s, want 200 with %s", r.StatusCode, r.Body, want)
			}
		})
	}
	// A panic in a request is an InternalError envelope, and the process lives on.
	v2 := event(t, "aws/http-api-v2.json")
	r := invokeHTTP(t, fn, withRawQuery(t, v2, "Action=SgrefFaultPanic&Format=JSON"))
	if r.StatusCode != 500 || !strings.Contains(r.Body, `"Code":"InternalError"`) {
		t.Errorf("after a panic: %d %s", r.StatusCode, r.Body)
	}
	// An event of no known shape is an invocation error, not a crash.
	res, err := fn.Invoke(context.Background(), []byte(`{"hello":"world"}`))
	if err != nil || !res.Failed {
		t.Errorf("unknown shape: %+v, %v; want an invocation error", res, err)
	}
	if r := invokeHTTP(t, fn, v2); r.StatusCode != 200 {
		t.Errorf("the function did not survive: %d %s", r.StatusCode, r.Body)
	}
}

// TestFCBinaryUnderEmulator runs the compiled describe function against the FC
// runtime-API emulator: every FC HTTP fixture, overlapping invocations, a panic, a
// deadline.
func TestFCBinaryUnderEmulator(t *testing.T) {
	bins := binaries(t)
	fn, err := localrun.StartFC(filepath.Join(bins, "describe-references"), []string{"SGREF_FAULTS=on"}, fcemu.Options{Timeout: 2 * time.Second}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	for file, want := range map[string]string{
		"fc/http-get.json":       "<SecurityGroupId>sg-2255dd</SecurityGroupId>",
		"fc/http-post-form.json": `"SecurityGroupId":"sg-partner02","AliUid":"456"`,
		"fc/http-base64.json":    `"SecurityGroupId":"sg-sh-p01","AliUid":"456"`,
	} {
		t.Run(file, func(t *testing.T) {
			r := invokeHTTP(t, fn, event(t, file))
			if r.StatusCode != 200 || !strings.Contains(r.Body, want) {
				t.Errorf("StatusCode=%d body %.300s, want 200 with %s", r.StatusCode, r.Body, want)
			}
		})
	}
	get := event(t, "fc/http-get.json")
	t.Run("overlapping invocations", func(t *testing.T) {
		sleep := withFCQuery(t, get, map[string]string{"Action": "SgrefFaultSleep", "Millis": "700", "Format": "JSON"})
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := fn.Invoke(context.Background(), sleep)
				if err != nil || res.Failed || !strings.Contains(string(res.Payload), `"statusCode":200`) {
					t.Errorf("%s, %v", res.Payload, err)
				}
			}()
		}
		wg.Wait()
		if p := fn.Emulator.PeakInFlight(); p < 2 {
			t.Errorf("peak in flight %d: the two invocations did not overlap", p)
		}
	})
	t.Run("panic", func(t *testing.T) {
		r := invokeHTTP(t, fn, withFCQuery(t, get, map[string]string{"Action": "SgrefFaultPanic"}))
		if r.StatusCode != 500 || !strings.Contains(r.Body, "<Code>InternalError</Code>") {
			t.Errorf("%d %s", r.StatusCode, r.Body)
		}
		if r := invokeHTTP(t, fn, get); r.StatusCode != 200 || fn.Exited() {
			t.Errorf("the function did not survive the panic: %d", r.StatusCode)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		// The function's timeout is 2 s; a 5 s wait ends at the deadline with an envelope.
		r := invokeHTTP(t, fn, withFCQuery(t, get, map[string]string{"Action": "SgrefFaultSleep", "Millis": "5000", "Format": "JSON"}))
		if r.StatusCode != 503 || !strings.Contains(r.Body, "ServiceUnavailable") {
			t.Errorf("%d %s", r.StatusCode, r.Body)
		}
	})
	t.Run("unknown shape", func(t *testing.T) {
		res, err := fn.Invoke(context.Background(), event(t, "aws/http-api-v2.json"))
		if err != nil || !res.Failed {
			t.Errorf("%+v, %v; want an invocation error", res, err)
		}
	})
}

// TestScanBinaries runs the compiled scan function under both emulators.
func TestScanBinaries(t *testing.T) {
	bins := binaries(t)
	bin := filepath.Join(bins, "orphan-scan")
	fc, err := localrun.StartFC(bin, nil, fcemu.Options{}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	lambda, err := localrun.StartLambda(rie(t), bin, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer lambda.Close()
	for _, tc := range []struct {
		fn     localrun.Function
		event  []byte
		failed bool
	}{
		{fc, event(t, "fc/timer.json"), false},
		{fc, []byte(`{"triggerTime":"t","triggerName":"n","payload":"{\"Region\":[\"x\"]}"}`), true},
		{lambda, event(t, "aws/eventbridge-schedule.json"), false},
		{lambda, event(t, "aws/scheduler-input.json"), false},
		{lambda, []byte(`{"Regions":"cn-hangzhou"}`), true},
		{lambda, event(t, "aws/http-api-v2.json"), true},
	} {
		res, err := tc.fn.Invoke(context.Background(), tc.event)
		if err != nil || res.Failed != tc.failed {
			t.Errorf("%.80s: %s (failed %v), %v; want failed %v", tc.event, res.Payload, res.Failed, err, tc.failed)
		}
	}
}
