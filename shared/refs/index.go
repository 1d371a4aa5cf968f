package refs

import (
	"slices"
	"strings"

	"sgref/shared/inventory"
)

// Group is what the index keeps of a security group.
type Group struct {
	ID      string
	OwnerID string
}

// Index is the reverse reference index of one inventory. It is safe for concurrent use and
// never changes after Build returns.
type Index struct {
	regions map[string]*Region
	groups  int
	rules   int
	edges   int
}

// Region holds one region's groups in compressed sparse row form: the referrers of group i
// are groups[edges[off[i]:off[i+1]]], in ascending ID order.
type Region struct {
	ID     string
	ids    map[string]int32
	groups []Group
	off    []int32
	edges  []int32
}

// Build indexes an inventory. A rule of group B references A when it is an ingress rule
// with SourceGroupId A or an egress rule with DestGroupId A, whatever its policy, protocol
// or port; A must be a group of B's region, and B != A.
func Build(inv *inventory.Inventory) *Index {
	ix := &Index{regions: make(map[string]*Region)}
	count := map[string]int{}
	for i := range inv.SecurityGroups {
		count[inv.SecurityGroups[i].RegionId]++
	}
	for id, n := range count {
		ix.regions[id] = &Region{ID: id, ids: make(map[string]int32, n), groups: make([]Group, 0, n)}
	}
	for i := range inv.SecurityGroups {
		g := &inv.SecurityGroups[i]
		r := ix.regions[g.RegionId]
		r.groups = append(r.groups, Group{ID: g.SecurityGroupId, OwnerID: g.OwnerId})
		ix.rules += len(g.Permissions.Permission)
	}
	for _, r := range ix.regions {
		slices.SortFunc(r.groups, func(a, b Group) int { return strings.Compare(a.ID, b.ID) })
		for i, g := range r.groups {
			r.ids[g.ID] = int32(i)
		}
		r.off = make([]int32, len(r.groups)+1)
	}
	ix.groups = len(inv.SecurityGroups)

	// Collect each region's edges, then lay them out by target with a counting sort.
	pending := make(map[string][]edge, len(ix.regions))
	for i := range inv.SecurityGroups {
		g := &inv.SecurityGroups[i]
		r := ix.regions[g.RegionId]
		from := r.ids[g.SecurityGroupId]
		es := pending[g.RegionId]
		for k := range g.Permissions.Permission {
			target, _, _ := g.Permissions.Permission[k].ReferencedGroup()
			if target == "" || target == g.SecurityGroupId {
				continue
			}
			if to, ok := r.ids[target]; ok {
				es = append(es, edge{to, from})
			}
		}
		pending[g.RegionId] = es
	}
	for id, r := range ix.regions {
		r.layout(pending[id])
		ix.edges += len(r.edges)
	}
	return ix
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

// Stats counts what the index was built from.
type Stats struct {
	Groups     int // security groups
	Rules      int // rules of every kind
	References int // distinct group-to-group references (B authorizes A), self-references excluded
}

// Stats reports the index's size.
func (ix *Index) Stats() Stats {
	return Stats{Groups: ix.groups, Rules: ix.rules, References: ix.edges}
}

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

type edge struct{ to, from int32 }

// layout fills off and edges from the region's edges: a counting sort by target, then each
// target's referrers sorted and deduplicated, compacted in place.
func (r *Region) layout(es []edge) {
	for _, e := range es {
		r.off[e.to+1]++
	}
	for i := 1; i < len(r.off); i++ {
		r.off[i] += r.off[i-1]
	}
	r.edges = make([]int32, len(es))
	next := slices.Clone(r.off[:len(r.groups)])
	for _, e := range es {
		r.edges[next[e.to]] = e.from
		next[e.to]++
	}
	w, start := int32(0), int32(0)
	for g := range r.groups {
		end := r.off[g+1]
		seg := r.edges[start:end]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		r.off[g] = w
		w += int32(copy(r.edges[w:], seg))
		start = end
	}
	r.off[len(r.groups)] = w
	r.edges = slices.Clip(r.edges[:w])
}
