package awstrigger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sgref/shared/internal/testkit"
	"sgref/shared/jobs"
	"sgref/shared/scan"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"sgref/shared/awstrigger"
	"sgref/shared/ecsapi"
	"sgref/shared/internal/golden"
)

const fixtures = "../../events/aws"

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return b
}

func mustHandler(tb testing.TB) awstrigger.HTTPHandler {
	tb.Helper()
	return awstrigger.HTTPHandler{API: testkit.SampleAPI(tb, ecsapi.Options{}), Log: testkit.Quiet}
}

// fixtures and the SDK type each one decodes into.
var shapes = map[string]struct {
	kind awstrigger.Kind
	typ  func() any
}{
	"apigw-v1.json":             {awstrigger.APIGatewayV1, func() any { return &events.APIGatewayProxyRequest{} }},
	"http-api-v2.json":          {awstrigger.HTTPAPIV2, func() any { return &events.APIGatewayV2HTTPRequest{} }},
	"function-url.json":         {awstrigger.FunctionURL, func() any { return &events.LambdaFunctionURLRequest{} }},
	"alb.json":                  {awstrigger.ALB, func() any { return &events.ALBTargetGroupRequest{} }},
	"alb-multi-value.json":      {awstrigger.ALB, func() any { return &events.ALBTargetGroupRequest{} }},
	"eventbridge-schedule.json": {awstrigger.Schedule, func() any { return &events.EventBridgeEvent{} }},
	"scheduler-input.json":      {awstrigger.ScanScope, func() any { return &map[string]any{} }},
	"scheduler-capture.json":    {awstrigger.ScanScope, func() any { return &map[string]any{} }},
}

func TestDetectFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if len(files) != len(shapes) {
		t.Errorf("%d fixtures, %d known shapes: keep the table in step with events/aws", len(files), len(shapes))
	}
	for name, s := range shapes {
		if k, err := awstrigger.Detect(mustRead(t, name)); k != s.kind || err != nil {
			t.Errorf("Detect(%s) = %v, %v; want %v", name, k, err, s.kind)
		}
	}
}

// TestFixturesRoundTrip checks every fixture survives decoding into its aws-lambda-go
// type and encoding back.
func TestFixturesRoundTrip(t *testing.T) {
	for name, s := range shapes {
		t.Run(name, func(t *testing.T) {
			raw := mustRead(t, name)
			v := s.typ()
			if err := json.Unmarshal(raw, v); err != nil {
				t.Fatal(err)
			}
			back, _ := json.Marshal(v)
			var a, b any
			json.Unmarshal(raw, &a)
			json.Unmarshal(back, &b)
			// aws-lambda-go adds or omits empty members on the way out: compare the rest.
			if !reflect.DeepEqual(prune(a), prune(b)) {
				t.Errorf("round trip changed the event:\n in: %s\nout: %s", raw, back)
			}
		})
	}
}

// prune drops empty strings, false, nulls and members left empty by that, recursively.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = prune(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		return x
	case string:
		if x == "" {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	}
	return v
}

func TestHTTPFixtures(t *testing.T) {
	h := mustHandler(t)
	for name, s := range shapes {
		if !s.kind.IsHTTP() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			out, err := h.Handle(context.Background(), mustRead(t, name))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.MarshalIndent(out, "", "  ")
			var r struct {
				StatusCode        int
				Headers           map[string]string
				MultiValueHeaders map[string][]string
			}
			json.Unmarshal(b, &r)
			if r.StatusCode != 200 {
				t.Errorf("StatusCode=%d: %s", r.StatusCode, b)
			}
			if name == "alb-multi-value.json" && (r.Headers != nil || r.MultiValueHeaders["x-acs-request-id"] == nil) {
				t.Errorf("an ALB with multi-value headers must be answered with them only: %s", b)
			}
			golden.Check(t, strings.TrimSuffix(name, ".json"), b)
		})
	}
}

// TestALBQueryStaysEncoded: ALB hands query values over as the client encoded them.
func TestALBQueryStaysEncoded(t *testing.T) {
	h := mustHandler(t)
	ev := strings.Replace(string(mustRead(t, "alb.json")), `"SecurityGroupId.1": "sg-1133aa"`, `"SecurityGroupId.1": "sg%2D1133aa"`, 1)
	out, err := h.Handle(context.Background(), []byte(ev))
	if err != nil {
		t.Fatal(err)
	}
	if r := out.(events.ALBTargetGroupResponse); r.StatusCode != 200 || !strings.Contains(r.Body, "sg-2255dd") {
		t.Errorf("%d %s", r.StatusCode, r.Body)
	}
}

func TestMalformedEvents(t *testing.T) {
	h := mustHandler(t)
	v2 := string(mustRead(t, "http-api-v2.json"))
	url := string(mustRead(t, "function-url.json"))
	for name, tc := range map[string]struct {
		event  string
		status int // 0: an invocation error is wanted
		code   string
	}{
		"not json":       {`{"version":`, 0, ""},
		"array":          {`[]`, 0, ""},
		"null":           {`null`, 0, ""},
		"unknown shape":  {`{"hello":"world"}`, 0, ""},
		"schedule":       {string(mustRead(t, "eventbridge-schedule.json")), 0, ""},
		"scan scope":     {string(mustRead(t, "scheduler-input.json")), 0, ""},
		"fc event":       {string(must(os.ReadFile("../../events/fc/http-get.json"))), 0, ""},
		"wrong type":     {strings.Replace(v2, `"isBase64Encoded": false`, `"isBase64Encoded": "no"`, 1), 0, ""},
		"bad base64":     {strings.Replace(url, `"isBase64Encoded": true`, `"isBase64Encoded": true, "body": "%%%"`, 1), 400, "InvalidParameter"},
		"oversized body": {strings.Replace(v2, `"isBase64Encoded": false`, `"isBase64Encoded": false, "body": "`+strings.Repeat("a", 70<<10)+`"`, 1), 400, "InvalidParameter"},
		"no query":       {strings.Replace(v2, `"rawQueryString"`, `"ignored"`, 1), 400, "MissingParameter"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := h.Handle(context.Background(), []byte(tc.event))
			if tc.status == 0 {
				if err == nil {
					t.Fatalf("got %+v, want an invocation error", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(out)
			var r struct {
				StatusCode int
				Body       string
			}
			json.Unmarshal(b, &r)
			if r.StatusCode != tc.status || !strings.Contains(r.Body, tc.code) {
				t.Errorf("StatusCode=%d body %.200s, want %d %s", r.StatusCode, r.Body, tc.status, tc.code)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestJobRequest(t *testing.T) {
	for name, want := range map[string]jobs.Request{
		"eventbridge-schedule.json": {Job: jobs.Scan},
		"scheduler-input.json":      {Job: jobs.Scan, Scan: scan.Request{Regions: []string{"cn-hangzhou", "cn-shanghai"}, Accounts: []string{"123"}}},
		"scheduler-capture.json":    {Job: jobs.Capture},
	} {
		req, _, err := awstrigger.JobRequest(mustRead(t, name))
		if err != nil || !reflect.DeepEqual(req, want) {
			t.Errorf("%s: %+v, %v; want %+v", name, req, err, want)
		}
	}
	req, _, err := awstrigger.JobRequest([]byte(`{"source":"aws.events","detail-type":"Scheduled Event","detail":{"Job":"capture"}}`))
	if err != nil || req.Job != jobs.Capture {
		t.Errorf("rule with a capture detail: %+v, %v", req, err)
	}
	for name, ev := range map[string]string{
		"http event":       string(mustRead(t, "http-api-v2.json")),
		"scope wrong type": `{"Regions":"cn-hangzhou"}`,
		"detail wrong":     `{"source":"aws.events","detail-type":"Scheduled Event","detail":{"Region":["x"]}}`,
		"empty region":     `{"Regions":[""]}`,
		"not json":         `{`,
		"capture scoped":   `{"Job":"capture","Regions":["cn-hangzhou"]}`,
		"unknown job":      `{"Job":"delete"}`,
	} {
		if _, _, err := awstrigger.JobRequest([]byte(ev)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for name := range shapes {
		f.Add(mustRead(f, name))
	}
	f.Add([]byte(`{"requestContext":{"elb":{}},"httpMethod":"GET","isBase64Encoded":true,"body":"!"}`))
	h := mustHandler(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		k, err := awstrigger.Detect(raw)
		if (k == awstrigger.Unknown) != (err != nil) {
			t.Fatalf("Detect = %v, %v", k, err)
		}
		out, err := h.Handle(context.Background(), raw)
		if _, ierr := h.Invoke(context.Background(), raw); (ierr == nil) != (err == nil) {
			t.Fatalf("Invoke error %v, Handle error %v", ierr, err)
		}
		if err != nil {
			return
		}
		if !k.IsHTTP() {
			t.Fatalf("a %v event was served", k)
		}
		b, _ := json.Marshal(out)
		var r struct{ StatusCode int }
		json.Unmarshal(b, &r)
		if r.StatusCode != 200 && (r.StatusCode < 400 || r.StatusCode > 499) {
			t.Fatalf("StatusCode=%d for %q", r.StatusCode, raw)
		}
	})
}

// TestInvocationContext: Lambda's request ID and the front door reach the log line and
// the scan's attributes.
func TestInvocationContext(t *testing.T) {
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "aws-req-1"})
	var buf bytes.Buffer
	h := awstrigger.HTTPHandler{API: testkit.SampleAPI(t, ecsapi.Options{}), Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	if _, err := h.Handle(ctx, mustRead(t, "alb.json")); err != nil {
		t.Fatal(err)
	}
	if want := `"msg":"request","platform":"alb","awsRequestId":"aws-req-1"`; !strings.Contains(buf.String(), want) {
		t.Errorf("logged %s, want %s", buf.String(), want)
	}
	_, attrs, err := awstrigger.ScheduleDecoder(ctx, mustRead(t, "scheduler-input.json"))
	if err != nil || len(attrs) != 2 || attrs[0].Value.String() != "scan-scope" || attrs[1].Value.String() != "aws-req-1" {
		t.Errorf("ScheduleDecoder attributes %v, %v; want platform scan-scope and awsRequestId aws-req-1", attrs, err)
	}
	if _, _, err := awstrigger.ScheduleDecoder(ctx, mustRead(t, "http-api-v2.json")); err == nil {
		t.Error("ScheduleDecoder took an HTTP event")
	}
}
