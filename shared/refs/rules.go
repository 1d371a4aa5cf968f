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

// ruleRec is a resolved rule while the index is built.
type ruleRec struct {
	id, desc       string
	holder, target int32
	pos            int32
	attrs          uint32 // in the region's attribute table
}

// record keeps rule k of a group, its shared fields once per region.
func (r *regionBuilder) record(p *inventory.Permission, k int) ruleRec {
	a := ruleAttrs{p.Direction, p.Policy, p.IpProtocol, p.PortRange, p.Priority}
	if r.attrIDs == nil {
		r.attrIDs = make(map[ruleAttrs]uint32)
	}
	id, ok := r.attrIDs[a]
	if !ok {
		id = uint32(len(r.attrs))
		r.attrIDs[a] = id
		r.attrs = append(r.attrs, a)
	}
	return ruleRec{id: p.SecurityGroupRuleId, desc: p.Description, pos: int32(k + 1), attrs: id}
}

// writeRules lays out recs (holder and target already in sorted positions) for the n
// groups of a region, their shared fields in attrs: sorted by target, then holder (ID
// order), rule ID and position, with offsets by target (ToOff) and, through a permutation
// sorted by holder, then target, by holder (From, FromOf).
func writeRules(c *columns, sw *stringWriter, recs []ruleRec, attrs []ruleAttrs, n int) {
	byKey := func(a, b ruleRec) int {
		return cmp.Or(cmp.Compare(a.holder, b.holder), strings.Compare(a.id, b.id), cmp.Compare(a.pos, b.pos))
	}
	slices.SortFunc(recs, func(a, b ruleRec) int { return cmp.Or(cmp.Compare(a.target, b.target), byKey(a, b)) })
	toOff := make([]int32, n+1)
	fromOf := make([]int32, n+1)
	for _, rec := range recs {
		toOff[rec.target+1]++
		fromOf[rec.holder+1]++
	}
	for i := 1; i <= n; i++ {
		toOff[i] += toOff[i-1]
		fromOf[i] += fromOf[i-1]
	}
	// Counting sort by holder keeps the target order within each holder.
	from := make([]int32, len(recs))
	next := slices.Clone(fromOf[:n])
	for k, rec := range recs {
		from[next[rec.holder]] = int32(k)
		next[rec.holder]++
	}
	for _, rec := range recs {
		c.RuleID.add(sw.add(rec.id))
		c.RuleDesc.add(sw.text(rec.desc))
		c.RuleHolder.addInt(rec.holder)
		c.RuleTarget.addInt(rec.target)
		c.RulePos.addInt(rec.pos)
		c.RuleAttrs.add(rec.attrs)
	}
	for _, a := range attrs {
		c.ADirection.add(sw.once(a.Direction))
		c.APolicy.add(sw.once(a.Policy))
		c.AProtocol.add(sw.once(a.IpProtocol))
		c.APorts.add(sw.once(a.PortRange))
		c.APriority.add(sw.once(a.Priority))
	}
	c.ToOff, c.From, c.FromOf = packInts(toOff), packInts(from), packInts(fromOf)
}

func (r *Region) rule(k int) Rule {
	c := &r.c
	a := &r.attrs[c.RuleAttrs.u(k)]
	return Rule{Holder: c.RuleHolder.i(k), Target: c.RuleTarget.i(k), Position: c.RulePos.i(k),
		ID: r.str(c.RuleID.u(k)), Description: r.str(c.RuleDesc.u(k)),
		Direction: a.Direction, Policy: a.Policy, IpProtocol: a.IpProtocol, PortRange: a.PortRange, Priority: a.Priority}
}

// Rules is a list of rules of one region, read with Len and At.
type Rules struct {
	r      *Region
	lo, hi int    // a span of the region's rules, when byIdx is false
	idx    column // rule numbers
	byIdx  bool
}

// Len is the number of rules in the list.
func (rs Rules) Len() int {
	if rs.byIdx {
		return rs.idx.len()
	}
	return rs.hi - rs.lo
}

// At returns rule k of the list.
func (rs Rules) At(k int) Rule {
	if rs.byIdx {
		return rs.r.rule(int(rs.idx.u(k)))
	}
	return rs.r.rule(rs.lo + k)
}

// RulesTo returns the rules of other groups that name group i, ordered by the holding
// group's ID, then rule ID, then position (rules without an ID first).
func (r *Region) RulesTo(i int32) Rules {
	return Rules{r: r, lo: int(r.c.ToOff.u(int(i))), hi: int(r.c.ToOff.u(int(i) + 1))}
}

// RulesFrom returns the rules of group i that name another group of its region, ordered
// by the named group's ID, then rule ID, then position.
func (r *Region) RulesFrom(i int32) Rules {
	lo, hi := r.c.FromOf.u(int(i)), r.c.FromOf.u(int(i)+1)
	return Rules{r: r, idx: r.c.From[4*lo : 4*hi], byIdx: true}
}
