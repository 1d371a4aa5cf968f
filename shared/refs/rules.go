package refs

import (
	"cmp"
	"slices"
	"strings"

	"sgref/shared/inventory"
)

// Rule is one rule of a group (the holder) that names another group of its region (the
// target): what DescribeSecurityGroupReferenceRules answers with and what a deletion plan
// revokes.
type Rule struct {
	Holder, Target int32  // positions in the region
	Position       int32  // 1-based position in the holder's rule list
	ID             string // SecurityGroupRuleId; "" in old snapshots
	Direction      string // ingress: the target is the rule's source; egress: its destination
	Policy         string
	IpProtocol     string
	PortRange      string
	Priority       string
	Description    string
}

// ruleAttrs are the fields most rules share; a region keeps each combination once.
type ruleAttrs struct {
	Direction, Policy, IpProtocol, PortRange, Priority string
}

// ruleRec is what the index keeps of a rule: 48 bytes and the rule ID's own bytes.
type ruleRec struct {
	id, desc       string
	holder, target int32
	pos            int32
	attrs          uint32 // in ruleTable.attrs
}

// ruleTable holds a region's resolved rules sorted by target, then holder (ID order),
// rule ID and position, with offsets by target (byTo) and, through a permutation sorted
// by holder, then target, by holder (byFrom).
type ruleTable struct {
	recs   []ruleRec
	attrs  []ruleAttrs
	toOff  []int32 // rules naming group i: recs[toOff[i]:toOff[i+1]]
	from   []int32 // positions in recs, sorted by holder, then target, rule ID, position
	fromOf []int32 // rules held by group i: from[fromOf[i]:fromOf[i+1]]
}

// record keeps rule k of a group, its shared fields once per region.
func (r *Region) record(p *inventory.Permission, k int) ruleRec {
	a := ruleAttrs{p.Direction, p.Policy, p.IpProtocol, p.PortRange, p.Priority}
	if r.attrIDs == nil {
		r.attrIDs = make(map[ruleAttrs]uint32)
	}
	id, ok := r.attrIDs[a]
	if !ok {
		id = uint32(len(r.rules.attrs))
		r.attrIDs[a] = id
		r.rules.attrs = append(r.rules.attrs, a)
	}
	return ruleRec{id: p.SecurityGroupRuleId, desc: p.Description, pos: int32(k + 1), attrs: id}
}

// newRuleTable lays out recs (holder and target already in sorted positions) for the n
// groups of a region, their shared fields in attrs.
func newRuleTable(recs []ruleRec, attrs []ruleAttrs, n int) ruleTable {
	t := ruleTable{recs: slices.Clip(recs), attrs: slices.Clip(attrs)}
	byKey := func(a, b ruleRec) int {
		return cmp.Or(cmp.Compare(a.holder, b.holder), strings.Compare(a.id, b.id), cmp.Compare(a.pos, b.pos))
	}
	slices.SortFunc(t.recs, func(a, b ruleRec) int { return cmp.Or(cmp.Compare(a.target, b.target), byKey(a, b)) })
	t.toOff = make([]int32, n+1)
	t.fromOf = make([]int32, n+1)
	for _, rec := range t.recs {
		t.toOff[rec.target+1]++
		t.fromOf[rec.holder+1]++
	}
	for i := 1; i <= n; i++ {
		t.toOff[i] += t.toOff[i-1]
		t.fromOf[i] += t.fromOf[i-1]
	}
	// Counting sort by holder keeps the target order within each holder.
	t.from = make([]int32, len(t.recs))
	next := slices.Clone(t.fromOf[:n])
	for k, rec := range t.recs {
		t.from[next[rec.holder]] = int32(k)
		next[rec.holder]++
	}
	return t
}

func (t *ruleTable) rule(k int32) Rule {
	rec := &t.recs[k]
	a := &t.attrs[rec.attrs]
	return Rule{Holder: rec.holder, Target: rec.target, Position: rec.pos, ID: rec.id, Description: rec.desc,
		Direction: a.Direction, Policy: a.Policy, IpProtocol: a.IpProtocol, PortRange: a.PortRange, Priority: a.Priority}
}

// Rules is a list of rules of one region, read with Len and At.
type Rules struct {
	t      *ruleTable
	lo, hi int32   // a span of t.recs, when idx is nil
	idx    []int32 // positions in t.recs
}

// Len is the number of rules in the list.
func (rs Rules) Len() int {
	if rs.idx != nil {
		return len(rs.idx)
	}
	return int(rs.hi - rs.lo)
}

// At returns rule k of the list.
func (rs Rules) At(k int) Rule {
	if rs.idx != nil {
		return rs.t.rule(rs.idx[k])
	}
	return rs.t.rule(rs.lo + int32(k))
}

// RulesTo returns the rules of other groups that name group i, ordered by the holding
// group's ID, then rule ID, then position (rules without an ID first).
func (r *Region) RulesTo(i int32) Rules {
	t := &r.rules
	return Rules{t: t, lo: t.toOff[i], hi: t.toOff[i+1]}
}

// RulesFrom returns the rules of group i that name another group of its region, ordered
// by the named group's ID, then rule ID, then position.
func (r *Region) RulesFrom(i int32) Rules {
	t := &r.rules
	idx := t.from[t.fromOf[i]:t.fromOf[i+1]:t.fromOf[i+1]]
	if idx == nil {
		idx = []int32{}
	}
	return Rules{t: t, idx: idx}
}
