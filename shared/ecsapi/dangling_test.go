package ecsapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

const dangling = "Action=DescribeDanglingSecurityGroupReferences&RegionId="

func TestDanglingGolden(t *testing.T) {
	h := MustSampleHandler(t)
	for name, q := range map[string]string{
		"dangling.json":         dangling + "cn-hangzhou&Format=JSON",
		"dangling.xml":          dangling + "cn-hangzhou",
		"dangling-ids.json":     dangling + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-partner03&SecurityGroupId.2=sg-classic01&SecurityGroupId.3=sg-legacy001",
		"dangling-empty.json":   dangling + "eu-west-1&Format=JSON",
		"dangling-empty.xml":    dangling + "cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		"dangling-notfound.xml": dangling + "cn-shanghai&SecurityGroupId.1=sg-1133aa",
	} {
		checkEnvelope(t, h, name, q, ecsapi.ActionDangling)
	}
}

type danglingResult struct {
	RequestId          string
	NextToken          string
	DanglingReferences struct{ DanglingReference []scan.Reference }
}

func decodeDangling(t *testing.T, resp *ecsapi.Response) danglingResult {
	t.Helper()
	if resp.Status != 200 {
		t.Fatalf("Status=%d body %s", resp.Status, resp.Body)
	}
	var r danglingResult
	dec := json.NewDecoder(strings.NewReader(string(resp.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDanglingMatchesScan: the action answers, region by region, what the scan reports.
func TestDanglingMatchesScan(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	ix := refs.Build(inv)
	h := ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{})
	for _, region := range ix.Regions() {
		var want []scan.Reference
		for r := range scan.Run(ix, scan.Request{Regions: []string{region}}, scan.Options{}).DanglingReferences() {
			want = append(want, r)
		}
		got := decodeDangling(t, get(h, dangling+region+"&Format=JSON")).DanglingReferences.DanglingReference
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: action answers %+v, scan reports %+v", region, got, want)
		}
	}
}

func TestDanglingMalformed(t *testing.T) {
	h := MustSampleHandler(t)
	const act = dangling + "cn-hangzhou&Format=JSON&"
	for name, tc := range map[string]struct {
		query  string
		status int
		code   string
	}{
		"no region":                {"Action=DescribeDanglingSecurityGroupReferences&Format=JSON", 400, "MissingParameter"},
		"empty region":             {dangling + "&Format=JSON", 400, "MissingParameter"},
		"unknown region":           {dangling + "mars-1&Format=JSON", 404, "InvalidRegionId.NotFound"},
		"bad version":              {act + "Version=2016-01-01", 400, "InvalidParameter"},
		"index 0":                  {act + "SecurityGroupId.0=sg-monitor01", 400, "InvalidSecurityGroupId.Malformed"},
		"index 11":                 {act + "SecurityGroupId.11=sg-monitor01", 400, "InvalidSecurityGroupId.Malformed"},
		"index 01":                 {act + "SecurityGroupId.01=sg-monitor01", 400, "InvalidSecurityGroupId.Malformed"},
		"empty id":                 {act + "SecurityGroupId.1=", 400, "InvalidSecurityGroupId.Malformed"},
		"long id":                  {act + "SecurityGroupId.1=sg-" + strings.Repeat("a", 126), 400, "InvalidSecurityGroupId.Malformed"},
		"unknown group":            {act + "SecurityGroupId.1=sg-monitor01&SecurityGroupId.2=sg-nope", 404, "InvalidSecurityGroupId.NotFound"},
		"group of another region":  {dangling + "cn-shanghai&Format=JSON&SecurityGroupId.1=sg-monitor01", 404, "InvalidSecurityGroupId.NotFound"},
		"group of an empty region": {dangling + "eu-west-1&Format=JSON&SecurityGroupId.1=sg-monitor01", 404, "InvalidSecurityGroupId.NotFound"},
		"garbage token":            {act + "NextToken=garbage", 400, "InvalidParameter"},
		"token past the end":       {act + "NextToken=" + token(t, 100), 400, "InvalidParameter"},
		"region before ids":        {"Action=DescribeDanglingSecurityGroupReferences&Format=JSON&SecurityGroupId.11=x", 400, "MissingParameter"},
		"ids before groups":        {act + "SecurityGroupId.1=sg-nope&SecurityGroupId.12=x", 400, "InvalidSecurityGroupId.Malformed"},
		"groups before token":      {act + "SecurityGroupId.1=sg-nope&NextToken=garbage", 404, "InvalidSecurityGroupId.NotFound"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := get(h, tc.query)
			var e struct{ RequestId, HostId, Code, Message, Recommend string }
			if err := json.Unmarshal(resp.Body, &e); err != nil {
				t.Fatalf("body %q is not JSON: %v", resp.Body, err)
			}
			if resp.Status != tc.status || e.Code != tc.code || resp.Code != tc.code {
				t.Errorf("Status=%d Code=%q, want %d %q (body %s)", resp.Status, e.Code, tc.status, tc.code, resp.Body)
			}
			if e.RequestId != fixedID || e.Message == "" {
				t.Errorf("envelope %+v lacks RequestId or Message", e)
			}
		})
	}
}

// token returns a genuine NextToken for offset of the unscoped cn-hangzhou request, taken
// from a region with more than offset dangling references.
func token(t *testing.T, offset int) string {
	t.Helper()
	h := spread(offset+50, 0)
	r := decodeDangling(t, get(h, dangling+"cn-hangzhou&Format=JSON"))
	for off := 100; off < offset; off += 100 {
		r = decodeDangling(t, get(h, dangling+"cn-hangzhou&Format=JSON&NextToken="+r.NextToken))
	}
	if r.NextToken == "" {
		t.Fatalf("no token at %d", offset)
	}
	return r.NextToken
}

func spread(a, b int) *ecsapi.Handler {
	return ecsapi.NewHandler(refs.Static(spreadIndex(a, b)), ecsapi.Options{RequestID: func() string { return fixedID }})
}

// spreadIndex builds a region where sg-a (account 123) holds a dangling references and
// sg-b (account 456) holds b, each group also holding an unverifiable and a resolved
// reference that must never show.
func spreadIndex(a, b int) *refs.Index {
	inv := &inventory.Inventory{}
	add := func(id, owner string, n int) {
		g := inventory.Group{RegionId: "cn-hangzhou", OwnerId: owner, SecurityGroupId: id}
		rules := []inventory.Permission{
			{SecurityGroupRuleId: "sgr-" + id + "-ext", Direction: "ingress", SourceGroupId: "sg-ext", SourceGroupOwnerId: "999"},
			{SecurityGroupRuleId: "sgr-" + id + "-ok", Direction: "egress", DestGroupId: "sg-c"},
		}
		for i := range n {
			rules = append(rules, inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-%s-%04d", id, i), Direction: "egress", DestGroupId: fmt.Sprintf("sg-gone%04d", i)})
		}
		g.Permissions.Permission = rules
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	add("sg-b", "456", b)
	add("sg-a", "123", a)
	add("sg-c", "123", 0)
	return refs.Build(inv)
}

func TestDanglingPaging(t *testing.T) {
	h := spread(150, 80)
	for name, tc := range map[string]struct {
		ids   string
		shape string
	}{
		"whole region": {"", "[sg-a:100 sg-a:50,sg-b:50 sg-b:30]"},
		"one group":    {"&SecurityGroupId.1=sg-b", "[sg-b:80]"},
		"groups by ID": {"&SecurityGroupId.1=sg-b&SecurityGroupId.2=sg-a", "[sg-a:100 sg-a:50,sg-b:50 sg-b:30]"},
		"no dangling":  {"&SecurityGroupId.1=sg-c", "[]"}, // one empty page
	} {
		t.Run(name, func(t *testing.T) {
			base := dangling + "cn-hangzhou&Format=JSON" + tc.ids
			var shape []string
			var rules []string
			tok := ""
			for page := 0; page < 10; page++ {
				q := base
				if tok != "" {
					q += "&NextToken=" + tok
				}
				r := decodeDangling(t, get(h, q))
				var s []string
				last, n := "", 0
				for _, ref := range r.DanglingReferences.DanglingReference {
					if ref.SecurityGroupId != last && n > 0 {
						s = append(s, fmt.Sprintf("%s:%d", last, n))
						n = 0
					}
					last = ref.SecurityGroupId
					n++
					rules = append(rules, ref.SecurityGroupRuleId)
				}
				if n > 0 {
					s = append(s, fmt.Sprintf("%s:%d", last, n))
				}
				shape = append(shape, strings.Join(s, ","))
				if tok = r.NextToken; tok == "" {
					break
				}
			}
			if got := fmt.Sprint(shape); got != tc.shape {
				t.Errorf("pages %s, want %s", got, tc.shape)
			}
			for i := 1; i < len(rules); i++ {
				if rules[i-1] >= rules[i] {
					t.Fatalf("rule %s comes after %s", rules[i], rules[i-1])
				}
			}
		})
	}
	// A token is only good for the request it came from.
	first := decodeDangling(t, get(h, dangling+"cn-hangzhou&Format=JSON"))
	for name, q := range map[string]string{
		"other ids":    dangling + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-a&NextToken=" + first.NextToken,
		"other action": "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-c&NextToken=" + first.NextToken,
		"tampered":     dangling + "cn-hangzhou&Format=JSON&NextToken=" + first.NextToken[:len(first.NextToken)-1] + "A",
	} {
		if resp := get(h, q); resp.Status != 400 || !strings.Contains(string(resp.Body), `"NextToken\" is not valid`) {
			t.Errorf("%s: Status=%d %s, want 400 NextToken not valid", name, resp.Status, resp.Body)
		}
	}
	// Exactly 100 records and nothing after: no token.
	if r := decodeDangling(t, get(spread(100, 0), dangling+"cn-hangzhou&Format=JSON")); r.NextToken != "" || len(r.DanglingReferences.DanglingReference) != 100 {
		t.Errorf("exactly 100 records: %d records, NextToken %q", len(r.DanglingReferences.DanglingReference), r.NextToken)
	}
}

// callerAuth authenticates every request as one account.
type callerAuth string

func (a callerAuth) Authenticate(context.Context, *ecsapi.Request, ecsapi.Params) (ecsapi.Caller, error) {
	return ecsapi.Caller{AccountID: string(a)}, nil
}

func TestDanglingCallerScope(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	ix := refs.Build(inv)
	h := ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{Auth: callerAuth("456")})
	r := decodeDangling(t, get(h, dangling+"cn-hangzhou&Format=JSON"))
	var got []string
	for _, ref := range r.DanglingReferences.DanglingReference {
		got = append(got, ref.SecurityGroupId+"/"+ref.SecurityGroupRuleId)
	}
	// sg-partner03 (456) names sg-classic99 of account 123: the holder is the caller's.
	if want := []string{"sg-partner03/sgr-000039"}; !reflect.DeepEqual(got, want) {
		t.Errorf("caller 456 sees %v, want %v", got, want)
	}
	if resp := get(h, dangling+"cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-monitor01"); resp.Status != 404 || resp.Code != ecsapi.CodeGroupIDNotFound {
		t.Errorf("another account's group: Status=%d %s, want 404 %s", resp.Status, resp.Body, ecsapi.CodeGroupIDNotFound)
	}
	// A token is bound to its caller.
	six := spreadIndex(150, 0)
	tok := decodeDangling(t, get(ecsapi.NewHandler(refs.Static(six), ecsapi.Options{}), dangling+"cn-hangzhou&Format=JSON")).NextToken
	h123 := ecsapi.NewHandler(refs.Static(six), ecsapi.Options{Auth: callerAuth("123")})
	if resp := get(h123, dangling+"cn-hangzhou&Format=JSON&NextToken="+tok); resp.Status != 400 {
		t.Errorf("another caller's token: Status=%d %s, want 400", resp.Status, resp.Body)
	}
	if r := decodeDangling(t, get(h123, dangling+"cn-hangzhou&Format=JSON")); len(r.DanglingReferences.DanglingReference) != 100 || r.NextToken == "" {
		t.Errorf("caller 123 over its own 150: %d records, NextToken %q", len(r.DanglingReferences.DanglingReference), r.NextToken)
	}
}

func FuzzDangling(f *testing.F) {
	f.Add("cn-hangzhou", "SecurityGroupId.1=sg-legacy001&Format=JSON")
	f.Add("eu-west-1", "NextToken=AQ")
	f.Add("", "SecurityGroupId.10=%zz")
	h := MustSampleHandler(f)
	f.Fuzz(func(t *testing.T, region, rest string) {
		resp := get(h, dangling+region+"&"+rest)
		if resp.Status != 200 && (resp.Status < 400 || resp.Status > 499) {
			t.Fatalf("Status=%d for %q %q: want 200 or 4xx", resp.Status, region, rest)
		}
		if len(resp.Body) == 0 || resp.RequestID == "" {
			t.Fatal("empty body or request ID")
		}
	})
}
