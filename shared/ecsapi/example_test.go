package ecsapi_test

import (
	"context"
	"fmt"
	"net/http"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// A Handler is the whole API: an adapter hands it a Request as the client sent it and
// writes back the Response, an ECS envelope, errors included.
func ExampleHandler_Serve() {
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-db"},
		{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-app", Permissions: inventory.Permissions{
			Permission: []inventory.Permission{{Direction: inventory.Egress, DestGroupId: "sg-db", IpProtocol: "TCP", PortRange: "5432/5432", Policy: "Accept"}}}},
	}}
	h := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{RequestID: func() string { return "0A1B2C3D" }})

	for _, q := range []string{
		"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-db",
		"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-nope",
	} {
		resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Host: "127.0.0.1:9000", Header: http.Header{}, RawQuery: q})
		fmt.Println(resp.Status, string(resp.Body))
	}
	// Output:
	// 200 {"RequestId":"0A1B2C3D","SecurityGroupReferences":{"SecurityGroupReference":[{"SecurityGroupId":"sg-db","ReferencingSecurityGroups":{"ReferencingSecurityGroup":[{"SecurityGroupId":"sg-app","AliUid":"123"}]}}]}}
	// 404 {"RequestId":"0A1B2C3D","HostId":"127.0.0.1:9000","Code":"InvalidSecurityGroupId.NotFound","Message":"The SecurityGroupId provided does not exist in our records.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidSecurityGroupId.NotFound&product=Ecs&requestId=0A1B2C3D"}
}
