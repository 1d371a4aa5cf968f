package refs_test

import (
	"fmt"
	"reflect"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

func rulesOf(r *refs.Region, rs refs.Rules) []string {
	out := []string{}
	for k := range rs.Len() {
		x := rs.At(k)
		out = append(out, fmt.Sprintf("%s>%s %s#%d %s %s %s %s %s %q", r.Group(x.Holder).ID, r.Group(x.Target).ID,
			x.ID, x.Position, x.Direction, x.Policy, x.IpProtocol, x.PortRange, x.Priority, x.Description))
	}
	return out
}

func TestRules(t *testing.T) {
	rule := func(id, dir, peer, port string) inventory.Permission {
		p := inventory.Permission{SecurityGroupRuleId: id, Direction: dir, IpProtocol: "TCP", PortRange: port, Policy: "Accept", Priority: "1", Description: "d" + id}
		if dir == inventory.Ingress {
			p.SourceGroupId = peer
		} else {
			p.DestGroupId = peer
		}
		return p
	}
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		group("r", "1", "sg-c", rule("sgr-9", "ingress", "sg-a", "22/22"), rule("", "egress", "sg-a", "80/80"), rule("sgr-1", "ingress", "sg-b", "1/1")),
		group("r", "1", "sg-a", rule("sgr-5", "ingress", "sg-a", "22/22"), rule("sgr-6", "egress", "sg-gone", "22/22")),
		group("r", "2", "sg-b", rule("sgr-3", "egress", "sg-a", "443/443"), rule("sgr-2", "ingress", "sg-c", "443/443")),
	}}
	ix := refs.Build(inv)
	r, _ := ix.Region("r")
	a, _ := r.Lookup("sg-a")
	c, _ := r.Lookup("sg-c")
	if got, want := rulesOf(r, r.RulesTo(a)), []string{
		`sg-b>sg-a sgr-3#1 egress Accept TCP 443/443 1 "dsgr-3"`,
		`sg-c>sg-a #2 egress Accept TCP 80/80 1 "d"`,
		`sg-c>sg-a sgr-9#1 ingress Accept TCP 22/22 1 "dsgr-9"`,
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("RulesTo(sg-a) = %q, want %q", got, want)
	}
	if got, want := rulesOf(r, r.RulesFrom(c)), []string{
		`sg-c>sg-a #2 egress Accept TCP 80/80 1 "d"`,
		`sg-c>sg-a sgr-9#1 ingress Accept TCP 22/22 1 "dsgr-9"`,
		`sg-c>sg-b sgr-1#3 ingress Accept TCP 1/1 1 "dsgr-1"`,
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("RulesFrom(sg-c) = %q, want %q", got, want)
	}
	if got := r.RulesFrom(a).Len(); got != 0 { // a self-rule and a dangling one
		t.Errorf("RulesFrom(sg-a).Len() = %d, want 0", got)
	}
	// Referrers and the rules agree.
	for i := range int32(r.Len()) {
		seen := map[int32]bool{}
		for k := range r.RulesTo(i).Len() {
			seen[r.RulesTo(i).At(k).Holder] = true
		}
		if len(seen) != r.Referrers(i).Len() {
			t.Errorf("group %s: %d holders of rules, %d referrers", r.Group(i).ID, len(seen), r.Referrers(i).Len())
		}
	}
}

func TestCounts(t *testing.T) {
	two := 2
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-a", NetworkInterfaceCount: &two},
		{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-b"},
	}}
	r, _ := refs.Build(inv).Region("r")
	if g := r.Group(0); g.NicCount != 2 || g.EcsCount != -1 {
		t.Errorf("sg-a: NicCount=%d EcsCount=%d, want 2 -1", g.NicCount, g.EcsCount)
	}
	if g := r.Group(1); g.NicCount != -1 {
		t.Errorf("sg-b: NicCount=%d, want -1 (unknown)", g.NicCount)
	}
}
