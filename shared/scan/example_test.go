package scan_test

import (
	"fmt"
	"time"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

// A scan reads the index alone: rules that name a group the inventory lacks, in an
// account it covers, are dangling; groups no rule names and no instance uses are
// unreferenced.
func ExampleRun() {
	zero := 0
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-app", EcsCount: &zero, Permissions: inventory.Permissions{
			Permission: []inventory.Permission{{SecurityGroupRuleId: "sgr-1", Direction: inventory.Ingress, SourceGroupId: "sg-deleted",
				IpProtocol: "TCP", PortRange: "22/22", Policy: "Accept"}}}},
	}}
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rep := scan.Run(refs.Build(inv), scan.Request{}, scan.Options{Now: func() time.Time { return fixed }, NewID: func() string { return "scan-1" }})

	fmt.Printf("%+v\n", rep.Summary)
	for ref := range rep.DanglingReferences() {
		fmt.Println(ref.SecurityGroupId, ref.SecurityGroupRuleId, "names", ref.ReferencedGroupId)
	}
	for g := range rep.UnreferencedGroups() {
		fmt.Println("unreferenced:", g.SecurityGroupId)
	}
	// Output:
	// {ScannedRegions:1 ScannedGroups:1 DanglingReferences:1 UnverifiableReferences:0 UnreferencedGroups:1}
	// sg-app sgr-1 names sg-deleted
	// unreferenced: sg-app
}
