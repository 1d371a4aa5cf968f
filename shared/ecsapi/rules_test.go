package ecsapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

const (
	rulesAct = "Action=DescribeSecurityGroupReferenceRules&RegionId="
	planAct  = "Action=DescribeSecurityGroupDeletionPlan&RegionId="
)

func TestRulesAndPlanGolden(t *testing.T) {
	h := MustSampleHandler(t)
	for name, q := range map[string]string{
		"rules.json":       rulesAct + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-1133aa",
		"rules.xml":        rulesAct + "cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		"rules-multi.json": rulesAct + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-db0001&SecurityGroupId.2=sg-unused01&SecurityGroupId.3=sg-classic01",
		"plan.json":        planAct + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-1133aa",
		"plan.xml":         planAct + "cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		"plan-cycle.json":  planAct + "cn-hangzhou&Format=JSON&SecurityGroupId.1=sg-db0001&SecurityGroupId.2=sg-db0002&SecurityGroupId.3=sg-2255cc",
	} {
		action := ecsapi.ActionRules
		if strings.HasPrefix(name, "plan") {
			action = ecsapi.ActionPlan
		}
		checkEnvelope(t, h, name, q, action)
	}
}

// TestRulesAndPlanErrors: the checks and errors of DescribeSecurityGroupReferences.
func TestRulesAndPlanErrors(t *testing.T) {
	h := MustSampleHandler(t)
	eleven := ""
	for i := 1; i <= 11; i++ {
		eleven += fmt.Sprintf("&SecurityGroupId.%d=sg-1133aa", i)
	}
	for _, act := range []string{rulesAct, planAct} {
		for name, tc := range map[string]struct {
			query  string
			status int
			code   string
		}{
			"no region":           {strings.TrimSuffix(act, "RegionId=") + "SecurityGroupId.1=sg-1133aa", 400, ecsapi.CodeMissingParameter},
			"unknown region":      {act + "xx-nowhere-1&SecurityGroupId.1=sg-1133aa", 404, ecsapi.CodeInvalidRegion},
			"no id":               {act + "cn-hangzhou", 400, ecsapi.CodeGroupIDMalformed},
			"11 ids":              {act + "cn-hangzhou" + eleven, 400, ecsapi.CodeGroupIDMalformed},
			"unknown group":       {act + "cn-hangzhou&SecurityGroupId.1=sg-nope", 404, ecsapi.CodeGroupIDNotFound},
			"group of elsewhere":  {act + "cn-shanghai&SecurityGroupId.1=sg-1133aa", 404, ecsapi.CodeGroupIDNotFound},
			"garbage token":       {act + "cn-hangzhou&SecurityGroupId.1=sg-1133aa&NextToken=garbage", 400, ecsapi.CodeInvalidParameter},
			"10 ids (duplicates)": {act + "cn-hangzhou" + strings.Replace(eleven, "&SecurityGroupId.11=sg-1133aa", "", 1), 200, ""},
		} {
			resp := get(h, q(tc.query))
			if resp.Status != tc.status || resp.Code != tc.code {
				t.Errorf("%s %s: Status=%d Code=%q, want %d %q (%s)", act, name, resp.Status, resp.Code, tc.status, tc.code, resp.Body)
			}
		}
	}
}

func q(s string) string { return s + "&Format=JSON" }

type rulesResult struct {
	RequestId                   string
	NextToken                   string
	SecurityGroupReferenceRules struct {
		SecurityGroupReferenceRule []struct {
			SecurityGroupId  string
			ReferencingRules struct {
				ReferencingRule []struct {
					SecurityGroupId, AliUid, SecurityGroupRuleId       string
					RulePosition                                       int
					Direction, Policy, IpProtocol, PortRange, Priority string
					Description                                        string
				}
			}
		}
	}
}

func decodeRules(t *testing.T, resp *ecsapi.Response) rulesResult {
	t.Helper()
	if resp.Status != 200 {
		t.Fatalf("Status=%d body %s", resp.Status, resp.Body)
	}
	var r rulesResult
	dec := json.NewDecoder(strings.NewReader(string(resp.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRulesPaging: 250 rules naming one group and 30 another come in pages of 100, in
// order, the token bound to its request.
func TestRulesPaging(t *testing.T) {
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{{RegionId: "cn-hangzhou", OwnerId: "1", SecurityGroupId: "sg-a"}, {RegionId: "cn-hangzhou", OwnerId: "1", SecurityGroupId: "sg-b"}}}
	for i := range 50 {
		g := inventory.Group{RegionId: "cn-hangzhou", OwnerId: "1", SecurityGroupId: fmt.Sprintf("sg-h%03d", i)}
		for k := range 5 {
			g.Permissions.Permission = append(g.Permissions.Permission, inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-%03d-%d", i, k), Direction: "ingress", SourceGroupId: "sg-a"})
		}
		if i < 30 {
			g.Permissions.Permission = append(g.Permissions.Permission, inventory.Permission{Direction: "egress", DestGroupId: "sg-b"}) // no rule ID
		}
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	h := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{})
	base := q(rulesAct + "cn-hangzhou&SecurityGroupId.1=sg-a&SecurityGroupId.2=sg-b")
	var got []string
	tok, pages := "", 0
	for {
		qq := base
		if tok != "" {
			qq += "&NextToken=" + tok
		}
		r := decodeRules(t, get(h, qq))
		pages++
		n := 0
		for _, e := range r.SecurityGroupReferenceRules.SecurityGroupReferenceRule {
			for _, x := range e.ReferencingRules.ReferencingRule {
				got = append(got, fmt.Sprintf("%s<%s/%s#%d", e.SecurityGroupId, x.SecurityGroupId, x.SecurityGroupRuleId, x.RulePosition))
				n++
			}
		}
		if n > 100 {
			t.Fatalf("page %d: %d records", pages, n)
		}
		if tok = r.NextToken; tok == "" {
			break
		}
		if resp := get(h, q(rulesAct+"cn-hangzhou&SecurityGroupId.1=sg-a&NextToken="+tok)); resp.Status != 400 {
			t.Errorf("token replayed on another request: Status=%d", resp.Status)
		}
	}
	if pages != 3 || len(got) != 280 {
		t.Fatalf("%d pages, %d records, want 3 and 280", pages, len(got))
	}
	if got[0] != "sg-a<sg-h000/sgr-000-0#1" || got[249] != "sg-a<sg-h049/sgr-049-4#5" || got[250] != "sg-b<sg-h000/#6" {
		t.Errorf("order: %q %q %q", got[0], got[249], got[250])
	}
}

// TestRulesCallerScope: an authenticated caller sees the rules of other accounts' groups
// as it sees those groups: group, account, direction.
func TestRulesCallerScope(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	h := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Auth: callerAuth("123")})
	r := decodeRules(t, get(h, q(rulesAct+"cn-hangzhou&SecurityGroupId.1=sg-classic01")))
	for _, x := range r.SecurityGroupReferenceRules.SecurityGroupReferenceRule[0].ReferencingRules.ReferencingRule {
		if x.AliUid != "123" && (x.SecurityGroupRuleId != "" || x.PortRange != "" || x.Direction == "") {
			t.Errorf("caller 123 sees the details of %+v", x)
		}
	}
	// The plan over sg-classic01: account 456's rules are blockers, never steps.
	resp := get(h, q(planAct+"cn-hangzhou&SecurityGroupId.1=sg-classic01"))
	body := string(resp.Body)
	if resp.Status != 200 || !strings.Contains(body, `"Blocked":true`) || !strings.Contains(body, `"Kind":"OtherAccountRule"`) || strings.Contains(body, `"SecurityGroupId":"sg-partner01","AliUid"`) {
		t.Errorf("plan for caller 123: %s", body)
	}
}

func FuzzRulesAndPlan(f *testing.F) {
	f.Add(true, "cn-hangzhou", "SecurityGroupId.1=sg-1133aa&Format=JSON")
	f.Add(false, "cn-hangzhou", "SecurityGroupId.1=sg-db0001&SecurityGroupId.2=sg-db0002")
	f.Add(true, "eu-west-1", "NextToken=AQ")
	h := MustSampleHandler(f)
	f.Fuzz(func(t *testing.T, rules bool, region, rest string) {
		act := planAct
		if rules {
			act = rulesAct
		}
		resp := get(h, act+region+"&"+rest)
		if resp.Status != 200 && (resp.Status < 400 || resp.Status > 499) {
			t.Fatalf("Status=%d for %q %q: want 200 or 4xx", resp.Status, region, rest)
		}
	})
}
