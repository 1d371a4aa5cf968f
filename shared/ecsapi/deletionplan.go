package ecsapi

import (
	"context"
	"encoding/xml"

	"sgref/shared/plan"
)

// ActionPlan is an sgref extension: the deletion plan of up to 10 groups of a region
// (package plan), the steps that make every DeleteSecurityGroup succeed, or Blocked with
// what no step removes.
const ActionPlan = "DescribeSecurityGroupDeletionPlan"

type planResponse struct {
	XMLName          xml.Name `json:"-" xml:"DescribeSecurityGroupDeletionPlanResponse"`
	RequestId        string
	RegionId         string
	Blocked          bool
	CycleRevocations int
	CycleMinimal     bool
	Steps            struct{ Step []planStep }
	Blockers         struct{ Blocker []plan.Blocker }
}

type planStep struct {
	Action               string
	SecurityGroupId      string
	AliUid               string
	SecurityGroupRuleIds struct{ SecurityGroupRuleId []string }
	Reason               string
}

// describePlan answers DescribeSecurityGroupDeletionPlan: RegionId and
// SecurityGroupId.1 … .10 as DescribeSecurityGroupReferences reads them, the same errors.
// An authenticated caller may revoke only its own groups' rules: other accounts' rules
// that name a group of the set are blockers. The plan is one answer, not paged.
func describePlan(_ context.Context, c *Call) (any, error) {
	regionID, r, _, pos, err := c.queriedGroups(true)
	if err != nil {
		return nil, err
	}
	if c.params.Get("NextToken") != "" {
		return nil, errNextToken() // one answer: no token is ever issued
	}
	p := plan.Make(r, pos, plan.Options{Account: c.caller.AccountID})
	resp := &planResponse{RequestId: c.requestID, RegionId: regionID, Blocked: p.Blocked,
		CycleRevocations: p.CycleRevocations, CycleMinimal: p.CycleMinimal}
	resp.Steps.Step = make([]planStep, len(p.Steps))
	for i, s := range p.Steps {
		st := planStep{Action: s.Action, SecurityGroupId: s.SecurityGroupId, AliUid: s.OwnerId, Reason: s.Reason}
		st.SecurityGroupRuleIds.SecurityGroupRuleId = s.SecurityGroupRuleIds
		if st.SecurityGroupRuleIds.SecurityGroupRuleId == nil {
			st.SecurityGroupRuleIds.SecurityGroupRuleId = []string{}
		}
		resp.Steps.Step[i] = st
	}
	resp.Blockers.Blocker = p.Blockers
	if resp.Blockers.Blocker == nil {
		resp.Blockers.Blocker = []plan.Blocker{}
	}
	return resp, nil
}
