package refs_test

import (
	"fmt"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

func TestUnresolvedOfAndRegionOf(t *testing.T) {
	rule := func(id, target string) inventory.Permission {
		return inventory.Permission{SecurityGroupRuleId: id, Direction: inventory.Ingress, SourceGroupId: target}
	}
	ix := refs.Build(&inventory.Inventory{SecurityGroups: []inventory.Group{
		group("r", "1", "sg-c", rule("r5", "sg-x"), rule("r4", "sg-a"), rule("r3", "sg-y")),
		group("r", "1", "sg-a", rule("r2", "sg-z")),
		group("r", "1", "sg-b"),
		group("q", "1", "sg-q"),
	}})
	r, _ := ix.Region("r")
	for id, want := range map[string]string{"sg-a": "[r2]", "sg-b": "[]", "sg-c": "[r3 r5]"} {
		p, _ := r.Lookup(id)
		var got []string
		for _, u := range r.UnresolvedOf(p) {
			got = append(got, u.RuleID)
		}
		if fmt.Sprint(got) != want && !(want == "[]" && got == nil) {
			t.Errorf("UnresolvedOf(%s) = %v, want %s", id, got, want)
		}
	}
	for id, want := range map[string]string{"sg-a": "r", "sg-q": "q", "sg-x": ""} {
		if got, ok := ix.RegionOf(id); got != want || ok != (want != "") {
			t.Errorf("RegionOf(%s) = %q, %v; want %q", id, got, ok, want)
		}
	}
}
