package scan

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// WriteSummary writes the report for people: the counts per region and account, then up
// to top findings of each kind. The JSON report (WriteJSON) is what machines read.
func (rep *Report) WriteSummary(w io.Writer, top int) error {
	type key struct{ region, account string }
	type counts struct{ dangling, unverifiable, unreferenced int }
	per := map[key]*counts{}
	at := func(region, account string) *counts {
		k := key{region, account}
		if per[k] == nil {
			per[k] = &counts{}
		}
		return per[k]
	}
	for r := range rep.DanglingReferences() {
		at(r.RegionId, r.OwnerId).dangling++
	}
	for r := range rep.UnverifiableReferences() {
		at(r.RegionId, r.OwnerId).unverifiable++
	}
	for g := range rep.UnreferencedGroups() {
		at(g.RegionId, g.OwnerId).unreferenced++
	}
	keys := make([]key, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.account, b.account)) })

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	s := rep.Summary
	fmt.Fprintf(tw, "scan %s: %d groups in %d regions scanned: %d dangling, %d unverifiable, %d unreferenced\n\n",
		rep.ScanID, s.ScannedGroups, s.ScannedRegions, s.DanglingReferences, s.UnverifiableReferences, s.UnreferencedGroups)
	if len(keys) > 0 {
		fmt.Fprintln(tw, "REGION\tACCOUNT\tDANGLING\tUNVERIFIABLE\tUNREFERENCED")
		for _, k := range keys {
			c := per[k]
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", k.region, k.account, c.dangling, c.unverifiable, c.unreferenced)
		}
	}
	refList := func(title string, total int, seq func(func(Reference) bool)) {
		if total == 0 {
			return
		}
		fmt.Fprintf(tw, "\n%s (%s):\n", title, shown(total, top))
		n := 0
		for r := range seq {
			if n == top {
				break
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s %s\t%s %s\n", r.RegionId, r.SecurityGroupId, r.SecurityGroupRuleId, r.Direction, r.ReferencedGroupId, r.IpProtocol, r.PortRange)
			n++
		}
	}
	refList("dangling references (rules naming a group that is gone)", s.DanglingReferences, rep.DanglingReferences())
	refList("unverifiable references (a group of an account the inventory does not cover)", s.UnverifiableReferences, rep.UnverifiableReferences())
	if s.UnreferencedGroups > 0 {
		fmt.Fprintf(tw, "\nunreferenced groups: deletion candidates (%s):\n", shown(s.UnreferencedGroups, top))
		n := 0
		for g := range rep.UnreferencedGroups() {
			if n == top {
				break
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", g.RegionId, g.OwnerId, g.SecurityGroupId, g.SecurityGroupName)
			n++
		}
		fmt.Fprintf(tw, "  (each: %s)\n", UnreferencedReason)
	}
	return tw.Flush()
}

func shown(total, top int) string {
	if total <= top {
		return fmt.Sprintf("%d", total)
	}
	return fmt.Sprintf("top %d of %d", top, total)
}
