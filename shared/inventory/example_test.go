package inventory_test

import (
	"fmt"
	"strings"

	"sgref/shared/inventory"
)

// Stream hands over one group at a time, checked, so that a consumer keeps only what it
// needs; an invalid document stops it with an error naming the group at fault.
func ExampleStream() {
	doc := `{"SecurityGroups":[
	  {"RegionId":"cn-hangzhou","OwnerId":"123","SecurityGroupId":"sg-web",
	   "Permissions":{"Permission":[{"Direction":"ingress","SourceGroupId":"sg-lb","IpProtocol":"TCP","PortRange":"80/80","Policy":"Accept"}]}},
	  {"RegionId":"cn-hangzhou","OwnerId":"123","SecurityGroupId":"sg-lb","Permissions":{"Permission":[]}}
	]}`
	err := inventory.Stream(strings.NewReader(doc), func(g *inventory.Group) error {
		fmt.Println(g.SecurityGroupId, len(g.Permissions.Permission), "rules")
		return nil
	})
	fmt.Println("err:", err)

	dup := `{"SecurityGroups":[{"RegionId":"cn-hangzhou","OwnerId":"1","SecurityGroupId":"sg-a","Permissions":{"Permission":[]}},
	                        {"RegionId":"cn-hangzhou","OwnerId":"1","SecurityGroupId":"sg-a","Permissions":{"Permission":[]}}]}`
	err = inventory.Stream(strings.NewReader(dup), func(*inventory.Group) error { return nil })
	fmt.Println("err:", err != nil)
	// Output:
	// sg-web 1 rules
	// sg-lb 0 rules
	// err: <nil>
	// err: true
}
