package plan_test

import (
	"context"
	"os"

	"sgref/shared/inventory"
	"sgref/shared/plan"
	"sgref/shared/refs"
)

// The seed's group of the sample: two groups' rules name it, and two instances use it.
func ExampleMake() {
	inv, _ := inventory.Load(context.Background(), inventory.Sample{})
	r, _ := refs.Build(inv).Region("cn-hangzhou")
	seed, _ := r.Lookup("sg-1133aa")
	p := plan.Make(r, []int32{seed}, plan.Options{})
	p.WriteTable(os.Stdout)
	p.WriteAliyun(os.Stdout)
	// Output:
	// deletion plan for sg-1133aa in cn-hangzhou: BLOCKED, 3 steps
	//
	// STEP  ACTION               GROUP      OWNER  RULES                  WHY
	// 1     RevokeSecurityGroup  sg-2255cc  123    sgr-000003             names sg-1133aa, to be deleted
	// 2     RevokeSecurityGroup  sg-2255dd  123    sgr-000005,sgr-000006  names sg-1133aa, to be deleted
	// 3     DeleteSecurityGroup  sg-1133aa  123    -                      no remaining group names it
	//
	// BLOCKED    BY                 DETAIL
	// sg-1133aa  Instances          2 instances use sg-1133aa
	// sg-1133aa  NetworkInterfaces  2 network interfaces are attached to sg-1133aa
	// # BLOCKED: 2 blockers that no step removes; nothing below would delete every group
	// # blocker sg-1133aa Instances: 2 instances use sg-1133aa
	// # blocker sg-1133aa NetworkInterfaces: 2 network interfaces are attached to sg-1133aa
	// # aliyun ecs RevokeSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-2255cc --SecurityGroupRuleId.1 sgr-000003
	// # aliyun ecs RevokeSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-2255dd --SecurityGroupRuleId.1 sgr-000005 --SecurityGroupRuleId.2 sgr-000006
	// # aliyun ecs DeleteSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-1133aa
}
