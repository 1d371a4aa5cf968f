package ecsapi

import (
	"context"
	"encoding/xml"
)

// ActionRules is an sgref extension: for each queried group, the rules of other groups
// that name it, the rules a DeleteSecurityGroup is blocked by.
const ActionRules = "DescribeSecurityGroupReferenceRules"

// rulesResponse is the body of a DescribeSecurityGroupReferenceRules answer, shaped as
// DescribeSecurityGroupReferences' with rules for referencing groups.
type rulesResponse struct {
	XMLName                     xml.Name `json:"-" xml:"DescribeSecurityGroupReferenceRulesResponse"`
	RequestId                   string
	SecurityGroupReferenceRules struct {
		SecurityGroupReferenceRule []groupRules
	}
	NextToken string `json:",omitempty" xml:",omitempty"`
}

type groupRules struct {
	SecurityGroupId  string
	ReferencingRules struct {
		ReferencingRule []referencingRule
	}
}

// referencingRule is one rule naming the queried group. RulePosition is the rule's place
// (from 1) in its group's rule list, what identifies a rule without SecurityGroupRuleId.
type referencingRule struct {
	SecurityGroupId     string
	AliUid              string
	SecurityGroupRuleId string
	RulePosition        int
	Direction           string
	Policy              string
	IpProtocol          string
	PortRange           string
	Priority            string
	Description         string
}

// describeRules answers DescribeSecurityGroupReferenceRules: the parameters, checks,
// scoping and paging of DescribeSecurityGroupReferences (100 records a page, NextToken),
// one record per rule, ordered by referencing group ID, then rule ID. An authenticated
// caller sees other accounts' rules as DescribeSecurityGroupReferences shows their groups:
// group, account and direction only.
func describeRules(_ context.Context, c *Call) (any, error) {
	regionID, r, ids, pos, err := c.queriedGroups(true)
	if err != nil {
		return nil, err
	}
	lens := make([]int, len(ids))
	for i, p := range pos {
		lens[i] = r.RulesTo(p).Len()
	}
	spans, next, err := c.entryPage(regionID, ids, lens)
	if err != nil {
		return nil, err
	}
	resp := &rulesResponse{RequestId: c.requestID}
	list := make([]groupRules, len(spans))
	for i, s := range spans {
		e := &list[i]
		e.SecurityGroupId = ids[s.Entry]
		rs := r.RulesTo(pos[s.Entry])
		out := make([]referencingRule, 0, s.To-s.From)
		for k := s.From; k < s.To; k++ {
			x := rs.At(k)
			g := r.Group(x.Holder)
			rec := referencingRule{SecurityGroupId: g.ID, AliUid: g.OwnerID, Direction: x.Direction}
			if c.visible(g.OwnerID) {
				rec.SecurityGroupRuleId, rec.RulePosition, rec.Policy, rec.IpProtocol = x.ID, int(x.Position), x.Policy, x.IpProtocol
				rec.PortRange, rec.Priority, rec.Description = x.PortRange, x.Priority, x.Description
			}
			out = append(out, rec)
		}
		e.ReferencingRules.ReferencingRule = out
	}
	resp.SecurityGroupReferenceRules.SecurityGroupReferenceRule = list
	resp.NextToken = next
	return resp, nil
}
