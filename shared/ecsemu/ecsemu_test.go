package ecsemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/internal/testkit"
)

// callerAuth authenticates every request as one account.
type callerAuth string

func (a callerAuth) Authenticate(context.Context, *ecsapi.Request, ecsapi.Params) (ecsapi.Caller, error) {
	return ecsapi.Caller{AccountID: string(a)}, nil
}

// emulator serves the sample's emulated actions as account 123, to callers signed as
// account as ("": unauthenticated).
func emulator(tb testing.TB, as string) *ecsapi.Handler {
	tb.Helper()
	opts := ecsapi.Options{Actions: ecsemu.New(ecsemu.Options{Inventory: testkit.Sample(tb), Account: "123"}).Actions()}
	if as != "" {
		opts.Auth = callerAuth(as)
	}
	return testkit.SampleAPI(tb, opts)
}

func serve(h *ecsapi.Handler, q string) (int, map[string]any) {
	resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: "Format=JSON&" + q})
	var m map[string]any
	json.Unmarshal(resp.Body, &m)
	return resp.Status, m
}

// TestEmulationAnswersForTheCaller: with authentication, the emulated ECS answers each
// caller for its own account, as ECS answers each credential.
func TestEmulationAnswersForTheCaller(t *testing.T) {
	for account, want := range map[string]struct {
		groups int
		ruleOf string
	}{"123": {15, "sg-1133aa"}, "456": {3, "sg-partner01"}} {
		h := emulator(t, account)
		if _, m := serve(h, "Action=DescribeSecurityGroups&RegionId=cn-hangzhou"); m["TotalCount"] != float64(want.groups) {
			t.Errorf("account %s: TotalCount %v, want %d", account, m["TotalCount"], want.groups)
		}
		if _, m := serve(h, "Action=GetCallerIdentity&Version=2015-04-01"); m["AccountId"] != account {
			t.Errorf("account %s: GetCallerIdentity %v", account, m)
		}
		if st, _ := serve(h, "Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId="+want.ruleOf); st != 200 {
			t.Errorf("account %s: its own group's rules: %d", account, st)
		}
		other := "sg-partner01"
		if account == "456" {
			other = "sg-1133aa"
		}
		if st, m := serve(h, "Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId="+other); st != 404 || m["Code"] != "InvalidSecurityGroupId.NotFound" {
			t.Errorf("account %s: another account's group: %d %v", account, st, m)
		}
	}
}

// TestTokenFitsItsRequest: a NextToken continues only the request that issued it, as the
// same caller. Every token points at offset 1, which each replay's records reach, so only
// the token's fingerprint can refuse it.
func TestTokenFitsItsRequest(t *testing.T) {
	const (
		groups = "Action=DescribeSecurityGroups&RegionId=cn-hangzhou&MaxResults=1"
		rules  = "Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&MaxResults=1&SecurityGroupId="
	)
	for name, tc := range map[string]struct {
		first, replay string
		as, replayAs  string // callers; "" unauthenticated
		want          int
	}{
		"groups, same request":           {groups, groups, "", "", 200},
		"groups, same caller":            {groups, groups, "456", "456", 200},
		"groups, SecurityGroupIds":       {groups, groups + `&SecurityGroupIds=["sg-1133aa","sg-db0001"]`, "", "", 400},
		"groups, SecurityGroupId":        {groups, groups + "&SecurityGroupId=sg-1133aa", "", "", 400},
		"groups, VpcId":                  {groups, groups + "&VpcId=vpc-bp1prod0001", "", "", 400},
		"groups, SecurityGroupType":      {groups, groups + "&SecurityGroupType=normal", "", "", 400},
		"groups, another caller":         {groups, groups, "123", "456", 400},
		"groups, signed after unsigned":  {groups, groups, "", "123", 400},
		"rules, same request":            {rules + "sg-db0001", rules + "sg-db0001", "", "", 200},
		"rules, another group":           {rules + "sg-db0001", rules + "sg-1133aa", "", "", 400},
		"rules, Direction":               {rules + "sg-db0001", rules + "sg-db0001&Direction=ingress", "", "", 400},
		"rules, another caller, same ID": {rules + "sg-db0001", rules + "sg-db0001", "", "123", 400},
	} {
		t.Run(name, func(t *testing.T) {
			st, m := serve(emulator(t, tc.as), tc.first)
			tok, _ := m["NextToken"].(string)
			if st != 200 || tok == "" {
				t.Fatalf("first page: %d %v, want 200 and a NextToken", st, m)
			}
			if st, m := serve(emulator(t, tc.replayAs), tc.replay+"&NextToken="+tok); st != tc.want {
				t.Errorf("replay: Status=%d %v, want %d", st, m, tc.want)
			}
		})
	}
}
