// Package ecsapi is the ECS wire contract of sgref: it turns a decoded HTTP request (the
// Request every adapter builds, whatever the platform) into the exact response ECS would
// give, JSON or XML, errors included. It parses and validates the RPC parameters, routes
// the action, looks the groups up in the reference index, pages the answer and renders the
// envelope. Besides DescribeSecurityGroupReferences it answers three sgref extensions:
// DescribeDanglingSecurityGroupReferences (the scan's dangling references of a region, on
// demand), DescribeSecurityGroupReferenceRules (the rules behind each reference) and
// DescribeSecurityGroupDeletionPlan (package plan: the steps that make a deletion succeed). Other actions join them through Options.Actions (FaultActions for tests of
// the deployed binaries, package ecsemu's emulated ECS for the local server); every paged
// action pages through Call.Pager. It imports no cloud SDK and knows no event type.
//
//	h := ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{})
//	resp := h.Serve(ctx, &ecsapi.Request{Method: "GET", Host: "127.0.0.1:9000",
//		RawQuery: "Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"})
package ecsapi
