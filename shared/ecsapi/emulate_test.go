package ecsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// TestEmulationAnswersForTheCaller: with authentication, the emulated ECS answers each
// caller for its own account, as ECS answers each credential.
func TestEmulationAnswersForTheCaller(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	for account, want := range map[string]struct {
		groups int
		ruleOf string
	}{"123": {15, "sg-1133aa"}, "456": {3, "sg-partner01"}} {
		h := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Auth: callerAuth(account),
			Emulate: &ecsapi.Emulation{Inventory: inv, Account: "123"}})
		serve := func(q string) (int, map[string]any) {
			resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: "Format=JSON&" + q})
			var m map[string]any
			json.Unmarshal(resp.Body, &m)
			return resp.Status, m
		}
		if _, m := serve("Action=DescribeSecurityGroups&RegionId=cn-hangzhou"); m["TotalCount"] != float64(want.groups) {
			t.Errorf("account %s: TotalCount %v, want %d", account, m["TotalCount"], want.groups)
		}
		if _, m := serve("Action=GetCallerIdentity&Version=2015-04-01"); m["AccountId"] != account {
			t.Errorf("account %s: GetCallerIdentity %v", account, m)
		}
		if st, _ := serve("Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId=" + want.ruleOf); st != 200 {
			t.Errorf("account %s: its own group's rules: %d", account, st)
		}
		other := "sg-partner01"
		if account == "456" {
			other = "sg-1133aa"
		}
		if st, m := serve("Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId=" + other); st != 404 || m["Code"] != "InvalidSecurityGroupId.NotFound" {
			t.Errorf("account %s: another account's group: %d %v", account, st, m)
		}
	}
}
