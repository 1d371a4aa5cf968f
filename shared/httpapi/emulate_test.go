package httpapi_test

import (
	"errors"
	"net/url"
	"regexp"
	"sgref/shared/internal/testkit"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/httpapi"
	"sgref/shared/refs"
)

// mustEmulator serves the sample with the emulated ECS read actions, as account 123.
func mustEmulator(tb testing.TB) *url.URL {
	tb.Helper()
	inv := testkit.Sample(tb)
	api := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Actions: ecsemu.New(ecsemu.Options{Inventory: inv}).Actions()})
	return testkit.Serve(tb, httpapi.Handler{API: api, Log: testkit.Quiet})
}

func point(r *requests.RpcRequest, u *url.URL) {
	r.Scheme, r.Domain = "http", u.Host
	r.SetReadTimeout(10 * time.Second)
}

// TestEmulatedReadActionsWithTheSDK checks the emulated actions' shapes by parsing them
// with the SDK's own typed responses.
func TestEmulatedReadActionsWithTheSDK(t *testing.T) {
	u := mustEmulator(t)
	c := classicClient(t, u)

	// DescribeSecurityGroups, page by page (PageNumber/PageSize): account 123's groups only.
	var ids []string
	for page := 1; page < 10; page++ {
		req := ecs.CreateDescribeSecurityGroupsRequest()
		point(req.RpcRequest, u)
		req.RegionId, req.PageNumber, req.PageSize = "cn-hangzhou", requests.NewInteger(page), requests.NewInteger(5)
		resp, err := c.DescribeSecurityGroups(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.TotalCount != 15 || resp.PageSize != 5 {
			t.Fatalf("TotalCount=%d PageSize=%d, want 15 and 5", resp.TotalCount, resp.PageSize)
		}
		for _, g := range resp.SecurityGroups.SecurityGroup {
			ids = append(ids, g.SecurityGroupId)
			switch g.SecurityGroupId {
			case "sg-1133aa":
				if g.EcsCount != 2 || g.VpcId != "vpc-bp1prod0001" || g.SecurityGroupType != "normal" || len(g.Tags.Tag) != 2 {
					t.Errorf("sg-1133aa = %+v", g)
				}
			case "sg-ack0001":
				if !g.ServiceManaged {
					t.Error("sg-ack0001 is service-managed")
				}
			case "sg-ent0001":
				if g.SecurityGroupType != "enterprise" {
					t.Error("sg-ent0001 is an enterprise group")
				}
			case "sg-partner01":
				t.Error("account 456's group listed for account 123")
			}
		}
		if len(resp.SecurityGroups.SecurityGroup) == 0 {
			break
		}
	}
	if len(ids) != 15 {
		t.Errorf("%d groups over all pages, want 15: %v", len(ids), ids)
	}

	// MaxResults/NextToken paging and the SecurityGroupIds filter.
	var tokenIDs []string
	token := ""
	for i := 0; i < 20; i++ {
		req := ecs.CreateDescribeSecurityGroupsRequest()
		point(req.RpcRequest, u)
		req.RegionId, req.MaxResults, req.NextToken = "cn-hangzhou", requests.NewInteger(4), token
		resp, err := c.DescribeSecurityGroups(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range resp.SecurityGroups.SecurityGroup {
			tokenIDs = append(tokenIDs, g.SecurityGroupId)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	if len(tokenIDs) != 15 {
		t.Errorf("%d groups by NextToken, want 15", len(tokenIDs))
	}
	req := ecs.CreateDescribeSecurityGroupsRequest()
	point(req.RpcRequest, u)
	req.RegionId, req.SecurityGroupIds = "cn-hangzhou", `["sg-1133aa","sg-2255cc","sg-nope"]`
	if resp, err := c.DescribeSecurityGroups(req); err != nil || resp.TotalCount != 2 {
		t.Errorf("SecurityGroupIds filter: %v, %v", resp, err)
	}

	// DescribeSecurityGroupAttribute: directions, paging.
	for dir, want := range map[string]int{"all": 4, "ingress": 3, "egress": 1} {
		req := ecs.CreateDescribeSecurityGroupAttributeRequest()
		point(req.RpcRequest, u)
		req.RegionId, req.SecurityGroupId, req.Direction = "cn-hangzhou", "sg-db0001", dir
		resp, err := c.DescribeSecurityGroupAttribute(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Permissions.Permission) != want || resp.SecurityGroupName != "orders-db" || resp.VpcId != "vpc-bp1prod0001" {
			t.Errorf("Direction=%s: %d rules %+v, want %d", dir, len(resp.Permissions.Permission), resp, want)
		}
	}
	var rules int
	token = ""
	for i := 0; i < 10; i++ {
		req := ecs.CreateDescribeSecurityGroupAttributeRequest()
		point(req.RpcRequest, u)
		req.RegionId, req.SecurityGroupId, req.MaxResults, req.NextToken = "cn-hangzhou", "sg-db0001", requests.NewInteger(3), token
		resp, err := c.DescribeSecurityGroupAttribute(req)
		if err != nil {
			t.Fatal(err)
		}
		rules += len(resp.Permissions.Permission)
		if token = resp.NextToken; token == "" {
			break
		}
	}
	if rules != 4 {
		t.Errorf("%d rules by NextToken, want 4", rules)
	}

	// DescribeRegions.
	rr := ecs.CreateDescribeRegionsRequest()
	point(rr.RpcRequest, u)
	regions, err := c.DescribeRegions(rr)
	if err != nil || len(regions.Regions.Region) < 20 {
		t.Errorf("DescribeRegions: %v, %v", regions, err)
	}

	// STS GetCallerIdentity, through the STS client.
	sc, err := sts.NewClientWithAccessKey("cn-hangzhou", "testid", "testsecret")
	if err != nil {
		t.Fatal(err)
	}
	sc.SetNoProxy(regexp.QuoteMeta(u.Host))
	sr := sts.CreateGetCallerIdentityRequest()
	point(sr.RpcRequest, u)
	who, err := sc.GetCallerIdentity(sr)
	if err != nil || who.AccountId != "123" || who.Arn != "acs:ram::123:root" {
		t.Errorf("GetCallerIdentity: %+v, %v", who, err)
	}
}

func TestEmulatedReadActionErrors(t *testing.T) {
	u := mustEmulator(t)
	c := classicClient(t, u)
	for name, tc := range map[string]struct {
		group, dir, region string
		status             int
		code               string
	}{
		"no group":       {"", "", "cn-hangzhou", 400, "MissingParameter"},
		"unknown group":  {"sg-nope", "", "cn-hangzhou", 404, "InvalidSecurityGroupId.NotFound"},
		"other region":   {"sg-1133aa", "", "cn-shanghai", 404, "InvalidSecurityGroupId.NotFound"},
		"other account":  {"sg-partner01", "", "cn-hangzhou", 404, "InvalidSecurityGroupId.NotFound"},
		"bad direction":  {"sg-1133aa", "inbound", "cn-hangzhou", 400, "InvalidParameter"},
		"unknown region": {"sg-1133aa", "", "mars-1", 404, "InvalidRegionId.NotFound"},
	} {
		t.Run(name, func(t *testing.T) {
			req := ecs.CreateDescribeSecurityGroupAttributeRequest()
			point(req.RpcRequest, u)
			req.RegionId, req.SecurityGroupId, req.Direction = tc.region, tc.group, tc.dir
			_, err := c.DescribeSecurityGroupAttribute(req)
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) || se.HttpStatus() != tc.status || se.ErrorCode() != tc.code {
				t.Errorf("err %v, want %d %s", err, tc.status, tc.code)
			}
		})
	}
}
