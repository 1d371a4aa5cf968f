// Package inventory holds the security groups sgref answers about: the model, the
// ECS-shaped snapshot format, its loader and validation, the embedded sample, and the
// Source interface behind which every way of obtaining an inventory sits.
//
// A snapshot is one JSON document in the shape ECS itself returns, so that the output of
// DescribeSecurityGroups and DescribeSecurityGroupAttribute can be pasted together into one:
//
//	{"SecurityGroups":[{"RegionId":"cn-hangzhou","OwnerId":"123","SecurityGroupId":"sg-1",
//	  "Permissions":{"Permission":[{"Direction":"ingress","SourceGroupId":"sg-2"}]}}]}
//
// Loading is all or nothing: a snapshot that fails validation yields an error naming the
// group and rule at fault, never a partial inventory.
package inventory
