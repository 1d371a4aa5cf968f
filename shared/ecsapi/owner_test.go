package ecsapi_test

import (
	"context"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// TestOwnerIdScope: an authenticated caller may name only its own account as OwnerId or
// ResourceOwnerId; without authentication the parameters are only accepted.
func TestOwnerIdScope(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	ix := refs.Static(refs.Build(inv))
	scoped := ecsapi.NewHandler(ix, ecsapi.Options{Auth: callerAuth("123")})
	open := ecsapi.NewHandler(ix, ecsapi.Options{})
	for _, tc := range []struct {
		name   string
		h      *ecsapi.Handler
		extra  string
		status int
		code   string
	}{
		{"own OwnerId", scoped, "&OwnerId=123", 200, ""},
		{"own ResourceOwnerId", scoped, "&ResourceOwnerId=123&OwnerAccount=ECSforCloud@Alibaba.com", 200, ""},
		{"empty OwnerId", scoped, "&OwnerId=", 200, ""},
		{"another OwnerId", scoped, "&OwnerId=456", 403, ecsapi.CodeForbidden},
		{"another ResourceOwnerId", scoped, "&ResourceOwnerId=456", 403, ecsapi.CodeForbidden},
		{"another account's group", scoped, "&SecurityGroupId.2=sg-partner01", 404, ecsapi.CodeGroupIDNotFound},
		{"unscoped, any OwnerId", open, "&OwnerId=456&SecurityGroupId.2=sg-partner01", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := get(tc.h, seed+"&Format=JSON"+tc.extra)
			if resp.Status != tc.status || resp.Code != tc.code {
				t.Errorf("Status=%d Code=%q, want %d %q: %s", resp.Status, resp.Code, tc.status, tc.code, resp.Body)
			}
		})
	}
}

// TestRegionScope: a region outside ECS's list that holds only another account's groups
// is, to a scoped caller, a region that does not exist.
func TestRegionScope(t *testing.T) {
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "xx-private-1", OwnerId: "456", SecurityGroupId: "sg-p1"},
		{RegionId: "xx-shared-1", OwnerId: "456", SecurityGroupId: "sg-s1"},
		{RegionId: "xx-shared-1", OwnerId: "123", SecurityGroupId: "sg-s2"},
	}}
	ix := refs.Static(refs.Build(inv))
	scoped := ecsapi.NewHandler(ix, ecsapi.Options{Auth: callerAuth("123")})
	open := ecsapi.NewHandler(ix, ecsapi.Options{})
	q := func(region, id string) string {
		return "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=" + region + "&SecurityGroupId.1=" + id
	}
	for _, tc := range []struct {
		name  string
		h     *ecsapi.Handler
		query string
		code  string
	}{
		{"private region of another account", scoped, q("xx-private-1", "sg-p1"), ecsapi.CodeInvalidRegion},
		{"region that does not exist", scoped, q("xx-nowhere-1", "sg-p1"), ecsapi.CodeInvalidRegion},
		{"shared region, another account's group", scoped, q("xx-shared-1", "sg-s1"), ecsapi.CodeGroupIDNotFound},
		{"shared region, own group", scoped, q("xx-shared-1", "sg-s2"), ""},
		{"unscoped", open, q("xx-private-1", "sg-p1"), ""},
	} {
		if resp := get(tc.h, tc.query); resp.Code != tc.code {
			t.Errorf("%s: Status=%d Code=%q, want %q", tc.name, resp.Status, resp.Code, tc.code)
		}
	}
}
