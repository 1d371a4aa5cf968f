package plan_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/plan"
	"sgref/shared/refs"
)

// world is an inventory being changed by a plan's steps, as ECS would change it.
type world map[string]*inventory.Group

func newWorld(inv *inventory.Inventory) world {
	w := world{}
	for i := range inv.SecurityGroups {
		g := inv.SecurityGroups[i]
		g.Permissions.Permission = slices.Clone(g.Permissions.Permission)
		w[g.SecurityGroupId] = &g
	}
	return w
}

// apply carries one step out, failing as ECS would.
func (w world) apply(s plan.Step, account string) error {
	g := w[s.SecurityGroupId]
	if g == nil {
		return fmt.Errorf("%s %s: no such group", s.Action, s.SecurityGroupId)
	}
	if account != "" && g.OwnerId != account {
		return fmt.Errorf("%s %s: group of account %s, caller %s", s.Action, s.SecurityGroupId, g.OwnerId, account)
	}
	switch s.Action {
	case plan.RevokeIngress, plan.RevokeEgress:
		dir := inventory.Ingress
		if s.Action == plan.RevokeEgress {
			dir = inventory.Egress
		}
		for _, id := range s.SecurityGroupRuleIds {
			k := slices.IndexFunc(g.Permissions.Permission, func(p inventory.Permission) bool { return p.SecurityGroupRuleId == id && p.Direction == dir })
			if k < 0 {
				return fmt.Errorf("%s %s: no %s rule %s", s.Action, g.SecurityGroupId, dir, id)
			}
			g.Permissions.Permission = slices.Delete(g.Permissions.Permission, k, k+1)
		}
	case plan.Delete:
		if g.EcsCount == nil || *g.EcsCount != 0 || g.NetworkInterfaceCount == nil || *g.NetworkInterfaceCount != 0 || g.ServiceManaged {
			return fmt.Errorf("delete %s: in use", g.SecurityGroupId)
		}
		for _, h := range w {
			if h == g {
				continue
			}
			for _, p := range h.Permissions.Permission {
				if id, _, _ := p.ReferencedGroup(); id == g.SecurityGroupId {
					return fmt.Errorf("delete %s: DependencyViolation, rule %s of %s names it", g.SecurityGroupId, p.SecurityGroupRuleId, h.SecurityGroupId)
				}
			}
		}
		delete(w, s.SecurityGroupId)
	default:
		return fmt.Errorf("unknown action %q", s.Action)
	}
	return nil
}

// randomInventory is one region of n groups with random rules; hard=false keeps every
// group free of blockers (counts 0, one account, every rule with an ID).
func randomInventory(rng *rand.Rand, n int, hard bool) *inventory.Inventory {
	inv := &inventory.Inventory{}
	zero := 0
	rule := 0
	for i := range n {
		g := inventory.Group{RegionId: "r", OwnerId: "1", SecurityGroupId: fmt.Sprintf("sg-%02d", i), EcsCount: &zero, NetworkInterfaceCount: &zero}
		if hard {
			if rng.IntN(5) == 0 {
				g.OwnerId = "2"
			}
			switch rng.IntN(12) {
			case 0:
				one := 1
				g.EcsCount = &one
			case 1:
				g.NetworkInterfaceCount = nil
			case 2:
				g.ServiceManaged = true
			}
		}
		for range rng.IntN(6) {
			rule++
			p := inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-%04d", rule), Direction: inventory.Ingress, Policy: "Accept", IpProtocol: "TCP", PortRange: "22/22"}
			if hard && rng.IntN(15) == 0 {
				p.SecurityGroupRuleId = ""
			}
			target := fmt.Sprintf("sg-%02d", rng.IntN(n+1)) // sometimes itself, sometimes a group that does not exist
			if rng.IntN(3) == 0 {
				p.Direction, p.DestGroupId = inventory.Egress, target
			} else {
				p.SourceGroupId = target
			}
			g.Permissions.Permission = append(g.Permissions.Permission, p)
		}
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	return inv
}

// TestPlanProperty: on random inventories, a plan that is not blocked deletes every group
// of the set, each step succeeding as ECS would answer it, and leaves no rule naming a
// deleted group; a blocked plan names only true blockers; an easy inventory is never
// blocked. Deterministic seeds, bounded: it runs under plain go test.
func TestPlanProperty(t *testing.T) {
	var checked, cycles, blocked int
	defer func() {
		if checked < 100 || cycles < 20 || blocked < 50 {
			t.Errorf("too few interesting cases: %d plans carried out, %d with cycles, %d blocked", checked, cycles, blocked)
		}
	}()
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 13))
		hard := seed%2 == 1
		n := 2 + rng.IntN(20)
		inv := randomInventory(rng, n, hard)
		ix := refs.Build(inv)
		r, _ := ix.Region("r")
		var set []int32
		for i := range int32(n) {
			if rng.IntN(2) == 0 {
				set = append(set, i)
			}
		}
		account := ""
		if hard && rng.IntN(2) == 0 {
			account = "1"
			set = slices.DeleteFunc(set, func(i int32) bool { return r.Group(i).OwnerID != account })
		}
		if len(set) == 0 {
			continue
		}
		p := plan.Make(r, set, plan.Options{Account: account})
		name := fmt.Sprintf("seed %d (%d groups, set %v, account %q)", seed, n, p.SecurityGroupIds, account)
		if !hard && p.Blocked {
			t.Fatalf("%s: an inventory without blockers gave a blocked plan: %+v", name, p.Blockers)
		}
		for _, b := range p.Blockers {
			if !slices.Contains(p.SecurityGroupIds, b.SecurityGroupId) {
				t.Fatalf("%s: blocker %+v of a group outside the set", name, b)
			}
		}
		if p.Blocked {
			blocked++
			continue
		}
		checked++
		if p.CycleRevocations > 0 {
			cycles++
		}
		w := newWorld(inv)
		for i, s := range p.Steps {
			if err := w.apply(s, account); err != nil {
				t.Fatalf("%s: step %d: %v\nplan:\n%s", name, i+1, err, strings.Join(p.Commands(), "\n"))
			}
		}
		for _, id := range p.SecurityGroupIds {
			if w[id] != nil {
				t.Fatalf("%s: %s not deleted", name, id)
			}
		}
		for _, g := range w {
			for _, q := range g.Permissions.Permission {
				if id, _, _ := q.ReferencedGroup(); slices.Contains(p.SecurityGroupIds, id) {
					t.Fatalf("%s: rule %s of %s still names deleted %s", name, q.SecurityGroupRuleId, g.SecurityGroupId, id)
				}
			}
		}
		// The cut of the cycles is the cheapest: every order of a small set costs as much.
		if len(set) <= 7 && p.CycleMinimal {
			if best := bruteForceCut(r, set); best != p.CycleRevocations {
				t.Fatalf("%s: cycles cut with %d revocations, %d suffice", name, p.CycleRevocations, best)
			}
		}
	}
}

// bruteForceCut is the fewest rules inside the set whose revocation leaves an order of
// deletion, over every order of the set.
func bruteForceCut(r *refs.Region, set []int32) int {
	best := -1
	perm := slices.Clone(set)
	var rec func(k int)
	rec = func(k int) {
		if k == len(perm) {
			cost := 0
			for a := range perm {
				rs := r.RulesTo(perm[a])
				for j := range rs.Len() {
					if h := rs.At(j).Holder; slices.Contains(perm[a+1:], h) {
						cost++ // h names a group deleted before it
					}
				}
			}
			if best < 0 || cost < best {
				best = cost
			}
			return
		}
		for i := k; i < len(perm); i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return best
}

// TestLargeCycle: a cycle too large to search exhaustively is still cut into a plan that
// works, and says its cut may not be the fewest.
func TestLargeCycle(t *testing.T) {
	inv := &inventory.Inventory{}
	zero := 0
	const n = 24
	for i := range n {
		g := inventory.Group{RegionId: "r", OwnerId: "1", SecurityGroupId: fmt.Sprintf("sg-%02d", i), EcsCount: &zero, NetworkInterfaceCount: &zero}
		for _, d := range []int{1, 5} {
			g.Permissions.Permission = append(g.Permissions.Permission, inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-%02d-%d", i, d),
				Direction: inventory.Ingress, SourceGroupId: fmt.Sprintf("sg-%02d", (i+d)%n)})
		}
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	r, _ := refs.Build(inv).Region("r")
	set := make([]int32, n)
	for i := range set {
		set[i] = int32(i)
	}
	p := plan.Make(r, set, plan.Options{})
	if p.Blocked || p.CycleMinimal || p.CycleRevocations == 0 {
		t.Fatalf("Blocked=%v CycleMinimal=%v CycleRevocations=%d, want false false >0", p.Blocked, p.CycleMinimal, p.CycleRevocations)
	}
	w := newWorld(inv)
	for i, s := range p.Steps {
		if err := w.apply(s, ""); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	if len(w) != 0 {
		t.Fatalf("%d groups left", len(w))
	}
}

// TestBlockers: each kind of blocker, and a plan over another account's rules.
func TestBlockers(t *testing.T) {
	one, zero := 1, 0
	g := func(id, owner string, ecs, nic *int, rules ...inventory.Permission) inventory.Group {
		return inventory.Group{RegionId: "r", OwnerId: owner, SecurityGroupId: id, EcsCount: ecs, NetworkInterfaceCount: nic, Permissions: inventory.Permissions{Permission: rules}}
	}
	names := func(id, src string) inventory.Permission {
		return inventory.Permission{SecurityGroupRuleId: id, Direction: inventory.Ingress, SourceGroupId: src}
	}
	managed := g("sg-m", "1", &zero, &zero)
	managed.ServiceManaged = true
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		g("sg-a", "1", &one, &zero), g("sg-b", "1", &zero, nil), g("sg-c", "1", &zero, &one), managed,
		g("sg-d", "1", &zero, &zero), g("sg-x", "2", &zero, &zero, names("sgr-x", "sg-d")), g("sg-y", "1", &zero, &zero, names("", "sg-d")),
		g("sg-e", "1", &zero, &zero, names("sgr-self", "sg-e")),
	}}
	r, _ := refs.Build(inv).Region("r")
	kinds := func(id string, account string) []string {
		p, _ := r.Lookup(id)
		pl := plan.Make(r, []int32{p}, plan.Options{Account: account})
		out := []string{}
		for _, b := range pl.Blockers {
			out = append(out, b.Kind)
		}
		if pl.Blocked != (len(out) > 0) {
			t.Errorf("%s: Blocked=%v with blockers %q", id, pl.Blocked, out)
		}
		return out
	}
	for _, tc := range []struct {
		id, account string
		want        []string
	}{
		{"sg-a", "", []string{plan.BlockInstances}},
		{"sg-b", "", []string{plan.BlockUnknownUsage}},
		{"sg-c", "", []string{plan.BlockInterfaces}},
		{"sg-m", "", []string{plan.BlockServiceManaged}},
		{"sg-d", "", []string{plan.BlockRuleWithoutRuleID}},
		{"sg-d", "1", []string{plan.BlockOtherAccountRule, plan.BlockRuleWithoutRuleID}},
		{"sg-e", "1", []string{}}, // a self-rule goes with its group
	} {
		if got := kinds(tc.id, tc.account); !slices.Equal(got, tc.want) {
			t.Errorf("%s (account %q): blockers %q, want %q", tc.id, tc.account, got, tc.want)
		}
	}
}
