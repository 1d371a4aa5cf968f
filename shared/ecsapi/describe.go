package ecsapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"sgref/shared/refs"
)

// Limits of DescribeSecurityGroupReferences.
const (
	maxGroupIDs   = 10
	maxGroupIDLen = 128
)

// region checks RegionId: given, and a region ECS has or the inventory covers for the
// caller (a region only other accounts' groups are in is unknown to it, so that its answer
// does not reveal them). The region's index is nil when the inventory has no group there.
func (c *Call) region() (string, *refs.Region, error) {
	id := c.params.Get("RegionId")
	if id == "" {
		return "", nil, Errorf(CodeMissingParameter, "RegionId")
	}
	r, ok := c.index.Region(id)
	if !publicRegions[id] && (!ok || !c.seesAny(r)) {
		return "", nil, Errorf(CodeInvalidRegion)
	}
	return id, r, nil
}

// seesAny reports whether the caller may see a group of region r.
func (c *Call) seesAny(r *refs.Region) bool {
	if c.caller.AccountID == "" {
		return true
	}
	for i := range r.Len() {
		if c.visible(r.Group(int32(i)).OwnerID) {
			return true
		}
	}
	return false
}

// groupIDs reads SecurityGroupId.1 … SecurityGroupId.10 in order of N, a repeated ID kept
// at its first N. Problems ECS describes (no ID, N outside 1..10) get ECS's message; the
// ones it does not (an N that is no number, an empty or over-long ID, an ID without .N)
// keep ECS's code but say what is wrong. Of several problems the one with the lowest key
// is reported, so that the answer does not depend on map order.
func (c *Call) groupIDs(required bool) ([]string, error) {
	var byN [maxGroupIDs + 1]string
	n := 0
	var bad *Error
	badKey := ""
	refuse := func(key string, e *Error) {
		if bad == nil || key < badKey {
			bad, badKey = e, key
		}
	}
	c.params.Each(func(k, v string) {
		if k == "SecurityGroupId" {
			refuse(k, WithMessage(CodeGroupIDMalformed, "SecurityGroupId takes an index: SecurityGroupId.1 to SecurityGroupId.10."))
			return
		}
		rest, ok := strings.CutPrefix(k, "SecurityGroupId.")
		if !ok {
			return
		}
		i, err := strconv.Atoi(rest)
		switch {
		case err != nil || strconv.Itoa(i) != rest:
			refuse(k, WithMessage(CodeGroupIDMalformed, fmt.Sprintf("%s: the index after SecurityGroupId. must be a number from 1 to 10.", safeName(k))))
		case i < 1 || i > maxGroupIDs:
			refuse(k, Errorf(CodeGroupIDMalformed))
		case v == "":
			refuse(k, WithMessage(CodeGroupIDMalformed, k+" is empty."))
		case len(v) > maxGroupIDLen:
			refuse(k, WithMessage(CodeGroupIDMalformed, fmt.Sprintf("%s is longer than %d characters.", k, maxGroupIDLen)))
		default:
			byN[i] = v
			n++
		}
	})
	if bad != nil {
		return nil, bad
	}
	if required && n == 0 {
		return nil, Errorf(CodeGroupIDMalformed)
	}
	ids := make([]string, 0, n)
	for _, v := range byN[1:] {
		if v != "" && !contains(ids, v) {
			ids = append(ids, v)
		}
	}
	return ids, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// queriedGroups reads what every action about given groups starts with, in ECS's order:
// the region, SecurityGroupId.N (required or not), and each group's position in the
// region, a group the region lacks, or the caller may not see, being NotFound.
func (c *Call) queriedGroups(required bool) (regionID string, r *refs.Region, ids []string, pos []int32, err error) {
	if regionID, r, err = c.region(); err != nil {
		return "", nil, nil, nil, err
	}
	if ids, err = c.groupIDs(required); err != nil {
		return "", nil, nil, nil, err
	}
	pos = make([]int32, len(ids))
	for i, id := range ids {
		p, ok := lookup(r, id)
		if !ok || !c.visible(r.Group(p).OwnerID) {
			return "", nil, nil, nil, Errorf(CodeGroupIDNotFound)
		}
		pos[i] = p
	}
	return regionID, r, ids, pos, nil
}

// entryPage pages records counted per queried group (lens), 100 a page, behind a
// NextToken bound to the region and the IDs: this page's spans and the next page's token
// ("" on the last page).
func (c *Call) entryPage(regionID string, ids []string, lens []int) (spans []refs.Span, next string, err error) {
	pg, err := c.Pager(append([]string{regionID}, ids...)...)
	if err != nil {
		return nil, "", err
	}
	spans, more := refs.Paginate(lens, pg.Start, refs.PageSize)
	if pg.Start > 0 && len(spans) == 0 {
		return nil, "", errNextToken()
	}
	if more {
		next = pg.Next(pg.Start + refs.PageSize)
	}
	return spans, next, nil
}

// describeReferences answers DescribeSecurityGroupReferences.
func describeReferences(_ context.Context, c *Call) (any, error) {
	regionID, r, ids, pos, err := c.queriedGroups(true)
	if err != nil {
		return nil, err
	}
	lens := make([]int, len(ids))
	for i, p := range pos {
		lens[i] = r.Referrers(p).Len()
	}
	spans, next, err := c.entryPage(regionID, ids, lens)
	if err != nil {
		return nil, err
	}
	resp := &referencesResponse{RequestId: c.requestID}
	list := make([]groupReference, len(spans))
	for i, s := range spans {
		e := &list[i]
		e.SecurityGroupId = ids[s.Entry]
		refsOf := r.Referrers(pos[s.Entry]).Slice(s.From, s.To)
		out := make([]referencingGroup, refsOf.Len())
		for j := range out {
			id, owner := r.IDAndOwner(refsOf.At(j))
			out[j] = referencingGroup{SecurityGroupId: id, AliUid: owner}
		}
		e.ReferencingSecurityGroups.ReferencingSecurityGroup = out
	}
	resp.SecurityGroupReferences.SecurityGroupReference = list
	resp.NextToken = next
	return resp, nil
}

func lookup(r *refs.Region, id string) (int32, bool) {
	if r == nil {
		return 0, false
	}
	return r.Lookup(id)
}

// visible reports whether the caller may see a group of the given owner: an unscoped
// caller sees every group.
func (c *Call) visible(owner string) bool {
	return c.caller.AccountID == "" || c.caller.actsFor(owner)
}
