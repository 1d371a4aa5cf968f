package refs_test

import (
	"fmt"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// An Index answers "who references this group?" per region: Lookup finds the group's
// position, Referrers the positions of the groups whose rules name it.
func ExampleIndex() {
	rule := func(dir, group string) inventory.Permission {
		p := inventory.Permission{Direction: dir, IpProtocol: "TCP", PortRange: "443/443", Policy: "Accept"}
		if dir == inventory.Ingress {
			p.SourceGroupId = group
		} else {
			p.DestGroupId = group
		}
		return p
	}
	group := func(id string, rules ...inventory.Permission) inventory.Group {
		return inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: id,
			Permissions: inventory.Permissions{Permission: rules}}
	}
	ix := refs.Build(&inventory.Inventory{SecurityGroups: []inventory.Group{
		group("sg-db"),
		group("sg-app", rule(inventory.Egress, "sg-db")),
		group("sg-batch", rule(inventory.Ingress, "sg-db"), rule(inventory.Egress, "sg-gone")),
	}})

	r, _ := ix.Region("cn-hangzhou")
	db, _ := r.Lookup("sg-db")
	for i := range r.Referrers(db).All() {
		fmt.Println("sg-db is referenced by", r.Group(i).ID)
	}
	for _, u := range r.Unresolved() {
		fmt.Println(r.Group(u.Holder).ID, "names", u.GroupID, "which the inventory does not hold")
	}
	// Output:
	// sg-db is referenced by sg-app
	// sg-db is referenced by sg-batch
	// sg-batch names sg-gone which the inventory does not hold
}
