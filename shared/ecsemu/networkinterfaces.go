package ecsemu

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
)

// networkInterface is one emulated interface, in DescribeNetworkInterfaces' field names.
type networkInterface struct {
	NetworkInterfaceId string
	Type               string // Primary (an instance's) or Secondary
	InstanceId         string `json:",omitempty" xml:",omitempty"`
	Status             string
	VpcId              string
	ServiceManaged     bool
	SecurityGroupIds   struct{ SecurityGroupId []string }
}

type networkInterfacesResponse struct {
	XMLName              xml.Name `json:"-" xml:"DescribeNetworkInterfacesResponse"`
	RequestId            string
	TotalCount           int
	NextToken            string
	NetworkInterfaceSets struct{ NetworkInterfaceSet []networkInterface }
}

// interfacesOf returns the interfaces the inventory implies for one group: as many as its
// NetworkInterfaceCount, the first EcsCount of them instances' primary interfaces, the
// rest secondary interfaces of a managed service. A group whose count is unknown has none.
func interfacesOf(g *inventory.Group) []networkInterface {
	if g.NetworkInterfaceCount == nil {
		return nil
	}
	ecs := 0
	if g.EcsCount != nil {
		ecs = *g.EcsCount
	}
	out := make([]networkInterface, *g.NetworkInterfaceCount)
	for k := range out {
		n := &out[k]
		n.NetworkInterfaceId = fmt.Sprintf("eni-%s-%d", g.SecurityGroupId, k+1)
		n.Status, n.VpcId, n.Type = "InUse", g.VpcId, "Secondary"
		if k < ecs {
			n.Type, n.InstanceId = "Primary", fmt.Sprintf("i-%s-%d", g.SecurityGroupId, k+1)
		} else {
			n.ServiceManaged = true
		}
		n.SecurityGroupIds.SecurityGroupId = []string{g.SecurityGroupId}
	}
	return out
}

// describeNetworkInterfaces emulates DescribeNetworkInterfaces: the caller's interfaces of
// the region, filtered by SecurityGroupId and ServiceManaged (true: only managed
// services' interfaces; false: none of them; absent: all), MaxResults (10 to 500, ECS's
// clamp) a page with NextToken.
func (e *Emulator) describeNetworkInterfaces(_ context.Context, c *ecsapi.Call) (any, error) {
	regionID, err := c.RegionID()
	if err != nil {
		return nil, err
	}
	p := c.Params()
	sg, managed := p.Get("SecurityGroupId"), p.Get("ServiceManaged")
	if managed != "" && managed != "true" && managed != "false" {
		return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "ServiceManaged")
	}
	size := 10
	if v := p.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "MaxResults")
		}
		size = min(max(n, 10), 500)
	}
	account := e.account(c)
	var match []networkInterface
	for _, g := range e.byAccount[account][regionID] {
		if sg != "" && g.SecurityGroupId != sg {
			continue
		}
		for _, n := range interfacesOf(g) {
			if managed == "" || strconv.FormatBool(n.ServiceManaged) == managed {
				match = append(match, n)
			}
		}
	}
	pg, err := c.Pager(regionID, account, sg, managed)
	if err != nil {
		return nil, err
	}
	if pg.Start > len(match) {
		return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "NextToken")
	}
	resp := &networkInterfacesResponse{RequestId: c.RequestID(), TotalCount: len(match)}
	end := min(pg.Start+size, len(match))
	if end < len(match) {
		resp.NextToken = pg.Next(end)
	}
	resp.NetworkInterfaceSets.NetworkInterfaceSet = match[pg.Start:end:end]
	if resp.NetworkInterfaceSets.NetworkInterfaceSet == nil {
		resp.NetworkInterfaceSets.NetworkInterfaceSet = []networkInterface{}
	}
	return resp, nil
}
