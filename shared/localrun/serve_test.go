package localrun_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/localrun"
)

// TestPlatformHandler: a request through either platform's event and adapter gets the
// answer the plain net/http adapter gives, a binary body (sent on as base64) included.
func TestPlatformHandler(t *testing.T) {
	api := testkit.SampleAPI(t, ecsapi.Options{})
	direct := testkit.Serve(t, httpapi.Handler{API: api, Log: testkit.Quiet})
	const form = "application/x-www-form-urlencoded"
	requests := map[string]struct {
		method, query, ctype, body string
		status                     int
	}{
		"get":         {"GET", "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa", "", "", 200},
		"post form":   {"POST", "Format=JSON", form, "Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa", 200},
		"binary body": {"POST", "", form, "Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-\xff", 404},
		"no action":   {"GET", "RegionId=cn-hangzhou", "", "", 400},
	}
	for _, platform := range []string{"fc", "lambda"} {
		h, err := localrun.NewPlatformHandler(platform, api, testkit.Quiet)
		if err != nil {
			t.Fatal(err)
		}
		via := testkit.Serve(t, h)
		for name, r := range requests {
			t.Run(platform+"/"+name, func(t *testing.T) {
				want := do(t, direct, r.method, r.query, r.ctype, r.body)
				got := do(t, via, r.method, r.query, r.ctype, r.body)
				if want.status != r.status {
					t.Fatalf("the net/http adapter answered %d, want %d: the case tests nothing", want.status, r.status)
				}
				if got != want {
					t.Errorf("through %s: %+v\nwant %+v", platform, got, want)
				}
			})
		}
	}
	if _, err := localrun.NewPlatformHandler("gcp", api, testkit.Quiet); err == nil {
		t.Error("NewPlatformHandler took an unknown platform")
	}
}

type answer struct {
	status          int
	ctype, id, body string
}

func do(t *testing.T, base *url.URL, method, query, ctype, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, base.String()+"/?"+query, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "ecs.example" // echoed as HostId: the same for both servers
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("x-acs-request-id"), string(b)}
}
