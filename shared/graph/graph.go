package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"sgref/shared/refs"
	"sgref/shared/scan"
)

// Defaults of Options.
const (
	DefaultDepth = 1
	DefaultLimit = 60
	maxLabels    = 3 // rule labels on one edge; more are counted
)

// Options shape a drawing.
type Options struct {
	Depth int // rings of neighbours around the group; DefaultDepth when 0
	Limit int // most groups drawn; DefaultLimit when 0
}

// Node kinds beyond an ordinary group.
const (
	Group        = "group"
	Center       = "center"       // the group asked about
	OtherAccount = "otheraccount" // a group of another account than the center's
	Dangling     = "dangling"     // named by a rule, gone from an account the inventory covers
	Unverifiable = "unverifiable" // named by a rule, in an account the inventory does not cover
)

// Node is one group of the drawing.
type Node struct {
	ID, Name, Owner string
	EcsCount        int32 // -1: unknown
	Kind            string
	Layer           int // columns left to right: referrers of the center left of it, groups it names right
}

// Edge is every rule of one group (From) naming another (To).
type Edge struct {
	From, To string
	Labels   []string // "ingress TCP 22/22 Accept", at most maxLabels
	More     int      // rules beyond the labels
	Drop     bool     // every rule of the edge is a Drop rule
}

// Graph is a drawing, nodes in the order they were reached.
type Graph struct {
	RegionId, Center string
	Nodes            []Node
	Edges            []Edge
	Omitted          int // groups within Depth left out by the node limit
	Limit, Depth     int
}

// Neighbourhood returns the neighbourhood of group center of region r (of index ix).
func Neighbourhood(ix *refs.Index, r *refs.Region, center int32, o Options) *Graph {
	if o.Depth <= 0 {
		o.Depth = DefaultDepth
	}
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	c := r.Group(center)
	g := &Graph{RegionId: r.ID, Center: c.ID, Limit: o.Limit, Depth: o.Depth}
	type item struct {
		pos   int32
		depth int
	}
	at := map[int32]int{center: 0} // position → index in Nodes
	g.Nodes = append(g.Nodes, node(r.Group(center), Center, 0))
	omitted := map[int32]bool{}
	queue := []item{{center, 0}}
	add := func(p int32, from int, side, depth int) {
		if _, ok := at[p]; ok || omitted[p] {
			return
		}
		if len(g.Nodes) >= o.Limit {
			omitted[p] = true
			return
		}
		layer := g.Nodes[from].Layer + side
		if layer == 0 {
			layer = side
		}
		kind := Group
		if grp := r.Group(p); grp.OwnerID != c.OwnerID {
			kind = OtherAccount
		}
		at[p] = len(g.Nodes)
		g.Nodes = append(g.Nodes, node(r.Group(p), kind, layer))
		queue = append(queue, item{p, depth})
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if it.depth == o.Depth {
			continue
		}
		from := at[it.pos]
		for q := range r.Referrers(it.pos).All() {
			add(q, from, -1, it.depth+1)
		}
		rs := r.RulesFrom(it.pos)
		for k := range rs.Len() {
			add(rs.At(k).Target, from, +1, it.depth+1)
		}
	}
	g.Omitted = len(omitted)

	// Edges: every rule between two drawn groups, one edge per pair.
	type pair struct{ from, to int32 }
	edges := map[pair]*Edge{}
	var order []pair
	for p := range at {
		rs := r.RulesFrom(p)
		for k := range rs.Len() {
			x := rs.At(k)
			if _, ok := at[x.Target]; !ok {
				continue
			}
			key := pair{x.Holder, x.Target}
			e := edges[key]
			if e == nil {
				e = &Edge{From: r.Group(x.Holder).ID, To: r.Group(x.Target).ID, Drop: true}
				edges[key] = e
				order = append(order, key)
			}
			addLabel(e, x.Direction, x.IpProtocol, x.PortRange, x.Policy)
		}
	}
	// Rules of drawn groups naming groups the inventory lacks: nodes of their own.
	var missing []Edge
	for i, drawn := 0, len(g.Nodes); i < drawn; i++ {
		holder := g.Nodes[i]
		pos := mustLookup(r, holder.ID)
		for _, u := range r.UnresolvedOf(pos) {
			if !slices.ContainsFunc(g.Nodes[drawn:], func(m Node) bool { return m.ID == u.GroupID }) {
				if len(g.Nodes) >= o.Limit {
					g.Omitted++
					continue
				}
				kind := Unverifiable
				if scan.Classify(ix, r.Group(pos), &u) == scan.Dangling {
					kind = Dangling
				}
				layer := holder.Layer + 1
				if layer == 0 {
					layer = 1
				}
				g.Nodes = append(g.Nodes, Node{ID: u.GroupID, Owner: cmp.Or(u.OwnerID, u.OwnerAccount, holder.Owner), EcsCount: -1, Kind: kind, Layer: layer})
			}
			j := slices.IndexFunc(missing, func(x Edge) bool { return x.From == holder.ID && x.To == u.GroupID })
			if j < 0 {
				missing = append(missing, Edge{From: holder.ID, To: u.GroupID, Drop: true})
				j = len(missing) - 1
			}
			addLabel(&missing[j], u.Direction, u.IpProtocol, u.PortRange, u.Policy)
		}
	}
	slices.SortFunc(order, func(a, b pair) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	g.Edges = make([]Edge, 0, len(order)+len(missing))
	for _, k := range order {
		g.Edges = append(g.Edges, *edges[k])
	}
	g.Edges = append(g.Edges, missing...)
	return g
}

func mustLookup(r *refs.Region, id string) int32 {
	p, _ := r.Lookup(id)
	return p
}

func node(grp refs.Group, kind string, layer int) Node {
	return Node{ID: grp.ID, Name: grp.Name, Owner: grp.OwnerID, EcsCount: grp.EcsCount, Kind: kind, Layer: layer}
}

func addLabel(e *Edge, direction, protocol, ports, policy string) {
	if policy != "Drop" {
		e.Drop = false
	}
	if len(e.Labels) == maxLabels {
		e.More++
		return
	}
	e.Labels = append(e.Labels, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", direction, protocol, ports, cmp.Or(policy, "Accept"))))
}

// Note says what the node limit left out, "" when nothing was.
func (g *Graph) Note() string {
	if g.Omitted == 0 {
		return ""
	}
	return fmt.Sprintf("%d more groups within depth %d left out (node limit %d); a larger -limit draws them", g.Omitted, g.Depth, g.Limit)
}

// title is a node's text lines.
func (n *Node) title() []string {
	switch n.Kind {
	case Dangling:
		return []string{n.ID, "not in the inventory (deleted?)", "account " + cmp.Or(n.Owner, "?")}
	case Unverifiable:
		return []string{n.ID, "account " + cmp.Or(n.Owner, "?") + " not covered"}
	}
	ecs := "EcsCount ?"
	if n.EcsCount >= 0 {
		ecs = fmt.Sprintf("EcsCount %d", n.EcsCount)
	}
	return []string{cmp.Or(n.Name, "(no name)"), n.ID, "account " + n.Owner + " · " + ecs}
}

func (e *Edge) label() []string {
	out := slices.Clone(e.Labels)
	if e.More > 0 {
		out = append(out, fmt.Sprintf("+%d more", e.More))
	}
	return out
}
