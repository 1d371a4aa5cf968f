package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// hubInventory holds sg-hub, referenced by n groups of cn-hangzhou.
func hubInventory(n int) *inventory.Inventory {
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-hub"}}}
	for i := range n {
		inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123",
			SecurityGroupId: fmt.Sprintf("sg-ref%04d", i),
			Permissions: inventory.Permissions{Permission: []inventory.Permission{{Direction: inventory.Ingress, SourceGroupId: "sg-hub",
				IpProtocol: "TCP", PortRange: "22/22", Policy: "Accept"}}}})
	}
	return inv
}

// The SDKs' response models have no NextToken: a typed call gets the first page only.
// The README's remedy, the raw body and the generic call, is what this test runs.
func TestSDKsPageThroughNextToken(t *testing.T) {
	const n = 250
	api := ecsapi.NewHandler(refs.Static(refs.Build(hubInventory(n))), ecsapi.Options{Logger: testkit.Quiet})
	u := testkit.Serve(t, httpapi.Handler{API: api, Log: testkit.Quiet})

	t.Run("classic typed call", func(t *testing.T) {
		resp, err := describe(classicClient(t, u), u, "JSON", "cn-hangzhou", "sg-hub")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(flatten(resp)); got != 100 {
			t.Errorf("typed answer has %d records, want the first page of 100", got)
		}
	})

	t.Run("classic raw body", func(t *testing.T) {
		c := classicClient(t, u)
		seen, token := 0, ""
		for page := 0; ; page++ {
			req := ecs.CreateDescribeSecurityGroupReferencesRequest()
			req.Scheme, req.Domain, req.RegionId, req.AcceptFormat = "http", u.Host, "cn-hangzhou", "JSON"
			req.SecurityGroupId = &[]string{"sg-hub"}
			if token != "" {
				req.QueryParams["NextToken"] = token
			}
			resp, err := c.DescribeSecurityGroupReferences(req)
			if err != nil {
				t.Fatal(err)
			}
			var raw struct{ NextToken string }
			if err := json.Unmarshal(resp.GetHttpContentBytes(), &raw); err != nil {
				t.Fatal(err)
			}
			seen += len(flatten(resp))
			if token = raw.NextToken; token == "" || page > 10 {
				break
			}
		}
		if seen != n {
			t.Errorf("paged through %d records, want %d", seen, n)
		}
	})

	t.Run("v3 generic call", func(t *testing.T) {
		c := signedV3(t, u, "testid", "testsecret", "")
		params := &openapiutil.Params{Action: tea.String("DescribeSecurityGroupReferences"), Version: tea.String("2014-05-26"),
			Protocol: tea.String("HTTP"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
			Pathname: tea.String("/"), ReqBodyType: tea.String("formData"), BodyType: tea.String("json")}
		seen, token := 0, ""
		for page := 0; ; page++ {
			query := map[string]interface{}{"RegionId": "cn-hangzhou", "SecurityGroupId": []string{"sg-hub"}}
			if token != "" {
				query["NextToken"] = token
			}
			out, err := c.CallApi(params, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, &dara.RuntimeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(out["body"])
			var body struct {
				NextToken               string
				SecurityGroupReferences struct {
					SecurityGroupReference []struct {
						ReferencingSecurityGroups struct {
							ReferencingSecurityGroup []struct{ SecurityGroupId string }
						}
					}
				}
			}
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatal(err)
			}
			for _, e := range body.SecurityGroupReferences.SecurityGroupReference {
				seen += len(e.ReferencingSecurityGroups.ReferencingSecurityGroup)
			}
			if token = body.NextToken; token == "" || page > 10 {
				break
			}
		}
		if seen != n {
			t.Errorf("paged through %d records, want %d", seen, n)
		}
	})
}
