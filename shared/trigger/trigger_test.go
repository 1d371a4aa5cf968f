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
	"sgref/shared/jobs"
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

func TestScheduled(t *testing.T) {
	want := jobs.Request{Job: jobs.Scan, Scan: scan.Request{Regions: []string{"cn-hangzhou"}}}
	for name, tc := range map[string]struct {
		decode trigger.ScheduledDecoder
		fail   bool
		ran    bool
		log    string
	}{
		"scan": {func(context.Context, []byte) (jobs.Request, []slog.Attr, error) {
			return want, []slog.Attr{slog.String("platform", "test")}, nil
		}, false, true, `"msg":"job requested","platform":"test","job":"scan","regions":["cn-hangzhou"],"accounts":null`},
		"job fails": {func(context.Context, []byte) (jobs.Request, []slog.Attr, error) {
			return want, []slog.Attr{slog.String("platform", "test")}, nil
		}, true, true, `"level":"ERROR","msg":"scheduled job failed","platform":"test","job":"scan","regions":["cn-hangzhou"],"accounts":null,"err":"store down"`},
		"bad event": {func(context.Context, []byte) (jobs.Request, []slog.Attr, error) {
			return jobs.Request{}, nil, errors.New("sgref: not a test event")
		}, false, false, `"msg":"bad scheduled event","err":"sgref: not a test event"`},
		"decoder panics": {func(context.Context, []byte) (jobs.Request, []slog.Attr, error) {
			var p *jobs.Request
			return *p, nil, nil
		}, false, false, `"msg":"panic decoding the event"`},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			ran := false
			h := trigger.Scheduled{Decode: tc.decode, Log: slog.New(slog.NewJSONHandler(&buf, nil)),
				Run: func(_ context.Context, req jobs.Request) (any, error) {
					ran = true
					if !reflect.DeepEqual(req, want) {
						t.Errorf("Run(%+v), want %+v", req, want)
					}
					if tc.fail {
						return nil, errors.New("store down")
					}
					return "summary", nil
				}}
			out, err := h.Handle(context.Background(), []byte(`{}`))
			ok := tc.ran && !tc.fail
			if ran != tc.ran || (err == nil) != ok || (ok && out != "summary") {
				t.Errorf("Handle = %v, %v (ran %v); want ran %v", out, err, ran, tc.ran)
			}
			if !strings.Contains(buf.String(), tc.log) {
				t.Errorf("logged %q, want %q", buf.String(), tc.log)
			}
		})
	}
}
