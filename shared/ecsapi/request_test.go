package ecsapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
)

// TestBase64Body: the core, not the adapters, decodes a body flagged base64 and refuses
// one that is not, in the format the query or Accept asks for.
func TestBase64Body(t *testing.T) {
	h := testkit.SampleAPI(t, ecsapi.Options{})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	jsonForm := http.Header{"Content-Type": form["Content-Type"], "Accept": {"application/json"}}
	b64 := base64.StdEncoding.EncodeToString([]byte(seed))
	for name, tc := range map[string]struct {
		header   http.Header
		query    string
		body     string
		base64   bool
		status   int
		contains string
	}{
		"text":                {form, "Format=JSON", seed, false, 200, `"SecurityGroupId":"sg-2255dd"`},
		"base64":              {form, "Format=JSON", b64, true, 200, `"SecurityGroupId":"sg-2255dd"`},
		"base64 text flagged": {form, "Format=JSON", seed, true, 400, `"Message":"The request body is not valid base64."`},
		"bad, XML by default": {form, "", "%%%", true, 400, "<Code>InvalidParameter</Code>"},
		"bad, Accept JSON":    {jsonForm, "", "%%%", true, 400, `"Code":"InvalidParameter"`},
		"bad, query XML":      {jsonForm, "Format=xml", "%%%", true, 400, "<Message>The request body is not valid base64.</Message>"},
	} {
		t.Run(name, func(t *testing.T) {
			req := &ecsapi.Request{Method: "POST", Header: tc.header, RawQuery: tc.query, Body: []byte(tc.body), Base64: tc.base64}
			resp := h.Serve(context.Background(), req)
			if resp.Status != tc.status || !strings.Contains(string(resp.Body), tc.contains) {
				t.Errorf("Status=%d body %s, want %d with %s", resp.Status, resp.Body, tc.status, tc.contains)
			}
			if string(req.Body) != tc.body || req.Base64 != tc.base64 {
				t.Errorf("Serve changed the caller's request: body %q base64 %v", req.Body, req.Base64)
			}
		})
	}
}

// TestRequestLog: Serve writes one line per request where the adapter says, the
// platform's attributes first, on every path (served, refused before parsing, panicked);
// without a logger it writes none.
func TestRequestLog(t *testing.T) {
	var internal bytes.Buffer
	h := testkit.SampleAPI(t, ecsapi.Options{Actions: ecsapi.FaultActions(), Logger: newLogger(&internal)})
	for name, tc := range map[string]struct {
		query  string
		body   string
		base64 bool
		action string
		status int
		code   string
	}{
		"served":     {seed, "", false, "DescribeSecurityGroupReferences", 200, ""},
		"bad base64": {seed, "%%%", true, "", 400, "InvalidParameter"},
		"panic":      {"Action=SgrefFaultPanic", "", false, "", 500, "InternalError"}, // the action is not known when route panics
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			h.Serve(context.Background(), &ecsapi.Request{Method: "PUT", Header: http.Header{}, RawQuery: tc.query,
				Body: []byte(tc.body), Base64: tc.base64,
				Log: ecsapi.RequestLog{Logger: newLogger(&buf), Attrs: []slog.Attr{slog.String("platform", "test"), slog.String("testRequestId", "t-1")}}})
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %s", len(lines), buf.String())
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"msg": "request", "platform": "test", "testRequestId": "t-1", "RequestId": testkit.FixedRequestID,
				"method": "PUT", "action": tc.action, "status": float64(tc.status), "code": tc.code}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s=%v, want %v in %s", k, got[k], v, lines[0])
				}
			}
			if ms, ok := got["ms"].(float64); !ok || ms < 0 {
				t.Errorf("ms=%v, want a duration", got["ms"])
			}
			if !strings.HasPrefix(lines[0][strings.Index(lines[0], `"msg":"request"`):], `"msg":"request","platform":"test"`) {
				t.Errorf("the platform's attributes do not come first: %s", lines[0])
			}
		})
	}
	internal.Reset()
	h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: seed})
	if internal.Len() != 0 {
		t.Errorf("a request without RequestLog logged to the handler's logger: %s", internal.String())
	}
}

func TestHeaderFromMaps(t *testing.T) {
	for name, tc := range map[string]struct {
		single   map[string]string
		multi    map[string][]string
		fallback string
		header   http.Header
		host     string
	}{
		"none":           {nil, nil, "", http.Header{}, ""},
		"fallback host":  {map[string]string{"accept": "x"}, nil, "fc.example", http.Header{"Accept": {"x"}}, "fc.example"},
		"header host":    {map[string]string{"host": "a.example"}, nil, "fc.example", http.Header{"Host": {"a.example"}}, "a.example"},
		"multi wins":     {map[string]string{"x-acs-action": "A"}, map[string][]string{"X-Acs-Action": {"B", "C"}}, "", http.Header{"X-Acs-Action": {"B", "C"}}, ""},
		"multi only":     {nil, map[string][]string{"host": {"m.example"}}, "fc.example", http.Header{"Host": {"m.example"}}, "m.example"},
		"single and new": {map[string]string{"a": "1"}, map[string][]string{"b": {"2"}}, "", http.Header{"A": {"1"}, "B": {"2"}}, ""},
		"multi empty":    {map[string]string{"a": "1", "c": "3"}, map[string][]string{"A": {}}, "", http.Header{"C": {"3"}}, ""},
		"not a token":    {map[string]string{"bad key": "1", "x-forwarded-proto": "https"}, nil, "", http.Header{"bad key": {"1"}, "X-Forwarded-Proto": {"https"}}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			hdr, host := ecsapi.HeaderFromMaps(tc.single, tc.multi, tc.fallback)
			if !reflect.DeepEqual(hdr, tc.header) || host != tc.host {
				t.Errorf("HeaderFromMaps = %v, %q; want %v, %q", hdr, host, tc.header, tc.host)
			}
			// What http.Header's own methods build from the same maps.
			want := http.Header{}
			for k, v := range tc.single {
				want.Set(k, v)
			}
			for k, vs := range tc.multi {
				want.Del(k)
				for _, v := range vs {
					want.Add(k, v)
				}
			}
			if !reflect.DeepEqual(hdr, want) {
				t.Errorf("HeaderFromMaps = %v; http.Header's Set, Del and Add give %v", hdr, want)
			}
			// Each value slice is its own: appending to one leaves the others alone.
			for k := range hdr {
				hdr[k] = append(hdr[k], "appended")
			}
			for k, vs := range hdr {
				if len(vs) == 0 || vs[len(vs)-1] != "appended" || slices.Contains(vs[:len(vs)-1], "appended") {
					t.Errorf("after appending to every key, %s = %q", k, vs)
				}
			}
		})
	}
}

func TestQueryFromMaps(t *testing.T) {
	for name, tc := range map[string]struct {
		single map[string]string
		multi  map[string][]string
		want   string
	}{
		"none":          {nil, nil, ""},
		"encoded":       {map[string]string{"Tag.1.Value": "a b&c", "Action": "X"}, nil, "Action=X&Tag.1.Value=a+b%26c"},
		"multi wins":    {map[string]string{"K": "1"}, map[string][]string{"K": {"2", "3"}}, "K=2&K=3"},
		"multi and new": {map[string]string{"A": "1"}, map[string][]string{"B": {"2"}}, "A=1&B=2"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := ecsapi.QueryFromMaps(tc.single, tc.multi); got != tc.want {
				t.Errorf("QueryFromMaps = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestHeaderFields: the struct encodes as the Headers map does, with and without the
// optional header, escaping included.
func TestHeaderFields(t *testing.T) {
	for name, r := range map[string]*ecsapi.Response{
		"json":        {ContentType: "application/json", RequestID: "CEF72CEB-54B6-4AE8-B225-F876FF7BA984"},
		"aged":        {ContentType: "text/xml", RequestID: "r", InventoryAge: 90 * time.Second},
		"empty":       {},
		"to escape":   {ContentType: `a"<b>&`, RequestID: "\u2028\x01"},
		"short aged":  {ContentType: "text/xml", RequestID: "r", InventoryAge: time.Second},
		"nearly aged": {ContentType: "text/xml", RequestID: "r", InventoryAge: time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			got, err1 := json.Marshal(r.HeaderFields())
			want, err2 := json.Marshal(r.Headers())
			if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
				t.Errorf("HeaderFields encode as %s (%v), Headers as %s (%v)", got, err1, want, err2)
			}
		})
	}
}
