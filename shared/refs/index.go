package refs

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"sgref/shared/inventory"
)

// Group is what the index keeps of a security group.
type Group struct {
	ID             string
	OwnerID        string
	Name           string
	EcsCount       int32 // -1: unknown
	NicCount       int32 // network interfaces attached; -1: unknown
	ServiceManaged bool
}

// Unresolved is a rule that names a group its region's inventory does not hold: the raw
// material of the orphan scan.
type Unresolved struct {
	Holder             int32 // position of the rule's group in its region
	RuleID             string
	Direction          string
	GroupID            string // the group the rule names
	OwnerID            string // the owner the rule names for it, if any
	OwnerAccount       string // likewise, by account name
	Policy, IpProtocol string
	PortRange          string
}

// Index is the reverse reference index of one inventory. It is safe for concurrent use and
// never changes once built.
type Index struct {
	regions    map[string]*Region
	owners     map[string]bool
	stats      Stats
	capturedAt time.Time
	coverage   map[string]accountCoverage // from the snapshot's header; nil when it says nothing
	header     *inventory.Coverage
}

// Region holds one region's groups sorted by ID, in compressed sparse row form: the
// referrers of group i are groups[edges[off[i]:off[i+1]]], in ascending ID order.
type Region struct {
	ID         string
	ids        map[string]int32
	groups     []Group
	off        []int32
	edges      []int32
	unresolved []Unresolved // sorted by holder ID, then rule ID
	rules      ruleTable    // the resolved rules, by target and by holder

	pending []pendingRule // while building
	attrIDs map[ruleAttrs]uint32
}

// pendingRule is a rule naming a group, kept until every group is known.
type pendingRule struct {
	from   int32
	target string
	rule   *Unresolved // the rule's details, in case the target never shows up
	rec    ruleRec     // the rule's record, in case it does
}

// Stats counts what the index was built from.
type Stats struct {
	Groups     int // security groups
	Rules      int // rules of every kind
	References int // distinct group-to-group references (B authorizes A), self-references excluded
}

// Builder builds an Index from groups given one at a time, keeping only what the index
// needs, so a large inventory is never in memory whole.
type Builder struct {
	ix *Index
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{ix: &Index{regions: make(map[string]*Region), owners: make(map[string]bool)}}
}

// Build indexes a whole inventory.
func Build(inv *inventory.Inventory) *Index {
	b := NewBuilder()
	for i := range inv.SecurityGroups {
		b.Add(&inv.SecurityGroups[i])
	}
	return b.Index()
}

// Add indexes one group. A rule of group B references A when it is an ingress rule with
// SourceGroupId A or an egress rule with DestGroupId A, whatever its policy, protocol or
// port; A must be a group of B's region, and B != A. Group IDs must be unique (the
// inventory's validation sees to it).
func (b *Builder) Add(g *inventory.Group) {
	ix := b.ix
	r := ix.regions[g.RegionId]
	if r == nil {
		r = &Region{ID: g.RegionId, ids: make(map[string]int32)}
		ix.regions[g.RegionId] = r
	}
	from := int32(len(r.groups))
	r.groups = append(r.groups, Group{ID: g.SecurityGroupId, OwnerID: g.OwnerId, Name: g.SecurityGroupName,
		EcsCount: count(g.EcsCount), NicCount: count(g.NetworkInterfaceCount), ServiceManaged: g.ServiceManaged})
	r.ids[g.SecurityGroupId] = from
	ix.owners[g.OwnerId] = true
	ix.stats.Groups++
	ix.stats.Rules += len(g.Permissions.Permission)
	for k := range g.Permissions.Permission {
		p := &g.Permissions.Permission[k]
		target, owner, account := p.ReferencedGroup()
		if target == "" || target == g.SecurityGroupId {
			continue
		}
		pr := pendingRule{from: from, target: target, rec: r.record(p, k)}
		if _, ok := r.ids[target]; !ok { // may still come later; keep the details
			pr.rule = &Unresolved{RuleID: p.SecurityGroupRuleId, Direction: p.Direction, GroupID: target, OwnerID: owner,
				OwnerAccount: account, Policy: p.Policy, IpProtocol: p.IpProtocol, PortRange: p.PortRange}
		}
		r.pending = append(r.pending, pr)
	}
}

// SetCapturedAt records when the inventory was captured (zero: unknown).
func (b *Builder) SetCapturedAt(t time.Time) { b.ix.capturedAt = t }

// Index finishes the build. The Builder must not be used afterwards.
func (b *Builder) Index() *Index {
	ix := b.ix
	b.ix = nil
	for _, r := range ix.regions {
		r.finish()
		ix.stats.References += len(r.edges)
	}
	return ix
}

// finish sorts the groups by ID, resolves the pending rules into edges or unresolved
// rules, and lays the edges out by target with a counting sort.
func (r *Region) finish() {
	n := len(r.groups)
	order := make([]int32, n) // order[new] = old
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(r.groups[a].ID, r.groups[b].ID) })
	pos := make([]int32, n) // pos[old] = new
	sorted := make([]Group, n)
	for newPos, old := range order {
		pos[old] = int32(newPos)
		sorted[newPos] = r.groups[old]
		r.ids[sorted[newPos].ID] = int32(newPos)
	}
	r.groups = sorted

	type edge struct{ to, from int32 }
	var es []edge
	var recs []ruleRec
	for _, p := range r.pending {
		from := pos[p.from]
		if to, ok := r.ids[p.target]; ok {
			es = append(es, edge{to, from})
			p.rec.holder, p.rec.target = from, to
			recs = append(recs, p.rec)
		} else {
			u := *p.rule
			u.Holder = from
			r.unresolved = append(r.unresolved, u)
		}
	}
	r.pending, r.attrIDs = nil, nil
	r.rules = newRuleTable(recs, r.rules.attrs, n)
	slices.SortStableFunc(r.unresolved, func(a, b Unresolved) int {
		if c := strings.Compare(r.groups[a.Holder].ID, r.groups[b.Holder].ID); c != 0 {
			return c
		}
		return strings.Compare(a.RuleID, b.RuleID)
	})

	r.off = make([]int32, n+1)
	for _, e := range es {
		r.off[e.to+1]++
	}
	for i := 1; i <= n; i++ {
		r.off[i] += r.off[i-1]
	}
	r.edges = make([]int32, len(es))
	next := slices.Clone(r.off[:n])
	for _, e := range es {
		r.edges[next[e.to]] = e.from
		next[e.to]++
	}
	// Sort and deduplicate each group's referrers, compacting in place.
	w, start := int32(0), int32(0)
	for g := 0; g < n; g++ {
		end := r.off[g+1]
		seg := r.edges[start:end]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		r.off[g] = w
		w += int32(copy(r.edges[w:], seg))
		start = end
	}
	r.off[n] = w
	r.edges = slices.Clip(r.edges[:w])
}

// count keeps a count from the inventory in an int32: -1 when unknown.
func count(n *int) int32 {
	if n == nil {
		return -1
	}
	return int32(min(*n, 1<<30))
}

// Region returns the region's index; ok is false when the inventory has no group there.
func (ix *Index) Region(id string) (r *Region, ok bool) {
	r, ok = ix.regions[id]
	return r, ok
}

// Regions returns the IDs of the regions the inventory covers, sorted.
func (ix *Index) Regions() []string {
	out := make([]string, 0, len(ix.regions))
	for id := range ix.regions {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Covers reports whether the inventory covers the account: its header lists it as
// captured or carried, or, saying nothing of it, the inventory holds any of its groups.
func (ix *Index) Covers(account string) bool { return ix.covers(account) }

// Stats reports the index's size.
func (ix *Index) Stats() Stats { return ix.stats }

// CapturedAt is when the indexed inventory was captured; zero when unknown.
func (ix *Index) CapturedAt() time.Time { return ix.capturedAt }

// Lookup returns the position of a group in the region.
func (r *Region) Lookup(id string) (int32, bool) {
	i, ok := r.ids[id]
	return i, ok
}

// Group returns the group at position i.
func (r *Region) Group(i int32) Group { return r.groups[i] }

// Referrers returns the positions of the groups that reference group i, in ascending ID
// order. The slice is shared: callers must not modify it.
func (r *Region) Referrers(i int32) []int32 { return r.edges[r.off[i]:r.off[i+1]] }

// Len is the number of groups in the region.
func (r *Region) Len() int { return len(r.groups) }

// Unresolved returns the region's rules that name a group the region does not hold,
// ordered by the holding group's ID, then rule ID. The slice is shared: do not modify it.
func (r *Region) Unresolved() []Unresolved { return r.unresolved }

// UnresolvedOf returns the unresolved rules held by group i, ordered by rule ID. The slice
// is shared: do not modify it.
func (r *Region) UnresolvedOf(i int32) []Unresolved {
	lo, _ := slices.BinarySearchFunc(r.unresolved, i, func(u Unresolved, h int32) int { return cmp.Compare(u.Holder, h) })
	hi := lo
	for hi < len(r.unresolved) && r.unresolved[hi].Holder == i {
		hi++
	}
	return r.unresolved[lo:hi:hi]
}

// RegionOf returns the region of the group with the given ID, wherever the inventory holds
// it; ok is false when no region does. ECS group IDs are unique across regions and
// accounts.
func (ix *Index) RegionOf(groupID string) (region string, ok bool) {
	for id, r := range ix.regions {
		if _, ok := r.ids[groupID]; ok {
			return id, true
		}
	}
	return "", false
}
