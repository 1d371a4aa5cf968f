package ecslive

import (
	"context"
	"fmt"
	"strconv"

	"sgref/shared/inventory"
)

// interfacePageSize is DescribeNetworkInterfaces' largest page.
const interfacePageSize = 500

// countInterfaces sets each group's NetworkInterfaceCount: how many of the region's
// network interfaces it is attached to, managed services' interfaces included (two passes,
// ServiceManaged false then true, so that neither depends on what ECS returns by default).
// A group no interface names gets 0: the read covered the whole region.
func (s *Source) countInterfaces(ctx context.Context, c *conn, region string, groups []inventory.Group) error {
	counts := map[string]int{}
	for _, managed := range []string{"false", "true"} {
		if err := s.interfaces(ctx, c, region, managed, counts); err != nil {
			return err
		}
	}
	for i := range groups {
		n := counts[groups[i].SecurityGroupId]
		groups[i].NetworkInterfaceCount = &n
	}
	return nil
}

// interfaces pages through DescribeNetworkInterfaces of one region and counts, per group,
// the interfaces attached to it.
func (s *Source) interfaces(ctx context.Context, c *conn, region, managed string, counts map[string]int) error {
	token := ""
	for page := 0; ; page++ {
		params := map[string]string{"RegionId": region, "MaxResults": strconv.Itoa(interfacePageSize), "ServiceManaged": managed}
		if token != "" {
			params["NextToken"] = token
		}
		var out struct {
			NextToken            string
			NetworkInterfaceSets struct {
				NetworkInterfaceSet []struct {
					SecurityGroupIds struct{ SecurityGroupId []string }
				}
			}
		}
		if err := s.call(ctx, c, "Ecs", "", "2014-05-26", "DescribeNetworkInterfaces", region, params, &out); err != nil {
			return err
		}
		for _, n := range out.NetworkInterfaceSets.NetworkInterfaceSet {
			for _, id := range n.SecurityGroupIds.SecurityGroupId {
				counts[id]++
			}
		}
		if out.NextToken == "" {
			return nil
		}
		if out.NextToken == token || page > 10_000_000/interfacePageSize {
			return fmt.Errorf("ecs: DescribeNetworkInterfaces in %s: the NextToken does not advance", region)
		}
		token = out.NextToken
	}
}
