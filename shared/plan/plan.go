package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"sgref/shared/refs"
)

// Step actions, the ECS API actions that carry a step out.
const (
	RevokeIngress = "RevokeSecurityGroup"
	RevokeEgress  = "RevokeSecurityGroupEgress"
	Delete        = "DeleteSecurityGroup"
)

// maxRulesPerCall is how many SecurityGroupRuleId.N one Revoke call takes.
const maxRulesPerCall = 100

// exactLimit is the largest cycle (strongly connected part of the set) whose cheapest
// cut is searched exhaustively; larger ones are cut by a heuristic and say so.
const exactLimit = 16

// Blocker kinds.
const (
	BlockInstances         = "Instances"
	BlockInterfaces        = "NetworkInterfaces"
	BlockUnknownUsage      = "UsageUnknown"
	BlockServiceManaged    = "ServiceManaged"
	BlockOtherAccountRule  = "OtherAccountRule"
	BlockRuleWithoutRuleID = "RuleWithoutId"
)

// Options say who carries the plan out.
type Options struct {
	// Account is the caller's account: rules of other accounts' groups are blockers,
	// because only their owners may revoke them. "" may change every account's rules.
	Account string
}

// Plan is the answer for one set of groups.
type Plan struct {
	RegionId         string
	SecurityGroupIds []string // the set, sorted
	Blocked          bool     // some blocker no step removes: carrying the steps out would not delete every group
	// CycleRevocations is how many rules the cycle steps revoke; CycleMinimal says that
	// no other cut of the set's cycles revokes fewer (false when a cycle was too large to
	// search exhaustively).
	CycleRevocations int
	CycleMinimal     bool
	Steps            []Step
	Blockers         []Blocker
}

// Step is one API call of the plan.
type Step struct {
	Action               string
	SecurityGroupId      string
	OwnerId              string
	SecurityGroupRuleIds []string `json:",omitempty"`
	Reason               string
}

// Blocker is something that keeps a group of the set from being deleted and that no step
// of the plan removes.
type Blocker struct {
	SecurityGroupId string // the group of the set it blocks
	Kind            string
	Detail          string
}

// edge is the rules of one group naming another.
type edge struct {
	from, to int32
	rules    []refs.Rule
	cost     int // rules to revoke; unrevocable edges cost more than any set of revocable ones
	bad      bool
}

// Make plans the deletion of the groups at the given positions of region r (duplicates
// are ignored).
func Make(r *refs.Region, groups []int32, o Options) *Plan {
	set := slices.Clone(groups)
	slices.Sort(set)
	set = slices.Compact(set)
	in := make(map[int32]int, len(set)) // position → index in set
	p := &Plan{RegionId: r.ID, SecurityGroupIds: make([]string, len(set)), CycleMinimal: true}
	for k, g := range set {
		in[g] = k
		p.SecurityGroupIds[k] = r.Group(g).ID
	}
	block := func(g int32, kind, format string, args ...any) {
		p.Blockers = append(p.Blockers, Blocker{SecurityGroupId: r.Group(g).ID, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	for _, g := range set {
		grp := r.Group(g)
		switch {
		case grp.ServiceManaged:
			block(g, BlockServiceManaged, "%s is managed by a cloud service, which deletes it", grp.ID)
		}
		switch {
		case grp.EcsCount > 0:
			block(g, BlockInstances, "%d instances use %s", grp.EcsCount, grp.ID)
		case grp.EcsCount < 0:
			block(g, BlockUnknownUsage, "the inventory does not know how many instances use %s", grp.ID)
		}
		switch {
		case grp.NicCount > 0:
			block(g, BlockInterfaces, "%d network interfaces are attached to %s", grp.NicCount, grp.ID)
		case grp.NicCount < 0:
			block(g, BlockUnknownUsage, "the inventory does not know how many network interfaces %s is attached to", grp.ID)
		}
	}
	// Rules that stop being a problem once revoked, unless they cannot be.
	revocable := func(x refs.Rule) bool {
		return x.ID != "" && (o.Account == "" || r.Group(x.Holder).OwnerID == o.Account)
	}
	blockRule := func(x refs.Rule) {
		h, t := r.Group(x.Holder), r.Group(x.Target)
		if x.ID == "" {
			block(x.Target, BlockRuleWithoutRuleID, "rule #%d of %s names %s and has no SecurityGroupRuleId: revoke it by its fields", x.Position, h.ID, t.ID)
			return
		}
		block(x.Target, BlockOtherAccountRule, "rule %s of %s (account %s) names %s: only account %s may revoke it", x.ID, h.ID, h.OwnerID, t.ID, h.OwnerID)
	}

	// 1. Rules of groups outside the set, by holder.
	var outside []refs.Rule
	var inside []edge
	for _, g := range set {
		rs := r.RulesTo(g)
		for k := range rs.Len() {
			x := rs.At(k)
			if _, ok := in[x.Holder]; ok {
				if n := len(inside); n > 0 && inside[n-1].from == x.Holder && inside[n-1].to == g {
					inside[n-1].rules = append(inside[n-1].rules, x)
				} else {
					inside = append(inside, edge{from: x.Holder, to: g, rules: []refs.Rule{x}})
				}
				continue
			}
			if !revocable(x) {
				blockRule(x)
				continue
			}
			outside = append(outside, x)
		}
	}
	p.Steps = append(p.Steps, revocations(r, outside, func(holder string, targets []string) string {
		return "names " + strings.Join(targets, ", ") + ", to be deleted"
	})...)

	// 2. Cycles inside the set: an order of deletion that revokes the fewest rules.
	const unrevocable = 1 << 20
	for i := range inside {
		e := &inside[i]
		for _, x := range e.rules {
			if !revocable(x) {
				e.bad = true
			}
		}
		e.cost = len(e.rules)
		if e.bad {
			e.cost = unrevocable
		}
	}
	order, cut, exact := orderSet(len(set), in, inside)
	p.CycleMinimal = exact
	var cycle []refs.Rule
	for _, i := range cut {
		e := &inside[i]
		if e.bad {
			for _, x := range e.rules {
				if !revocable(x) {
					blockRule(x)
				}
			}
			continue
		}
		cycle = append(cycle, e.rules...)
		p.CycleRevocations += len(e.rules)
	}
	p.Steps = append(p.Steps, revocations(r, cycle, func(holder string, targets []string) string {
		return "breaks a cycle inside the set: " + strings.Join(targets, ", ") + " is deleted before " + holder
	})...)

	// 3. Deletions: a group only once no remaining group names it.
	for _, k := range order {
		g := r.Group(set[k])
		p.Steps = append(p.Steps, Step{Action: Delete, SecurityGroupId: g.ID, OwnerId: g.OwnerID, Reason: "no remaining group names it"})
	}
	p.Blocked = len(p.Blockers) > 0
	slices.SortStableFunc(p.Blockers, func(a, b Blocker) int { return cmp.Compare(a.SecurityGroupId, b.SecurityGroupId) })
	return p
}

// revocations groups rules into Revoke steps: one per holding group and direction (and
// per 100 rules), in holder ID order, ingress first.
func revocations(r *refs.Region, rules []refs.Rule, why func(holder string, targets []string) string) []Step {
	slices.SortFunc(rules, func(a, b refs.Rule) int {
		return cmp.Or(cmp.Compare(a.Holder, b.Holder), cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.ID, b.ID))
	})
	var steps []Step
	for i := 0; i < len(rules); {
		j := i
		for j < len(rules) && rules[j].Holder == rules[i].Holder && rules[j].Direction == rules[i].Direction && j-i < maxRulesPerCall {
			j++
		}
		h := r.Group(rules[i].Holder)
		action := RevokeIngress
		if rules[i].Direction == "egress" {
			action = RevokeEgress
		}
		ids := make([]string, 0, j-i)
		var targets []string
		for _, x := range rules[i:j] {
			ids = append(ids, x.ID)
			if t := r.Group(x.Target).ID; !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
		slices.Sort(targets)
		steps = append(steps, Step{Action: action, SecurityGroupId: h.ID, OwnerId: h.OwnerID, SecurityGroupRuleIds: ids, Reason: why(h.ID, targets)})
		i = j
	}
	return steps
}
