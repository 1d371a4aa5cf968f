package refs

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unsafe"

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

// Region holds one region's groups sorted by ID, in columns (columns.go): the referrers of
// group i are Referrers(i), in ascending ID order.
type Region struct {
	ID         string
	strs       string  // the columns' strings
	c          columns // Strings is nil: strs holds them
	unresolved []Unresolved
	attrs      []ruleAttrs // the rule attribute table, read out of its columns
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
	ix      *Index
	regions map[string]*regionBuilder
}

// regionBuilder is a region while its groups come in.
type regionBuilder struct {
	id      string
	groups  []Group
	ids     map[string]int32
	pending []pendingRule
	attrs   []ruleAttrs
	attrIDs map[ruleAttrs]uint32
}

// pendingRule is a rule naming a group, kept until every group is known.
type pendingRule struct {
	from   int32
	target string
	rule   *Unresolved // the rule's details, in case the target never shows up
	rec    ruleRec     // the rule's record, in case it does
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{ix: &Index{regions: make(map[string]*Region), owners: make(map[string]bool)},
		regions: make(map[string]*regionBuilder)}
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
	r := b.regions[g.RegionId]
	if r == nil {
		r = &regionBuilder{id: g.RegionId, ids: make(map[string]int32)}
		b.regions[g.RegionId] = r
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
	for id, rb := range b.regions {
		r := rb.finish()
		ix.regions[id] = r
		ix.stats.References += r.c.Edges.len()
	}
	b.regions = nil
	return ix
}

// finish sorts the groups by ID, resolves the pending rules into edges or unresolved
// rules, lays the edges out by target with a counting sort, and writes the region's
// columns.
func (rb *regionBuilder) finish() *Region {
	n := len(rb.groups)
	order := make([]int32, n) // order[new] = old
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(rb.groups[a].ID, rb.groups[b].ID) })
	pos := make([]int32, n) // pos[old] = new
	sorted := make([]Group, n)
	for newPos, old := range order {
		pos[old] = int32(newPos)
		sorted[newPos] = rb.groups[old]
		rb.ids[sorted[newPos].ID] = int32(newPos)
	}
	groups := sorted

	type edge struct{ to, from int32 }
	var es []edge
	var recs []ruleRec
	var unresolved []Unresolved
	for _, p := range rb.pending {
		from := pos[p.from]
		if to, ok := rb.ids[p.target]; ok {
			es = append(es, edge{to, from})
			p.rec.holder, p.rec.target = from, to
			recs = append(recs, p.rec)
		} else {
			u := *p.rule
			u.Holder = from
			unresolved = append(unresolved, u)
		}
	}
	rb.pending, rb.groups, rb.ids = nil, nil, nil // what is left of them is in groups, recs and unresolved
	slices.SortStableFunc(unresolved, func(a, b Unresolved) int {
		if c := strings.Compare(groups[a.Holder].ID, groups[b.Holder].ID); c != 0 {
			return c
		}
		return strings.Compare(a.RuleID, b.RuleID)
	})

	off := make([]int32, n+1)
	for _, e := range es {
		off[e.to+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	edges := make([]int32, len(es))
	next := slices.Clone(off[:n])
	for _, e := range es {
		edges[next[e.to]] = e.from
		next[e.to]++
	}
	// Sort and deduplicate each group's referrers, compacting in place.
	w, start := int32(0), int32(0)
	for g := 0; g < n; g++ {
		end := off[g+1]
		seg := edges[start:end]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		off[g] = w
		w += int32(copy(edges[w:], seg))
		start = end
	}
	off[n] = w
	edges = edges[:w]

	// The string table's size, at most (repeated strings are kept once): one buffer,
	// never regrown, that becomes the region's strings without a copy.
	size := 0
	for _, g := range groups {
		size += len(g.ID) + len(g.OwnerID) + len(g.Name)
	}
	for _, rec := range recs {
		size += len(rec.id) + len(rec.desc)
	}
	for _, u := range unresolved {
		size += len(u.RuleID) + len(u.Direction) + len(u.GroupID) + len(u.OwnerID) + len(u.OwnerAccount) + len(u.Policy) +
			len(u.IpProtocol) + len(u.PortRange)
	}
	for _, a := range rb.attrs {
		size += len(a.Direction) + len(a.Policy) + len(a.IpProtocol) + len(a.PortRange) + len(a.Priority)
	}
	sw := stringWriter{buf: make([]byte, 0, size)}
	var c columns
	for _, g := range groups {
		c.GroupID.add(sw.add(g.ID))
		c.GroupOwner.add(sw.once(g.OwnerID))
		c.GroupName.add(sw.add(g.Name))
		c.EcsCount.addInt(g.EcsCount)
		c.NicCount.addInt(g.NicCount)
		managed := byte(0)
		if g.ServiceManaged {
			managed = 1
		}
		c.ServiceManaged = append(c.ServiceManaged, managed)
	}
	c.Slots = newSlots(n, func(p int) string { return groups[p].ID })
	c.Off, c.Edges = packInts(off), packInts(edges)
	for _, u := range unresolved {
		c.UHolder.addInt(u.Holder)
		c.URule.add(sw.add(u.RuleID))
		c.UDirection.add(sw.once(u.Direction))
		c.UGroup.add(sw.add(u.GroupID))
		c.UOwner.add(sw.once(u.OwnerID))
		c.UAccount.add(sw.once(u.OwnerAccount))
		c.UPolicy.add(sw.once(u.Policy))
		c.UProtocol.add(sw.once(u.IpProtocol))
		c.UPorts.add(sw.once(u.PortRange))
	}
	writeRules(&c, &sw, recs, rb.attrs, n)
	c.Ends = sw.ends
	// sw.buf is never written again: the region's strings are read in place.
	return newRegion(rb.id, unsafe.String(unsafe.SliceData(sw.buf), len(sw.buf)), c)
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
	size := r.c.Slots.len()
	if size == 0 {
		return 0, false
	}
	mask := uint32(size - 1)
	h := fnv1a(id) & mask
	for range size { // a loaded table is checked to hold an empty slot; the bound is for safety
		v := r.c.Slots.u(int(h))
		if v == 0 {
			return 0, false
		}
		if p := int32(v - 1); r.str(r.c.GroupID.u(int(p))) == id {
			return p, true
		}
		h = (h + 1) & mask
	}
	return 0, false
}

// Group returns the group at position i.
func (r *Region) Group(i int32) Group {
	return Group{ID: r.str(r.c.GroupID.u(int(i))), OwnerID: r.str(r.c.GroupOwner.u(int(i))), Name: r.str(r.c.GroupName.u(int(i))),
		EcsCount: r.c.EcsCount.i(int(i)), NicCount: r.c.NicCount.i(int(i)), ServiceManaged: r.c.ServiceManaged[i] != 0}
}

// IDAndOwner returns the ID and the owner of the group at position i: Group(i)'s first
// two members, for the hot path that answers with just these.
func (r *Region) IDAndOwner(i int32) (id, owner string) {
	return r.str(r.c.GroupID.u(int(i))), r.str(r.c.GroupOwner.u(int(i)))
}

// str returns string k of the region.
func (r *Region) str(k uint32) string {
	start := uint32(0)
	if k > 0 {
		start = r.c.Ends.u(int(k - 1))
	}
	return r.strs[start:r.c.Ends.u(int(k))]
}

// Referrers returns the positions of the groups that reference group i, in ascending ID
// order.
func (r *Region) Referrers(i int32) Positions {
	return Positions{r.c.Edges[4*r.c.Off.u(int(i)) : 4*r.c.Off.u(int(i)+1)]}
}

// Len is the number of groups in the region.
func (r *Region) Len() int { return r.c.GroupID.len() }

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
		if _, ok := r.Lookup(groupID); ok {
			return id, true
		}
	}
	return "", false
}
