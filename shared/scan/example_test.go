package scan_test

import (
	"fmt"
	"os"
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
		{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-app", EcsCount: &zero, NetworkInterfaceCount: &zero, Permissions: inventory.Permissions{
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
		fmt.Println("unreferenced:", g.SecurityGroupId, "--", g.Reason)
	}
	// Output:
	// {ScannedRegions:1 ScannedGroups:1 DanglingReferences:1 UnverifiableReferences:0 UnreferencedGroups:1}
	// sg-app sgr-1 names sg-deleted
	// unreferenced: sg-app -- EcsCount 0, NetworkInterfaceCount 0, no rule of another group names it, not service-managed
}

// On a terminal the report reads as a summary: counts per region and account, then the
// first findings of each kind.
func ExampleReport_WriteSummary() {
	zero := 0
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-app", SecurityGroupName: "app", EcsCount: &zero, NetworkInterfaceCount: &zero, Permissions: inventory.Permissions{
			Permission: []inventory.Permission{{SecurityGroupRuleId: "sgr-1", Direction: inventory.Ingress, SourceGroupId: "sg-deleted",
				IpProtocol: "TCP", PortRange: "22/22", Policy: "Accept"}}}},
	}}
	rep := scan.Run(refs.Build(inv), scan.Request{}, scan.Options{NewID: func() string { return "scan-1" }})
	rep.WriteSummary(os.Stdout, 10)
	// Output:
	// scan scan-1: 1 groups in 1 regions scanned: 1 dangling, 0 unverifiable, 1 unreferenced
	//
	// REGION       ACCOUNT  DANGLING  UNVERIFIABLE  UNREFERENCED
	// cn-hangzhou  123      1         0             1
	//
	// dangling references (rules naming a group that is gone) (1):
	//   cn-hangzhou  sg-app  sgr-1  ingress sg-deleted  TCP 22/22
	//
	// unreferenced groups: deletion candidates (1):
	//   cn-hangzhou  123  sg-app  app
	//   (each: EcsCount 0, NetworkInterfaceCount 0, no rule of another group names it, not service-managed)
}
