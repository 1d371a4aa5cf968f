package ecsapi

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"sgref/shared/inventory"
)

// Emulation makes the handler answer, from a full inventory, the ECS read actions a live
// inventory source calls (DescribeSecurityGroups, DescribeSecurityGroupAttribute,
// DescribeRegions) and STS GetCallerIdentity, in the shapes the Alibaba Cloud SDKs parse:
// a local ECS for sgref's own live source and for anyone's tooling. ECS answers for one
// account per credential, so the emulator serves the groups of Account only.
type Emulation struct {
	Inventory *inventory.Inventory
	Account   string // the caller's account; AccountOf(Inventory) when empty
	Faults    EmulatedFaults
}

// EmulatedFaults are failures injected into the emulated actions, off when zero.
type EmulatedFaults struct {
	Throttle  float64       // share of calls answered 400 Throttling
	Error5xx  float64       // share of calls answered 503 ServiceUnavailable
	Latency   time.Duration // added to every call
	FailGroup string        // DescribeSecurityGroupAttribute of this group always fails (503)
}

// ParseFaults reads "throttle=0.2,error5xx=0.05,latency=20ms,failgroup=sg-x".
func ParseFaults(s string) (EmulatedFaults, error) {
	var f EmulatedFaults
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "throttle":
			f.Throttle, err = strconv.ParseFloat(v, 64)
			if err == nil && (f.Throttle < 0 || f.Throttle > 1) {
				err = fmt.Errorf("want 0..1")
			}
		case "error5xx":
			f.Error5xx, err = strconv.ParseFloat(v, 64)
			if err == nil && (f.Error5xx < 0 || f.Error5xx > 1) {
				err = fmt.Errorf("want 0..1")
			}
		case "latency":
			f.Latency, err = time.ParseDuration(v)
			if err == nil && (f.Latency < 0 || f.Latency > time.Minute) {
				err = fmt.Errorf("want 0..1m")
			}
		case "failgroup":
			f.FailGroup = v
		default:
			err = fmt.Errorf("unknown fault")
		}
		if err != nil {
			return EmulatedFaults{}, fmt.Errorf("fault %q: %v (want throttle=P, error5xx=P, latency=D, failgroup=ID)", kv, err)
		}
	}
	return f, nil
}

// AccountOf returns the account owning the most groups of inv (the smallest ID on a tie).
func AccountOf(inv *inventory.Inventory) string {
	count := map[string]int{}
	for i := range inv.SecurityGroups {
		count[inv.SecurityGroups[i].OwnerId]++
	}
	best := ""
	for a, n := range count {
		if best == "" || n > count[best] || n == count[best] && a < best {
			best = a
		}
	}
	return best
}

// emulator serves the emulated actions.
type emulator struct {
	Emulation
	byAccount map[string]map[string][]*inventory.Group // account → region → groups sorted by ID
	byID      map[string]*inventory.Group
}

func newEmulator(e Emulation) *emulator {
	if e.Account == "" {
		e.Account = AccountOf(e.Inventory)
	}
	m := &emulator{Emulation: e, byAccount: map[string]map[string][]*inventory.Group{}, byID: map[string]*inventory.Group{}}
	for i := range e.Inventory.SecurityGroups {
		g := &e.Inventory.SecurityGroups[i]
		if m.byAccount[g.OwnerId] == nil {
			m.byAccount[g.OwnerId] = map[string][]*inventory.Group{}
		}
		m.byAccount[g.OwnerId][g.RegionId] = append(m.byAccount[g.OwnerId][g.RegionId], g)
		m.byID[g.SecurityGroupId] = g
	}
	for _, regions := range m.byAccount {
		for _, list := range regions {
			slices.SortFunc(list, func(a, b *inventory.Group) int { return strings.Compare(a.SecurityGroupId, b.SecurityGroupId) })
		}
	}
	return m
}

// account is the account a call acts for: the signed caller's, or the emulated account
// when requests are not authenticated. ECS answers each credential for its own account.
func (m *emulator) account(c *call) string {
	if c.caller.AccountID != "" {
		return c.caller.AccountID
	}
	return m.Account
}

// fault applies the injected faults to one call.
func (m *emulator) fault(ctx context.Context) error {
	f := m.Faults
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Errorf(CodeServiceUnavailable)
		}
	}
	if f.Throttle > 0 && rand.Float64() < f.Throttle {
		return Errorf(CodeThrottling)
	}
	if f.Error5xx > 0 && rand.Float64() < f.Error5xx {
		return Errorf(CodeServiceUnavailable)
	}
	return nil
}

// intParam reads an optional integer parameter within [lo, hi].
func (c *call) intParam(name string, def, lo, hi int) (int, error) {
	v, ok := c.params.Lookup(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, Errorf(CodeInvalidParameter, name)
	}
	return n, nil
}

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
func (m *emulator) describeSecurityGroups(ctx context.Context, c *call) (any, error) {
	regionID, _, err := c.region()
	if err != nil {
		return nil, err
	}
	if err := m.fault(ctx); err != nil {
		return nil, err
	}
	var want map[string]bool
	if s := c.params.Get("SecurityGroupIds"); s != "" {
		var ids []string
		if json.Unmarshal([]byte(s), &ids) != nil || len(ids) > 100 {
			return nil, Errorf(CodeInvalidParameter, "SecurityGroupIds")
		}
		want = map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
	}
	var match []*inventory.Group
	for _, g := range m.byAccount[m.account(c)][regionID] {
		if want != nil && !want[g.SecurityGroupId] ||
			c.params.Get("SecurityGroupId") != "" && g.SecurityGroupId != c.params.Get("SecurityGroupId") ||
			c.params.Get("VpcId") != "" && g.VpcId != c.params.Get("VpcId") ||
			c.params.Get("SecurityGroupType") != "" && g.SecurityGroupType != c.params.Get("SecurityGroupType") {
			continue
		}
		match = append(match, g)
	}
	resp := &securityGroupsResponse{RequestId: c.requestID, RegionId: regionID, TotalCount: len(match)}
	var page []*inventory.Group
	_, tokenMode := c.params.Lookup("NextToken")
	_, maxMode := c.params.Lookup("MaxResults")
	if tokenMode || maxMode {
		size, err := c.intParam("MaxResults", 10, 1, 100)
		if err != nil {
			return nil, err
		}
		fp := fingerprint([]string{"DescribeSecurityGroups", regionID, c.params.Get("SecurityGroupIds"), c.params.Get("VpcId")})
		start := 0
		if tok := c.params.Get("NextToken"); tok != "" {
			var ok bool
			if start, ok = decodeToken(tok, fp); !ok || start > len(match) {
				return nil, Errorf(CodeInvalidParameter, "NextToken")
			}
		}
		end := min(start+size, len(match))
		page = match[start:end]
		if end < len(match) {
			resp.NextToken = encodeToken(end, fp)
		}
	} else {
		number, err := c.intParam("PageNumber", 1, 1, 1<<30)
		if err != nil {
			return nil, err
		}
		size, err := c.intParam("PageSize", 10, 1, 50)
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
func (m *emulator) describeSecurityGroupAttribute(ctx context.Context, c *call) (any, error) {
	regionID, _, err := c.region()
	if err != nil {
		return nil, err
	}
	id := c.params.Get("SecurityGroupId")
	if id == "" {
		return nil, Errorf(CodeMissingParameter, "SecurityGroupId")
	}
	g := m.byID[id]
	if g == nil || g.RegionId != regionID || g.OwnerId != m.account(c) {
		return nil, Errorf(CodeGroupIDNotFound)
	}
	dir := c.params.Get("Direction")
	if dir != "" && dir != "all" && dir != inventory.Ingress && dir != inventory.Egress {
		return nil, Errorf(CodeInvalidParameter, "Direction")
	}
	if err := m.fault(ctx); err != nil {
		return nil, err
	}
	if m.Faults.FailGroup == id {
		return nil, Errorf(CodeServiceUnavailable)
	}
	rules := make([]inventory.Permission, 0, len(g.Permissions.Permission))
	for _, p := range g.Permissions.Permission {
		if dir == "" || dir == "all" || p.Direction == dir {
			rules = append(rules, p)
		}
	}
	resp := &attributeResponse{RequestId: c.requestID, RegionId: regionID, SecurityGroupId: g.SecurityGroupId,
		SecurityGroupName: g.SecurityGroupName, Description: g.Description, VpcId: g.VpcId, InnerAccessPolicy: "Accept"}
	_, tokenMode := c.params.Lookup("NextToken")
	_, maxMode := c.params.Lookup("MaxResults")
	if tokenMode || maxMode {
		size, err := c.intParam("MaxResults", 1000, 1, 1000)
		if err != nil {
			return nil, err
		}
		fp := fingerprint([]string{"DescribeSecurityGroupAttribute", regionID, id, dir})
		start := 0
		if tok := c.params.Get("NextToken"); tok != "" {
			var ok bool
			if start, ok = decodeToken(tok, fp); !ok || start > len(rules) {
				return nil, Errorf(CodeInvalidParameter, "NextToken")
			}
		}
		end := min(start+size, len(rules))
		if end < len(rules) {
			resp.NextToken = encodeToken(end, fp)
		}
		rules = rules[start:end]
	}
	resp.Permissions.Permission = rules
	return resp, nil
}

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
func (m *emulator) describeRegions(ctx context.Context, c *call) (any, error) {
	if err := m.fault(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(publicRegions))
	for id := range publicRegions {
		ids = append(ids, id)
	}
	for id := range m.byAccount[m.account(c)] {
		if !publicRegions[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	resp := &regionsResponse{RequestId: c.requestID}
	for _, id := range ids {
		resp.Regions.Region = append(resp.Regions.Region, regionItem{RegionId: id, LocalName: id, RegionEndpoint: "ecs." + id + ".aliyuncs.com", Status: "available"})
	}
	return resp, nil
}

type callerIdentityResponse struct {
	XMLName      xml.Name `json:"-" xml:"GetCallerIdentityResponse"`
	RequestId    string
	AccountId    string
	UserId       string
	PrincipalId  string
	Arn          string
	IdentityType string
}

// getCallerIdentity emulates STS GetCallerIdentity (version 2015-04-01): the caller's
// account (the emulated one without authentication), as its root identity.
func (m *emulator) getCallerIdentity(ctx context.Context, c *call) (any, error) {
	if err := m.fault(ctx); err != nil {
		return nil, err
	}
	a := m.account(c)
	return &callerIdentityResponse{RequestId: c.requestID, AccountId: a, UserId: a, PrincipalId: a,
		Arn: "acs:ram::" + a + ":root", IdentityType: "Account"}, nil
}
