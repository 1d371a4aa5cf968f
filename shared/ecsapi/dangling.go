package ecsapi

import (
	"context"
	"encoding/xml"
	"slices"

	"sgref/shared/refs"
	"sgref/shared/scan"
)

// ActionDangling is an sgref extension: the dangling references of one region on demand,
// what the scheduled scan reports (package scan defines them).
const ActionDangling = "DescribeDanglingSecurityGroupReferences"

// danglingResponse is the body of a DescribeDanglingSecurityGroupReferences answer.
type danglingResponse struct {
	XMLName            xml.Name `json:"-" xml:"DescribeDanglingSecurityGroupReferencesResponse"`
	RequestId          string
	DanglingReferences struct {
		DanglingReference []scan.Reference
	}
	NextToken string `json:",omitempty" xml:",omitempty"`
}

// describeDangling answers DescribeDanglingSecurityGroupReferences. RegionId is required
// and checked as DescribeSecurityGroupReferences checks it; SecurityGroupId.1 … .10,
// optional, keep the rules held by those groups (an ID the region does not hold, or the
// caller may not see, is InvalidSecurityGroupId.NotFound). An authenticated caller sees
// only the rules its own groups hold.
//
// The answer lists dangling references only, in the records of the scan report, ordered
// by holding group ID, then rule ID, 100 a page with NextToken. Unverifiable references
// are left out on purpose: they are not known to be wrong, and the scheduled report
// lists them apart.
func describeDangling(_ context.Context, c *Call) (any, error) {
	regionID, r, ids, holders, err := c.queriedGroups(false)
	if err != nil {
		return nil, err
	}
	slices.Sort(holders) // index order: by group ID
	pg, err := c.Pager(append([]string{regionID}, ids...)...)
	if err != nil {
		return nil, err
	}
	start := pg.Start
	// One pass: count every match, keep the page's records.
	n, list := 0, []scan.Reference{}
	if r != nil {
		c.eachDangling(r, holders, func(u *refs.Unresolved) {
			if n >= start && n < start+refs.PageSize {
				list = append(list, scan.ReferenceOf(r, u))
			}
			n++
		})
	}
	spans, more := refs.Paginate([]int{n}, start, refs.PageSize)
	if start > 0 && len(spans) == 0 {
		return nil, errNextToken()
	}
	resp := &danglingResponse{RequestId: c.requestID}
	resp.DanglingReferences.DanglingReference = list
	if more {
		resp.NextToken = pg.Next(start + refs.PageSize)
	}
	return resp, nil
}

// eachDangling calls fn with each dangling reference of region r the caller may see, held
// by the given groups (sorted positions) or, when there are none, by any group, in index
// order.
func (c *Call) eachDangling(r *refs.Region, holders []int32, fn func(*refs.Unresolved)) {
	each := func(us []refs.Unresolved) {
		for k := range us {
			u := &us[k]
			if g := r.Group(u.Holder); c.visible(g.OwnerID) && scan.Classify(c.index, g, u) == scan.Dangling {
				fn(u)
			}
		}
	}
	if len(holders) == 0 {
		each(r.Unresolved())
	}
	for _, h := range holders {
		each(r.UnresolvedOf(h))
	}
}
