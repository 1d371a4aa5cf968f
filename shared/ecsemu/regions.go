package ecsemu

import (
	"context"
	"encoding/xml"
	"slices"

	"sgref/shared/ecsapi"
)

type regionItem struct {
	RegionId       string
	LocalName      string
	RegionEndpoint string
	Status         string
}

type regionsResponse struct {
	XMLName   xml.Name `json:"-" xml:"DescribeRegionsResponse"`
	RequestId string
	Regions   struct{ Region []regionItem }
}

// describeRegions emulates DescribeRegions: the public regions and the inventory's.
func (e *Emulator) describeRegions(_ context.Context, c *ecsapi.Call) (any, error) {
	ids := ecsapi.PublicRegions()
	for id := range e.byAccount[e.account(c)] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	resp := &regionsResponse{RequestId: c.RequestID()}
	for _, id := range ids {
		resp.Regions.Region = append(resp.Regions.Region, regionItem{RegionId: id, LocalName: id, RegionEndpoint: "ecs." + id + ".aliyuncs.com", Status: "available"})
	}
	return resp, nil
}
