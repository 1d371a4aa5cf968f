package trigger_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/scan"
	"sgref/shared/trigger"
)

const query = "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"

func TestHTTP(t *testing.T) {
	api := testkit.SampleAPI(t, ecsapi.Options{})
	served := func(ctx context.Context, raw []byte) (*ecsapi.Request, func(*ecsapi.Response) int, error) {
		req := &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: string(raw)}
		req.Log.Attrs = []slog.Attr{slog.String("platform", "test")}
		return req, func(r *ecsapi.Response) int { return r.Status }, nil
	}
	for name, tc := range map[string]struct {
		decode trigger.HTTPDecoder[int]
		status int    // 0: an invocation error is wanted
		log    string // in the log
	}{
		"served": {served, 200, `"msg":"request","platform":"test","RequestId":"` + testkit.FixedRequestID + `"`},
		"not an event": {func(context.Context, []byte) (*ecsapi.Request, func(*ecsapi.Response) int, error) {
			return nil, nil, errors.New("sgref: not a test event")
		}, 0, ""},
		"decoder panics": {func(context.Context, []byte) (*ecsapi.Request, func(*ecsapi.Response) int, error) {
			var m map[string]int
			m["x"]++
			return nil, nil, nil
		}, 0, `"msg":"panic decoding the event"`},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			status, err := trigger.HTTP(context.Background(), api, slog.New(slog.NewJSONHandler(&buf, nil)), []byte(query), tc.decode)
			if (tc.status == 0) != (err != nil) || status != tc.status {
				t.Errorf("HTTP = %d, %v; want %d", status, err, tc.status)
			}
			if tc.log == "" && buf.Len() != 0 || !strings.Contains(buf.String(), tc.log) {
				t.Errorf("logged %q, want %q", buf.String(), tc.log)
			}
		})
	}
}

func TestScan(t *testing.T) {
	want := scan.Request{Regions: []string{"cn-hangzhou"}}
	for name, tc := range map[string]struct {
		decode trigger.ScanDecoder
		ran    bool
		log    string
	}{
		"scan": {func(context.Context, []byte) (scan.Request, []slog.Attr, error) {
			return want, []slog.Attr{slog.String("platform", "test")}, nil
		}, true, `"msg":"scan requested","platform":"test","regions":["cn-hangzhou"],"accounts":null`},
		"bad event": {func(context.Context, []byte) (scan.Request, []slog.Attr, error) {
			return scan.Request{}, nil, errors.New("sgref: not a test event")
		}, false, `"msg":"bad scan event","err":"sgref: not a test event"`},
		"decoder panics": {func(context.Context, []byte) (scan.Request, []slog.Attr, error) {
			var p *scan.Request
			return *p, nil, nil
		}, false, `"msg":"panic decoding the event"`},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			ran := false
			h := trigger.Scan{Decode: tc.decode, Log: slog.New(slog.NewJSONHandler(&buf, nil)),
				Run: func(_ context.Context, req scan.Request) (any, error) {
					ran = true
					if !reflect.DeepEqual(req, want) {
						t.Errorf("Run(%+v), want %+v", req, want)
					}
					return "summary", nil
				}}
			out, err := h.Handle(context.Background(), []byte(`{}`))
			if ran != tc.ran || (err == nil) != tc.ran || (tc.ran && out != "summary") {
				t.Errorf("Handle = %v, %v (ran %v); want ran %v", out, err, ran, tc.ran)
			}
			if !strings.Contains(buf.String(), tc.log) {
				t.Errorf("logged %q, want %q", buf.String(), tc.log)
			}
		})
	}
}
