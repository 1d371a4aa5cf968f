package refs_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

func group(region, owner, id string, rules ...inventory.Permission) inventory.Group {
	return inventory.Group{RegionId: region, OwnerId: owner, SecurityGroupId: id,
		Permissions: inventory.Permissions{Permission: rules}}
}

func in(src string) inventory.Permission {
	return inventory.Permission{Direction: inventory.Ingress, SourceGroupId: src, Policy: "Accept"}
}

func out(dst string) inventory.Permission {
	return inventory.Permission{Direction: inventory.Egress, DestGroupId: dst, Policy: "Accept"}
}

// referrers returns "id/owner" of every group referencing id in region.
func referrers(ix *refs.Index, region, id string) []string {
	r, ok := ix.Region(region)
	if !ok {
		return nil
	}
	p, ok := r.Lookup(id)
	if !ok {
		return nil
	}
	list := []string{}
	for q := range r.Referrers(p).All() {
		g := r.Group(q)
		list = append(list, g.ID+"/"+g.OwnerID)
	}
	return list
}

func TestReferenceSemantics(t *testing.T) {
	drop := in("sg-a")
	drop.Policy = "Drop"
	wrongWay := inventory.Permission{Direction: inventory.Ingress, DestGroupId: "sg-a"} // ingress names a source, not a destination
	wrongWay2 := inventory.Permission{Direction: inventory.Egress, SourceGroupId: "sg-a"}
	for name, tc := range map[string]struct {
		groups []inventory.Group
		want   []string
	}{
		"ingress source":          {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", in("sg-a"))}, []string{"sg-b/1"}},
		"egress destination":      {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", out("sg-a"))}, []string{"sg-b/1"}},
		"drop counts":             {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", drop)}, []string{"sg-b/1"}},
		"wrong field ignored":     {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", wrongWay, wrongWay2)}, []string{}},
		"self rule ignored":       {[]inventory.Group{group("r", "1", "sg-a", in("sg-a"), out("sg-a"))}, []string{}},
		"listed once, many rules": {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", in("sg-a"), out("sg-a"), in("sg-a"))}, []string{"sg-b/1"}},
		"other region ignored":    {[]inventory.Group{group("r", "1", "sg-a"), group("q", "1", "sg-b", in("sg-a"))}, []string{}},
		"sorted by id, owner is the referrer's": {[]inventory.Group{
			group("r", "1", "sg-a"), group("r", "2", "sg-z", in("sg-a")), group("r", "1", "sg-c", out("sg-a")), group("r", "3", "sg-m", in("sg-a")),
		}, []string{"sg-c/1", "sg-m/3", "sg-z/2"}},
		"cidr rules ignored": {[]inventory.Group{group("r", "1", "sg-a"), group("r", "1", "sg-b", inventory.Permission{Direction: "ingress", SourceCidrIp: "10.0.0.0/8"})}, []string{}},
	} {
		t.Run(name, func(t *testing.T) {
			ix := refs.Build(&inventory.Inventory{SecurityGroups: tc.groups})
			if got := referrers(ix, "r", "sg-a"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("referrers of sg-a = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSampleSeedExample(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	ix := refs.Build(inv)
	if got, want := referrers(ix, "cn-hangzhou", "sg-1133aa"), []string{"sg-2255cc/123", "sg-2255dd/123"}; !reflect.DeepEqual(got, want) {
		t.Errorf("seed example: got %v, want %v", got, want)
	}
	if got := ix.Regions(); len(got) != 3 {
		t.Errorf("regions %v, want 3", got)
	}
	st := ix.Stats()
	if st.Groups != len(inv.SecurityGroups) || st.References == 0 || st.Rules < st.References {
		t.Errorf("stats %+v", st)
	}
}

func TestPaginate(t *testing.T) {
	type span = refs.Span
	for _, tc := range []struct {
		lens        []int
		start, size int
		want        []span
		more        bool
	}{
		{[]int{}, 0, 3, nil, false},
		{[]int{0}, 0, 3, []span{{0, 0, 0}}, false},
		{[]int{2, 0, 1}, 0, 3, []span{{0, 0, 2}, {1, 0, 0}, {2, 0, 1}}, false},
		{[]int{3, 0}, 0, 3, []span{{0, 0, 3}}, true}, // an empty entry after the 3rd record goes to the next page
		{[]int{3, 0}, 3, 3, []span{{1, 0, 0}}, false},
		{[]int{5}, 0, 3, []span{{0, 0, 3}}, true},
		{[]int{5}, 3, 3, []span{{0, 3, 5}}, false},
		{[]int{2, 2, 2}, 3, 3, []span{{1, 1, 2}, {2, 0, 2}}, false},
		{[]int{0, 7, 0, 1}, 3, 3, []span{{1, 3, 6}}, true},
		{[]int{0, 7, 0, 1}, 6, 3, []span{{1, 6, 7}, {2, 0, 0}, {3, 0, 1}}, false},
		{[]int{5}, 6, 3, nil, false}, // past the end
		{[]int{5}, 2, 3, nil, false}, // not a page start
		{[]int{5}, -3, 3, nil, false},
	} {
		t.Run(fmt.Sprint(tc.lens, tc.start), func(t *testing.T) {
			got, more := refs.Paginate(tc.lens, tc.start, tc.size)
			if !reflect.DeepEqual(got, tc.want) || more != tc.more {
				t.Errorf("Paginate(%v, %d, %d) = %v, %v; want %v, %v", tc.lens, tc.start, tc.size, got, more, tc.want, tc.more)
			}
		})
	}
}

// TestPaginateCoversEverything pages through many shapes and checks every record and every
// entry is served exactly once per page sequence, in order.
func TestPaginateCoversEverything(t *testing.T) {
	for seed := 0; seed < 200; seed++ {
		lens := make([]int, seed%11)
		for i := range lens {
			lens[i] = (seed * (i + 7)) % 9 % (i + 2)
		}
		var got [][2]int
		entries := []int{}
		start, pages := 0, 0
		for {
			spans, more := refs.Paginate(lens, start, 4)
			pages++
			n := 0
			for _, s := range spans {
				if len(entries) == 0 || entries[len(entries)-1] != s.Entry {
					entries = append(entries, s.Entry)
				}
				for k := s.From; k < s.To; k++ {
					got = append(got, [2]int{s.Entry, k})
					n++
				}
			}
			if more && n != 4 {
				t.Fatalf("lens %v page %d: %d records with more to come, want 4", lens, pages, n)
			}
			if !more {
				break
			}
			start += 4
		}
		var want [][2]int
		for e, n := range lens {
			for k := 0; k < n; k++ {
				want = append(want, [2]int{e, k})
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("lens %v: records %v, want %v", lens, got, want)
		}
		if len(entries) != len(lens) {
			t.Fatalf("lens %v: entries %v, want each once", lens, entries)
		}
	}
}
