package ecsapi_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/internal/golden"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

const fixedID = testkit.FixedRequestID

// MustSampleHandler returns the API over the embedded sample with a fixed request ID.
func MustSampleHandler(tb testing.TB) *ecsapi.Handler { return testkit.SampleAPI(tb, ecsapi.Options{}) }

func get(h *ecsapi.Handler, query string) *ecsapi.Response {
	return h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Host: "ecs.aliyuncs.com", Header: http.Header{}, RawQuery: query})
}

const seed = "Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"

func TestEnvelopesGolden(t *testing.T) {
	h := MustSampleHandler(t)
	for name, q := range map[string]string{
		"seed.xml":            seed,
		"seed.json":           seed + "&Format=JSON",
		"multi.json":          "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.2=sg-db0001&SecurityGroupId.1=sg-unused01&SecurityGroupId.3=sg-2255cc",
		"empty-entry.xml":     "Action=DescribeSecurityGroupReferences&RegionId=cn-shanghai&SecurityGroupId.1=sg-sh-idle01",
		"error-notfound.json": "Action=DescribeSecurityGroupReferences&Format=json&RegionId=cn-hangzhou&SecurityGroupId.1=sg-nope",
		"error-notfound.xml":  "Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-nope",
		"error-format.xml":    seed + "&Format=yaml",
	} {
		checkEnvelope(t, h, name, q, "")
	}
}

func TestMalformedRequests(t *testing.T) {
	h := MustSampleHandler(t)
	const act = "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&"
	for name, tc := range map[string]struct {
		query  string
		status int
		code   string
		msg    string
	}{
		"no action":         {"Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa", 400, "MissingParameter", `The input parameter "Action" that is mandatory for processing this request is not supplied.`},
		"empty action":      {"Action=&Format=JSON", 400, "MissingParameter", `The input parameter "Action" that is mandatory for processing this request is not supplied.`},
		"unknown action":    {"Action=DeleteSecurityGroup&Format=JSON", 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."},
		"bad version":       {act + "Version=2016-01-01&SecurityGroupId.1=sg-1133aa", 400, "InvalidParameter", `The specified parameter "Action or Version" is not valid.`},
		"empty version":     {act + "Version=&SecurityGroupId.1=sg-1133aa", 400, "InvalidParameter", `The specified parameter "Action or Version" is not valid.`},
		"no region":         {"Action=DescribeSecurityGroupReferences&Format=JSON&SecurityGroupId.1=sg-1133aa", 400, "MissingParameter", `The input parameter "RegionId" that is mandatory for processing this request is not supplied.`},
		"unknown region":    {"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=mars-1&SecurityGroupId.1=sg-1133aa", 404, "InvalidRegionId.NotFound", "The RegionId provided does not exist in our records."},
		"no ids":            {act, 400, "InvalidSecurityGroupId.Malformed", "The specified parameter SecurityGroupId is essential and size should less than 10"},
		"index 0":           {act + "SecurityGroupId.0=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "The specified parameter SecurityGroupId is essential and size should less than 10"},
		"index 11":          {act + "SecurityGroupId.11=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "The specified parameter SecurityGroupId is essential and size should less than 10"},
		"index 01":          {act + "SecurityGroupId.01=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId.01: the index after SecurityGroupId. must be a number from 1 to 10."},
		"index word":        {act + "SecurityGroupId.one=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId.one: the index after SecurityGroupId. must be a number from 1 to 10."},
		"index negative":    {act + "SecurityGroupId.-1=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "The specified parameter SecurityGroupId is essential and size should less than 10"},
		"no index":          {act + "SecurityGroupId=sg-1133aa", 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId takes an index: SecurityGroupId.1 to SecurityGroupId.10."},
		"two problems":      {act + "SecurityGroupId.2=&SecurityGroupId.1=" + strings.Repeat("a", 129), 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId.1 is longer than 128 characters."},
		"empty id":          {act + "SecurityGroupId.1=", 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId.1 is empty."},
		"long id":           {act + "SecurityGroupId.1=sg-" + strings.Repeat("a", 126), 400, "InvalidSecurityGroupId.Malformed", "SecurityGroupId.1 is longer than 128 characters."},
		"id at max length":  {act + "SecurityGroupId.1=sg-" + strings.Repeat("a", 125), 404, "InvalidSecurityGroupId.NotFound", ""},
		"unknown group":     {act + "SecurityGroupId.1=sg-1133aa&SecurityGroupId.2=sg-nope", 404, "InvalidSecurityGroupId.NotFound", "The SecurityGroupId provided does not exist in our records."},
		"other region":      {"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-shanghai&SecurityGroupId.1=sg-1133aa", 404, "InvalidSecurityGroupId.NotFound", ""},
		"empty region":      {"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=eu-west-1&SecurityGroupId.1=sg-1133aa", 404, "InvalidSecurityGroupId.NotFound", ""},
		"bad format":        {seed + "&Format=yaml", 400, "InvalidParameter", `The specified parameter "Format" is not valid.`},
		"bad escape":        {seed + "&Format=JSON&x=%zz", 400, "InvalidParameter", ""},
		"bad escape in key": {seed + "&Format=JSON&%zz=1", 400, "InvalidParameter", ""},
		"garbage token":     {act + "SecurityGroupId.1=sg-1133aa&NextToken=garbage", 400, "InvalidParameter", `The specified parameter "NextToken" is not valid.`},
		"too many params":   {act + "SecurityGroupId.1=sg-1133aa" + strings.Repeat("&p=1", 1) + manyParams(100), 400, "InvalidParameter", ""},
		"too large":         {act + "SecurityGroupId.1=sg-1133aa&pad=" + strings.Repeat("a", ecsapi.MaxParamBytes), 400, "InvalidParameter", ""},
		// Checks run in ECS's order: Format before Action before Version before RegionId before IDs.
		"format before action":    {"Format=bad", 400, "InvalidParameter", `The specified parameter "Format" is not valid.`},
		"action before version":   {"Format=JSON&Version=1", 400, "MissingParameter", ""},
		"version before region":   {"Action=DescribeSecurityGroupReferences&Format=JSON&Version=1", 400, "InvalidParameter", `The specified parameter "Action or Version" is not valid.`},
		"region before ids":       {"Action=DescribeSecurityGroupReferences&Format=JSON&SecurityGroupId.11=x", 400, "MissingParameter", ""},
		"known region before ids": {"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=mars-1&SecurityGroupId.11=x", 404, "InvalidRegionId.NotFound", ""},
		"ids before groups":       {act + "SecurityGroupId.1=sg-nope&SecurityGroupId.12=x", 400, "InvalidSecurityGroupId.Malformed", ""},
		"groups before token":     {act + "SecurityGroupId.1=sg-nope&NextToken=garbage", 404, "InvalidSecurityGroupId.NotFound", ""},
	} {
		t.Run(name, func(t *testing.T) {
			resp := get(h, tc.query)
			var e struct{ RequestId, HostId, Code, Message, Recommend string }
			if strings.Contains(tc.query, "Format=JSON") || strings.Contains(tc.query, "Format=json") {
				if err := json.Unmarshal(resp.Body, &e); err != nil {
					t.Fatalf("body %q is not JSON: %v", resp.Body, err)
				}
			} else if err := xml.Unmarshal(resp.Body, &e); err != nil {
				t.Fatalf("body %q is not XML: %v", resp.Body, err)
			}
			if resp.Status != tc.status || e.Code != tc.code || resp.Code != tc.code {
				t.Errorf("Status=%d Code=%q, want %d %q (body %s)", resp.Status, e.Code, tc.status, tc.code, resp.Body)
			}
			if tc.msg != "" && e.Message != tc.msg {
				t.Errorf("Message=%q, want %q", e.Message, tc.msg)
			}
			if e.RequestId != fixedID || e.HostId == "" || e.Recommend == "" {
				t.Errorf("envelope %+v lacks RequestId, HostId or Recommend", e)
			}
		})
	}
}

func manyParams(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "&p%d=1", i)
	}
	return b.String()
}

type result struct {
	RequestId               string
	NextToken               string
	SecurityGroupReferences struct {
		SecurityGroupReference []struct {
			SecurityGroupId           string
			ReferencingSecurityGroups struct {
				ReferencingSecurityGroup []struct{ SecurityGroupId, AliUid string }
			}
		}
	}
}

func decode(t *testing.T, resp *ecsapi.Response) result {
	t.Helper()
	var r result
	if resp.Status != 200 {
		t.Fatalf("Status=%d body %s", resp.Status, resp.Body)
	}
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOrderAndDuplicates(t *testing.T) {
	h := MustSampleHandler(t)
	// The SDK sorts keys, so .10 comes before .2 on the wire: order must follow N.
	q := "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.10=sg-db0002&SecurityGroupId.1=sg-2255cc&SecurityGroupId.2=sg-1133aa&SecurityGroupId.3=sg-2255cc"
	r := decode(t, get(h, q))
	var got []string
	for _, e := range r.SecurityGroupReferences.SecurityGroupReference {
		got = append(got, e.SecurityGroupId)
	}
	if want := "[sg-2255cc sg-1133aa sg-db0002]"; fmt.Sprint(got) != want {
		t.Errorf("entries %v, want %s", got, want)
	}
}

func TestQueryBodyMergeAndHeaders(t *testing.T) {
	h := MustSampleHandler(t)
	ctx := context.Background()
	// The body's value wins over the query's.
	resp := h.Serve(ctx, &ecsapi.Request{Method: "POST", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=UTF-8"}},
		RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=mars-1&SecurityGroupId.1=sg-1133aa",
		Body:     []byte("RegionId=cn-hangzhou")})
	if r := decode(t, resp); len(r.SecurityGroupReferences.SecurityGroupReference) != 1 {
		t.Errorf("got %+v", r)
	}
	// A non-form body is not parsed.
	resp = h.Serve(ctx, &ecsapi.Request{Method: "POST", Header: http.Header{"Content-Type": {"application/json"}},
		RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou", Body: []byte("SecurityGroupId.1=sg-1133aa")})
	if resp.Code != "InvalidSecurityGroupId.Malformed" {
		t.Errorf("JSON body parsed as a form: %s", resp.Body)
	}
	// The v3 SDKs send the action and version in headers and ask for JSON with Accept.
	resp = h.Serve(ctx, &ecsapi.Request{Method: "POST", Header: http.Header{
		"X-Acs-Action": {"DescribeSecurityGroupReferences"}, "X-Acs-Version": {"2014-05-26"}, "Accept": {"application/json"}},
		RawQuery: "RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"})
	if r := decode(t, resp); len(r.SecurityGroupReferences.SecurityGroupReference[0].ReferencingSecurityGroups.ReferencingSecurityGroup) != 2 {
		t.Errorf("got %s", resp.Body)
	}
	resp = h.Serve(ctx, &ecsapi.Request{Header: http.Header{"X-Acs-Action": {"DescribeSecurityGroupReferences"}, "X-Acs-Version": {"2099-01-01"}, "Accept": {"application/json"}},
		RawQuery: "RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"})
	if resp.Code != "InvalidParameter" || resp.ContentType != ecsapi.ContentTypeJSON {
		t.Errorf("bad x-acs-version: %s %s", resp.ContentType, resp.Body)
	}
	// A Format parameter wins over Accept.
	resp = h.Serve(ctx, &ecsapi.Request{Header: http.Header{"Accept": {"application/json"}}, RawQuery: seed + "&Format=XML"})
	if resp.ContentType != ecsapi.ContentTypeXML {
		t.Errorf("Format=XML with Accept JSON answered %s", resp.ContentType)
	}
}

// hub serves an inventory where sg-hub is referenced by n groups and sg-small by 3, all
// of account 123.
func hub(n int) *ecsapi.Handler {
	return ecsapi.NewHandler(refs.Static(hubIndex(n)), ecsapi.Options{})
}

func hubIndex(n int) *refs.Index {
	inv := &inventory.Inventory{}
	add := func(id string, rules ...inventory.Permission) {
		inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: id,
			Permissions: inventory.Permissions{Permission: rules}})
	}
	add("sg-hub")
	add("sg-small")
	add("sg-none")
	for i := 0; i < n; i++ {
		rules := []inventory.Permission{{Direction: "ingress", SourceGroupId: "sg-hub"}}
		if i < 3 {
			rules = append(rules, inventory.Permission{Direction: "egress", DestGroupId: "sg-small"})
		}
		add(fmt.Sprintf("sg-spoke%04d", i), rules...)
	}
	return refs.Build(inv)
}

func TestPaging(t *testing.T) {
	h := hub(250)
	base := "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-small&SecurityGroupId.2=sg-hub&SecurityGroupId.3=sg-none"
	var pages []result
	tok := ""
	for len(pages) < 10 {
		q := base
		if tok != "" {
			q += "&NextToken=" + tok
		}
		r := decode(t, get(h, q))
		pages = append(pages, r)
		if tok = r.NextToken; tok == "" {
			break
		}
	}
	// 253 records: 100, 100, 53; sg-hub spans all three pages, sg-none comes last.
	var shape []string
	total := 0
	for _, p := range pages {
		var s []string
		for _, e := range p.SecurityGroupReferences.SecurityGroupReference {
			n := len(e.ReferencingSecurityGroups.ReferencingSecurityGroup)
			total += n
			s = append(s, fmt.Sprintf("%s:%d", e.SecurityGroupId, n))
		}
		shape = append(shape, strings.Join(s, ","))
	}
	if want := "[sg-small:3,sg-hub:97 sg-hub:100 sg-hub:53,sg-none:0]"; fmt.Sprint(shape) != want || total != 253 {
		t.Errorf("pages %v (%d records), want %s", shape, total, want)
	}
	// A token that does not fit the request is refused.
	first := decode(t, get(h, base))
	for name, q := range map[string]string{
		"other ids":   "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-hub&NextToken=" + first.NextToken,
		"other order": "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-hub&SecurityGroupId.2=sg-small&SecurityGroupId.3=sg-none&NextToken=" + first.NextToken,
		"tampered":    base + "&NextToken=" + first.NextToken[:len(first.NextToken)-1] + "A",
		"not base64":  base + "&NextToken=%21%21",
		"huge":        base + "&NextToken=" + strings.Repeat("A", 100),
	} {
		if resp := get(h, q); resp.Status != 400 || !strings.Contains(string(resp.Body), `"NextToken\" is not valid`) {
			t.Errorf("%s: Status=%d %s, want 400 NextToken not valid", name, resp.Status, resp.Body)
		}
	}
	// A token is bound to its caller: an unsigned request's token does not continue for
	// account 123, which sees the same groups; 123's own token does.
	h123 := ecsapi.NewHandler(refs.Static(hubIndex(250)), ecsapi.Options{Auth: callerAuth("123")})
	if resp := get(h123, base+"&NextToken="+first.NextToken); resp.Status != 400 {
		t.Errorf("another caller's token: Status=%d %.200s, want 400", resp.Status, resp.Body)
	}
	if own := decode(t, get(h123, base)); decode(t, get(h123, base+"&NextToken="+own.NextToken)).NextToken == "" {
		t.Errorf("caller 123's own token: no second page with a NextToken")
	}
	// Exactly 100 records and nothing after: no token.
	r := decode(t, get(hub(100), "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-hub"))
	if r.NextToken != "" {
		t.Errorf("exactly 100 records carried a NextToken")
	}
}

type failingProvider struct{ err error }

func (f failingProvider) Current(context.Context) (*refs.Index, error) { return nil, f.err }

func TestInternalAndUnavailable(t *testing.T) {
	var logged strings.Builder
	h := ecsapi.NewHandler(failingProvider{errors.New("disk on fire: secret detail")}, ecsapi.Options{Logger: newLogger(&logged)})
	resp := get(h, seed+"&Format=JSON")
	if resp.Status != 500 || resp.Code != "InternalError" || strings.Contains(string(resp.Body), "secret detail") {
		t.Errorf("Status=%d %s: want 500 InternalError without the cause", resp.Status, resp.Body)
	}
	if !strings.Contains(logged.String(), "secret detail") || !strings.Contains(logged.String(), resp.RequestID) {
		t.Errorf("the cause and the request ID were not logged: %q", logged.String())
	}
	h = ecsapi.NewHandler(failingProvider{ecsapi.Errorf(ecsapi.CodeServiceUnavailable)}, ecsapi.Options{})
	if resp := get(h, seed+"&Format=JSON"); resp.Status != 503 || resp.Code != "ServiceUnavailable" {
		t.Errorf("Status=%d %s, want 503 ServiceUnavailable", resp.Status, resp.Body)
	}
}

func FuzzServe(f *testing.F) {
	f.Add(seed, "", "")
	f.Add(seed+"&Format=JSON&NextToken=AQ", "RegionId=cn-shanghai", "application/x-www-form-urlencoded")
	f.Add("Action=DescribeSecurityGroupReferences&SecurityGroupId.1=%zz", "a=%", "")
	h := MustSampleHandler(f)
	f.Fuzz(func(t *testing.T, query, body, ctype string) {
		resp := h.Serve(context.Background(), &ecsapi.Request{Method: "POST", Header: http.Header{"Content-Type": {ctype}}, RawQuery: query, Body: []byte(body)})
		if resp.Status != 200 && (resp.Status < 400 || resp.Status > 499) {
			t.Fatalf("Status=%d for %q %q: want 200 or 4xx", resp.Status, query, body)
		}
		if len(resp.Body) == 0 || resp.RequestID == "" {
			t.Fatal("empty body or request ID")
		}
	})
}

func FuzzParseParams(f *testing.F) {
	f.Add("a=1&b=2&a=3", "b=4")
	f.Add("%41=%4", "")
	f.Add("&&=&x", "y=+%20")
	f.Fuzz(func(t *testing.T, query, body string) {
		p, err := ecsapi.ParseParams(query, []byte(body), "")
		if err != nil {
			if err.Status != 400 || err.Code != ecsapi.CodeInvalidParameter {
				t.Fatalf("error %v, want 400 InvalidParameter", err)
			}
			return
		}
		if p.Len() > ecsapi.MaxParams {
			t.Fatalf("%d params, over the limit", p.Len())
		}
	})
}

// checkEnvelope serves q and compares the body with testdata/<name>.golden; the content
// type follows the name's extension, the request ID is the fixed one, and the action, when
// given, is the one served.
func checkEnvelope(t *testing.T, h *ecsapi.Handler, name, q, action string) {
	t.Run(name, func(t *testing.T) {
		resp := get(h, q)
		golden.Check(t, name, resp.Body)
		wantType := ecsapi.ContentTypeXML
		if strings.HasSuffix(name, ".json") {
			wantType = ecsapi.ContentTypeJSON
		}
		if resp.ContentType != wantType || resp.RequestID != fixedID || action != "" && resp.Action != action {
			t.Errorf("ContentType=%q RequestID=%q Action=%q, want %q %q %q", resp.ContentType, resp.RequestID, resp.Action, wantType, fixedID, action)
		}
	})
}
