package fctrigger_test

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
	"strings"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"sgref/shared/ecsapi"
	"sgref/shared/fctrigger"
	"sgref/shared/internal/golden"
)

const fixtures = "../../events/fc"

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return b
}

func mustHandler(tb testing.TB) fctrigger.HTTPHandler {
	tb.Helper()
	return fctrigger.HTTPHandler{API: testkit.SampleAPI(tb, ecsapi.Options{}), Log: testkit.Quiet}
}

// TestHTTPFixtures runs every FC HTTP sample event through the adapter and pins the
// response the trigger would turn into HTTP.
func TestHTTPFixtures(t *testing.T) {
	h := mustHandler(t)
	files, _ := filepath.Glob(filepath.Join(fixtures, "http-*.json"))
	if len(files) < 3 {
		t.Fatalf("found %d FC HTTP fixtures, want at least 3", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			resp, err := h.Handle(context.Background(), mustRead(t, f))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Headers["x-acs-request-id"] == "" {
				t.Errorf("StatusCode=%d headers %v, want 200 with a request ID", resp.StatusCode, resp.Headers)
			}
			out, _ := json.MarshalIndent(resp, "", "  ")
			golden.Check(t, strings.TrimSuffix(filepath.Base(f), ".json"), out)
		})
	}
}

// TestFixturesRoundTrip checks every FC fixture survives decoding into the SDK's event
// type and encoding back: no field of the platform's shape is lost or misnamed.
func TestFixturesRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw := mustRead(t, f)
			var v any = &events.HTTPTriggerEvent{}
			if strings.HasPrefix(filepath.Base(f), "timer") {
				v = &events.TimerEvent{}
			}
			if err := json.Unmarshal(raw, v); err != nil {
				t.Fatal(err)
			}
			back, _ := json.Marshal(v)
			var a, b any
			json.Unmarshal(raw, &a)
			json.Unmarshal(back, &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("round trip changed the event:\n in: %s\nout: %s", raw, back)
			}
		})
	}
}

func TestMalformedEvents(t *testing.T) {
	h := mustHandler(t)
	get := mustRead(t, filepath.Join(fixtures, "http-get.json"))
	for name, tc := range map[string]struct {
		event  string
		status int    // 0: an invocation error is wanted
		code   string // the envelope's code, with a status
	}{
		"not json":        {`{"version":`, 0, ""},
		"array":           {`[1,2]`, 0, ""},
		"empty object":    {`{}`, 0, ""},
		"timer event":     {string(mustRead(t, filepath.Join(fixtures, "timer.json"))), 0, ""},
		"aws v2 event":    {string(mustRead(t, "../../events/aws/http-api-v2.json")), 0, ""},
		"wrong type":      {strings.Replace(string(get), `"isBase64Encoded": false`, `"isBase64Encoded": "no"`, 1), 0, ""},
		"bad base64":      {strings.Replace(strings.Replace(string(get), `"isBase64Encoded": false`, `"isBase64Encoded": true`, 1), `"body": ""`, `"body": "%%%not base64"`, 1), 400, "InvalidParameter"},
		"oversized body":  {strings.Replace(string(get), `"body": ""`, `"body": "`+strings.Repeat("a", 70<<10)+`"`, 1), 400, "InvalidParameter"},
		"no query":        {strings.Replace(string(get), `"queryParameters"`, `"ignored"`, 1), 400, "MissingParameter"},
		"null everything": {`{"version":null,"rawPath":"/","body":null,"headers":null,"queryParameters":null,"requestContext":{"http":{"method":"GET"}}}`, 400, "MissingParameter"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := h.Handle(context.Background(), []byte(tc.event))
			if tc.status == 0 {
				if err == nil {
					t.Fatalf("got %+v, want an invocation error", resp)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var e struct{ Code string }
			if resp.StatusCode != tc.status || (json.Unmarshal([]byte(resp.Body), &e) != nil && !strings.Contains(resp.Body, "<Code>"+tc.code+"</Code>")) || (e.Code != "" && e.Code != tc.code) {
				t.Errorf("StatusCode=%d body %.200s, want %d %s", resp.StatusCode, resp.Body, tc.status, tc.code)
			}
		})
	}
}

func TestJobRequest(t *testing.T) {
	req, ev, err := fctrigger.JobRequest(mustRead(t, filepath.Join(fixtures, "timer.json")))
	if err != nil || ev == nil || req.Job != jobs.Scan || !reflect.DeepEqual(req.Scan.Regions, []string{"cn-hangzhou"}) {
		t.Fatalf("JobRequest = %+v, %v", req, err)
	}
	if req, _, err := fctrigger.JobRequest(mustRead(t, filepath.Join(fixtures, "timer-capture.json"))); err != nil || req.Job != jobs.Capture {
		t.Fatalf("JobRequest(timer-capture.json) = %+v, %v", req, err)
	}
	for name, ev := range map[string]string{
		"payload not json":   `{"triggerTime":"t","triggerName":"n","payload":"{not json"}`,
		"unknown key":        `{"triggerTime":"t","triggerName":"n","payload":"{\"Region\":[\"cn-hangzhou\"]}"}`,
		"regions not a list": `{"triggerTime":"t","triggerName":"n","payload":"{\"Regions\":\"cn-hangzhou\"}"}`,
		"empty region":       `{"triggerTime":"t","triggerName":"n","payload":"{\"Regions\":[\"\"]}"}`,
		"http event":         string(mustRead(t, filepath.Join(fixtures, "http-get.json"))),
		"not an object":      `"x"`,
		"capture scoped":     `{"triggerTime":"t","triggerName":"n","payload":"{\"Job\":\"capture\",\"Regions\":[\"x\"]}"}`,
	} {
		if _, _, err := fctrigger.JobRequest([]byte(ev)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if req, _, err := fctrigger.JobRequest([]byte(`{"triggerTime":"t","triggerName":"n","payload":""}`)); err != nil || req.Job != jobs.Scan || req.Scan.Regions != nil {
		t.Errorf("empty payload: %+v, %v; want the whole inventory", req, err)
	}
}

func FuzzDetect(f *testing.F) {
	for _, name := range []string{"http-get.json", "http-post-form.json", "http-base64.json", "timer.json"} {
		b, err := os.ReadFile(filepath.Join(fixtures, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"requestContext":{"http":{"method":null}}}`))
	h := mustHandler(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		k, err := fctrigger.Detect(raw)
		if (k == fctrigger.Unknown) != (err != nil) {
			t.Fatalf("Detect = %v, %v", k, err)
		}
		resp, err := h.Handle(context.Background(), raw)
		if _, ierr := h.Invoke(context.Background(), raw); (ierr == nil) != (err == nil) {
			t.Fatalf("Invoke error %v, Handle error %v", ierr, err)
		}
		if err == nil && (resp.StatusCode != 200 && (resp.StatusCode < 400 || resp.StatusCode > 499)) {
			t.Fatalf("StatusCode=%d for %q", resp.StatusCode, raw)
		}
		if err == nil && k != fctrigger.HTTP {
			t.Fatalf("a %v event was served", k)
		}
	})
}

// TestInvocationContext: what FC passes beside the event (its request ID, the role's
// credentials) reaches the log line and the credentials' receiver, on both entry points.
func TestInvocationContext(t *testing.T) {
	ctx := fccontext.NewContext(context.Background(), &fccontext.FcContext{RequestID: "fc-req-1",
		Credentials: fccontext.Credentials{AccessKeyId: "STS.id", AccessKeySecret: "secret", SecurityToken: "token"}})
	var got []string
	keys := func(id, secret, token string) { got = append(got, id+"/"+secret+"/"+token) }

	var buf bytes.Buffer
	h := fctrigger.HTTPHandler{API: testkit.SampleAPI(t, ecsapi.Options{}), Log: slog.New(slog.NewJSONHandler(&buf, nil)), Credentials: keys}
	if _, err := h.Handle(ctx, mustRead(t, filepath.Join(fixtures, "http-get.json"))); err != nil {
		t.Fatal(err)
	}
	if want := `"msg":"request","platform":"fc","fcRequestId":"fc-req-1"`; !strings.Contains(buf.String(), want) {
		t.Errorf("logged %s, want %s", buf.String(), want)
	}
	_, attrs, err := fctrigger.TimerDecoder{Credentials: keys}.Decode(ctx, mustRead(t, filepath.Join(fixtures, "timer.json")))
	if err != nil {
		t.Fatal(err)
	}
	if len(attrs) < 2 || attrs[0].Value.String() != "fc-timer" || attrs[1].Value.String() != "fc-req-1" {
		t.Errorf("timer attributes %v, want platform fc-timer and fcRequestId fc-req-1", attrs)
	}
	if want := []string{"STS.id/secret/token", "STS.id/secret/token"}; !reflect.DeepEqual(got, want) {
		t.Errorf("credentials handed on %v, want %v", got, want)
	}
	// Without FC's context there is nothing to hand on, and no request ID.
	if _, attrs, err := (fctrigger.TimerDecoder{Credentials: keys}).Decode(context.Background(), mustRead(t, filepath.Join(fixtures, "timer.json"))); err != nil || len(got) != 2 || attrs[1].Value.String() != "" {
		t.Errorf("without FC's context: attrs %v, %v; credentials called %d times", attrs, err, len(got))
	}
}
