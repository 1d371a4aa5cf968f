package ecsemu

import (
	"context"
	"encoding/json"
	"encoding/xml"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
)

type sgTags struct {
	Tag []inventory.Tag
}

type securityGroupItem struct {
	SecurityGroupId       string
	SecurityGroupName     string
	Description           string
	SecurityGroupType     string
	VpcId                 string
	CreationTime          string
	EcsCount              *int `json:",omitempty" xml:",omitempty"`
	ResourceGroupId       string
	ServiceManaged        bool
	RuleCount             int
	GroupToGroupRuleCount int
	Tags                  sgTags
}

type securityGroupsResponse struct {
	XMLName        xml.Name `json:"-" xml:"DescribeSecurityGroupsResponse"`
	RequestId      string
	RegionId       string
	TotalCount     int
	PageNumber     int `json:",omitempty" xml:",omitempty"`
	PageSize       int `json:",omitempty" xml:",omitempty"`
	NextToken      string
	SecurityGroups struct{ SecurityGroup []securityGroupItem }
}

// describeSecurityGroups emulates DescribeSecurityGroups: paged by PageNumber/PageSize, or
// by MaxResults/NextToken when either is given; filters SecurityGroupIds (a JSON array),
// SecurityGroupId, VpcId, SecurityGroupType.
func (e *Emulator) describeSecurityGroups(_ context.Context, c *ecsapi.Call) (any, error) {
	regionID, err := c.RegionID()
	if err != nil {
		return nil, err
	}
	p := c.Params()
	var want map[string]bool
	if s := p.Get("SecurityGroupIds"); s != "" {
		var ids []string
		if json.Unmarshal([]byte(s), &ids) != nil || len(ids) > 100 {
			return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "SecurityGroupIds")
		}
		want = map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
	}
	account := e.account(c)
	id, vpc, typ := p.Get("SecurityGroupId"), p.Get("VpcId"), p.Get("SecurityGroupType")
	var match []*inventory.Group
	for _, g := range e.byAccount[account][regionID] {
		if want != nil && !want[g.SecurityGroupId] || id != "" && g.SecurityGroupId != id ||
			vpc != "" && g.VpcId != vpc || typ != "" && g.SecurityGroupType != typ {
			continue
		}
		match = append(match, g)
	}
	resp := &securityGroupsResponse{RequestId: c.RequestID(), RegionId: regionID, TotalCount: len(match)}
	var page []*inventory.Group
	if tokenMode(p) {
		from, to, next, err := c.TokenPage(len(match), 10, 100, regionID, account, p.Get("SecurityGroupIds"), id, vpc, typ)
		if err != nil {
			return nil, err
		}
		page, resp.NextToken = match[from:to], next
	} else {
		number, err := c.IntParam("PageNumber", 1, 1, 1<<30)
		if err != nil {
			return nil, err
		}
		size, err := c.IntParam("PageSize", 10, 1, 50)
		if err != nil {
			return nil, err
		}
		resp.PageNumber, resp.PageSize = number, size
		if start := (number - 1) * size; start < len(match) {
			page = match[start:min(start+size, len(match))]
		}
	}
	items := make([]securityGroupItem, len(page))
	for i, g := range page {
		it := securityGroupItem{
			SecurityGroupId: g.SecurityGroupId, SecurityGroupName: g.SecurityGroupName, Description: g.Description,
			SecurityGroupType: g.SecurityGroupType, VpcId: g.VpcId, CreationTime: g.CreationTime, EcsCount: g.EcsCount,
			ResourceGroupId: g.ResourceGroupId, ServiceManaged: g.ServiceManaged, RuleCount: len(g.Permissions.Permission),
			Tags: sgTags{Tag: []inventory.Tag{}},
		}
		if g.Tags != nil && g.Tags.Tag != nil {
			it.Tags.Tag = g.Tags.Tag
		}
		for k := range g.Permissions.Permission {
			if id, _, _ := g.Permissions.Permission[k].ReferencedGroup(); id != "" {
				it.GroupToGroupRuleCount++
			}
		}
		items[i] = it
	}
	resp.SecurityGroups.SecurityGroup = items
	return resp, nil
}

// tokenMode reports whether a request pages by MaxResults/NextToken: when it gives either.
func tokenMode(p ecsapi.Params) bool {
	_, token := p.Lookup("NextToken")
	_, max := p.Lookup("MaxResults")
	return token || max
}

type attributeResponse struct {
	XMLName           xml.Name `json:"-" xml:"DescribeSecurityGroupAttributeResponse"`
	RequestId         string
	RegionId          string
	SecurityGroupId   string
	SecurityGroupName string
	Description       string
	VpcId             string
	InnerAccessPolicy string
	NextToken         string
	Permissions       struct{ Permission []inventory.Permission }
}

// describeSecurityGroupAttribute emulates DescribeSecurityGroupAttribute: Direction
// ingress, egress or all; every rule at once, or MaxResults/NextToken pages when either is
// given.
func (e *Emulator) describeSecurityGroupAttribute(_ context.Context, c *ecsapi.Call) (any, error) {
	regionID, err := c.RegionID()
	if err != nil {
		return nil, err
	}
	p := c.Params()
	id := p.Get("SecurityGroupId")
	if id == "" {
		return nil, ecsapi.Errorf(ecsapi.CodeMissingParameter, "SecurityGroupId")
	}
	account := e.account(c)
	g := e.byID[id]
	if g == nil || g.RegionId != regionID || g.OwnerId != account {
		return nil, ecsapi.Errorf(ecsapi.CodeGroupIDNotFound)
	}
	dir := p.Get("Direction")
	if dir != "" && dir != "all" && dir != inventory.Ingress && dir != inventory.Egress {
		return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "Direction")
	}
	rules := make([]inventory.Permission, 0, len(g.Permissions.Permission))
	for _, r := range g.Permissions.Permission {
		if dir == "" || dir == "all" || r.Direction == dir {
			rules = append(rules, r)
		}
	}
	resp := &attributeResponse{RequestId: c.RequestID(), RegionId: regionID, SecurityGroupId: g.SecurityGroupId,
		SecurityGroupName: g.SecurityGroupName, Description: g.Description, VpcId: g.VpcId, InnerAccessPolicy: "Accept"}
	if tokenMode(p) {
		from, to, next, err := c.TokenPage(len(rules), 1000, 1000, regionID, account, id, dir)
		if err != nil {
			return nil, err
		}
		rules, resp.NextToken = rules[from:to], next
	}
	resp.Permissions.Permission = rules
	return resp, nil
}
