package plan

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Commands returns the aliyun CLI commands that carry the plan out, one a line, in
// order:
//
//	aliyun ecs RevokeSecurityGroup --RegionId R --SecurityGroupId G --SecurityGroupRuleId.1 sgr-1 [--SecurityGroupRuleId.2 …]
//	aliyun ecs RevokeSecurityGroupEgress --RegionId R --SecurityGroupId G --SecurityGroupRuleId.1 sgr-1 …
//	aliyun ecs DeleteSecurityGroup --RegionId R --SecurityGroupId G
func (p *Plan) Commands() []string {
	out := make([]string, 0, len(p.Steps))
	for _, s := range p.Steps {
		var b strings.Builder
		fmt.Fprintf(&b, "aliyun ecs %s --RegionId %s --SecurityGroupId %s", s.Action, p.RegionId, s.SecurityGroupId)
		for i, id := range s.SecurityGroupRuleIds {
			fmt.Fprintf(&b, " --SecurityGroupRuleId.%d %s", i+1, id)
		}
		out = append(out, b.String())
	}
	return out
}

// WriteAliyun writes the plan as aliyun CLI commands, one a line, for a script to read
// or a shell to run. A blocked plan writes its blockers as # comment lines, then its
// steps commented out too, so that running the output changes nothing.
func (p *Plan) WriteAliyun(w io.Writer) error {
	prefix := ""
	if p.Blocked {
		fmt.Fprintf(w, "# BLOCKED: %d blockers that no step removes; nothing below would delete every group\n", len(p.Blockers))
		for _, b := range p.Blockers {
			fmt.Fprintf(w, "# blocker %s %s: %s\n", b.SecurityGroupId, b.Kind, b.Detail)
		}
		prefix = "# "
	}
	for _, c := range p.Commands() {
		if _, err := fmt.Fprintln(w, prefix+c); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable writes the plan for people: its steps numbered, then its blockers.
func (p *Plan) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	state := "ready"
	if p.Blocked {
		state = "BLOCKED"
	}
	fmt.Fprintf(tw, "deletion plan for %s in %s: %s, %d steps\n", strings.Join(p.SecurityGroupIds, " "), p.RegionId, state, len(p.Steps))
	if p.CycleRevocations > 0 {
		minimal := "the fewest possible"
		if !p.CycleMinimal {
			minimal = "found by a heuristic, maybe not the fewest"
		}
		fmt.Fprintf(tw, "cycles inside the set cost %d revoked rules (%s)\n", p.CycleRevocations, minimal)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "STEP\tACTION\tGROUP\tOWNER\tRULES\tWHY")
	for i, s := range p.Steps {
		rules := strings.Join(s.SecurityGroupRuleIds, ",")
		if rules == "" {
			rules = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, s.Action, s.SecurityGroupId, s.OwnerId, rules, s.Reason)
	}
	if len(p.Blockers) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "BLOCKED\tBY\tDETAIL")
		for _, b := range p.Blockers {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", b.SecurityGroupId, b.Kind, b.Detail)
		}
	}
	return tw.Flush()
}
