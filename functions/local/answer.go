package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"sgref/shared/config"
	"sgref/shared/graph"
	"sgref/shared/plan"
	"sgref/shared/provider"
	"sgref/shared/refs"
)

// Exit codes beyond 0 (done) and 1 (failed).
const (
	exitUsage   = 2
	exitBlocked = 3 // plan-delete: the plan is printed, but some blocker keeps it from deleting every group
)

// exitError carries an exit code other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErr(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// stdout is where answers go; a variable so that tests read them.
var stdout io.Writer = os.Stdout

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// groupArgs reads the flags of the commands that answer about groups: -region, -o (one
// of formats, the first the default), the group IDs.
type groupArgs struct {
	region, output string
	ids            []string
}

func parseGroupArgs(fs *flag.FlagSet, args []string, formats ...string) (*groupArgs, error) {
	a := &groupArgs{}
	fs.StringVar(&a.region, "region", "", "the groups' region (required)")
	fs.StringVar(&a.output, "o", formats[0], "output: "+strings.Join(formats, "|"))
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return nil, &exitError{exitUsage, err}
	}
	// Flags may follow the IDs, as in `graph sg-x -depth 2`.
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		if strings.HasPrefix(rest[0], "-") {
			if err := fs.Parse(rest); err != nil {
				return nil, &exitError{exitUsage, err}
			}
			continue
		}
		a.ids = append(a.ids, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, &exitError{exitUsage, err}
		}
	}
	switch {
	case a.region == "":
		return nil, usageErr("%s: -region is required", fs.Name())
	case len(a.ids) == 0:
		return nil, usageErr("%s: no security group IDs", fs.Name())
	case !slices.Contains(formats, a.output):
		return nil, usageErr("%s: -o %q: want %s", fs.Name(), a.output, strings.Join(formats, "|"))
	}
	for _, id := range a.ids {
		if id == "" || len(id) > 128 {
			return nil, usageErr("%s: %q is not a security group ID", fs.Name(), id)
		}
	}
	return a, nil
}

// resolve loads the configured inventory's index and finds the groups of the arguments in
// their region.
func (a *groupArgs) resolve(ctx context.Context) (*refs.Index, *refs.Region, []int32, error) {
	ix, err := index(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	r, pos, err := lookup(ix, a.region, a.ids)
	return ix, r, pos, err
}

// index loads the configured inventory's index, as the server would.
func index(ctx context.Context) (*refs.Index, error) {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	p, _, err := provider.New(ctx, cfg, cfg.Logger())
	if err != nil {
		return nil, err
	}
	return p.Current(ctx)
}

// lookup finds the groups in the region, each ID once, with an error that says where a
// group is when it is not there.
func lookup(ix *refs.Index, region string, ids []string) (*refs.Region, []int32, error) {
	r, ok := ix.Region(region)
	if !ok {
		return nil, nil, fmt.Errorf("region %s: the inventory holds no group there (regions: %s)", region, strings.Join(ix.Regions(), ", "))
	}
	var pos []int32
	for _, id := range ids {
		p, ok := r.Lookup(id)
		if !ok {
			if other, found := ix.RegionOf(id); found {
				return nil, nil, fmt.Errorf("%s is a group of %s, not of %s", id, other, region)
			}
			return nil, nil, fmt.Errorf("%s: no such group in the inventory", id)
		}
		if !slices.Contains(pos, p) {
			pos = append(pos, p)
		}
	}
	return r, pos, nil
}

func writeJSON(v any) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// refsCmd prints, for each group, the groups whose rules name it.
//
//	local refs -region cn-hangzhou [-o table|json] sg-1133aa …
func refsCmd(ctx context.Context, args []string) error {
	a, err := parseGroupArgs(flag.NewFlagSet("refs", flag.ContinueOnError), args, "table", "json")
	if err != nil {
		return err
	}
	_, r, pos, err := a.resolve(ctx)
	if err != nil {
		return err
	}
	type referencing struct{ SecurityGroupId, AliUid, SecurityGroupName string }
	type entry struct {
		SecurityGroupId           string
		ReferencingSecurityGroups []referencing
	}
	out := make([]entry, len(pos))
	for i, p := range pos {
		out[i] = entry{SecurityGroupId: r.Group(p).ID, ReferencingSecurityGroups: []referencing{}}
		for q := range r.Referrers(p).All() {
			g := r.Group(q)
			out[i].ReferencingSecurityGroups = append(out[i].ReferencingSecurityGroups, referencing{g.ID, g.OwnerID, g.Name})
		}
	}
	if a.output == "json" {
		return writeJSON(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tREFERENCED BY\tACCOUNT\tNAME")
	for _, e := range out {
		if len(e.ReferencingSecurityGroups) == 0 {
			fmt.Fprintf(tw, "%s\t-\t\t(nothing references it)\n", e.SecurityGroupId)
		}
		for _, g := range e.ReferencingSecurityGroups {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.SecurityGroupId, g.SecurityGroupId, g.AliUid, g.SecurityGroupName)
		}
	}
	return tw.Flush()
}

// rulesCmd prints the rules of other groups that name each group: what blocks its deletion.
//
//	local rules -region cn-hangzhou [-o table|json] sg-1133aa …
func rulesCmd(ctx context.Context, args []string) error {
	a, err := parseGroupArgs(flag.NewFlagSet("rules", flag.ContinueOnError), args, "table", "json")
	if err != nil {
		return err
	}
	_, r, pos, err := a.resolve(ctx)
	if err != nil {
		return err
	}
	type rule struct {
		SecurityGroupId, AliUid, SecurityGroupRuleId                    string
		RulePosition                                                    int
		Direction, Policy, IpProtocol, PortRange, Priority, Description string
	}
	type entry struct {
		SecurityGroupId  string
		ReferencingRules []rule
	}
	out := make([]entry, len(pos))
	for i, p := range pos {
		out[i] = entry{SecurityGroupId: r.Group(p).ID, ReferencingRules: []rule{}}
		rs := r.RulesTo(p)
		for k := range rs.Len() {
			x := rs.At(k)
			h := r.Group(x.Holder)
			out[i].ReferencingRules = append(out[i].ReferencingRules, rule{h.ID, h.OwnerID, x.ID, int(x.Position),
				x.Direction, x.Policy, x.IpProtocol, x.PortRange, x.Priority, x.Description})
		}
	}
	if a.output == "json" {
		return writeJSON(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tRULE OF\tACCOUNT\tRULE\tDIRECTION\tPOLICY\tPROTOCOL\tPORTS\tPRIORITY")
	for _, e := range out {
		if len(e.ReferencingRules) == 0 {
			fmt.Fprintf(tw, "%s\t-\t\t(no rule of another group names it)\n", e.SecurityGroupId)
		}
		for _, x := range e.ReferencingRules {
			id := x.SecurityGroupRuleId
			if id == "" {
				id = fmt.Sprintf("#%d (no ID)", x.RulePosition)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.SecurityGroupId, x.SecurityGroupId, x.AliUid, id, x.Direction, x.Policy, x.IpProtocol, x.PortRange, x.Priority)
		}
	}
	return tw.Flush()
}

// planDelete prints the deletion plan of a set of groups; a blocked plan exits with 3.
//
//	local plan-delete -region cn-hangzhou [-account 123] [-o table|json|aliyun] sg-a sg-b …
func planDelete(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plan-delete", flag.ContinueOnError)
	account := fs.String("account", "", "the account that carries the plan out: other accounts' rules become blockers (default: any)")
	a, err := parseGroupArgs(fs, args, "table", "json", "aliyun")
	if err != nil {
		return err
	}
	_, r, pos, err := a.resolve(ctx)
	if err != nil {
		return err
	}
	if *account != "" {
		for _, p := range pos {
			if g := r.Group(p); g.OwnerID != *account {
				return fmt.Errorf("%s belongs to account %s, not %s: only its owner may delete it", g.ID, g.OwnerID, *account)
			}
		}
	}
	p := plan.Make(r, pos, plan.Options{Account: *account})
	switch a.output {
	case "json":
		err = writeJSON(p)
	case "aliyun":
		err = p.WriteAliyun(stdout)
	default:
		err = p.WriteTable(stdout)
	}
	if err == nil && p.Blocked {
		return &exitError{exitBlocked, fmt.Errorf("plan-delete: blocked: %d blockers (listed with the plan)", len(p.Blockers))}
	}
	return err
}

// graphCmd draws a group's neighbourhood.
//
//	local graph -region cn-hangzhou [-depth 2] [-limit 60] [-o svg|dot|mermaid] sg-1133aa
func graphCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	depth := fs.Int("depth", graph.DefaultDepth, "rings of neighbours to draw")
	limit := fs.Int("limit", graph.DefaultLimit, "most groups drawn; the rest are counted in a note")
	a, err := parseGroupArgs(fs, args, "svg", "dot", "mermaid")
	if err != nil {
		return err
	}
	if len(a.ids) != 1 || *depth < 1 || *depth > 10 || *limit < 1 {
		return usageErr("graph: one group ID, -depth 1..10, -limit ≥ 1")
	}
	ix, r, pos, err := a.resolve(ctx)
	if err != nil {
		return err
	}
	g := graph.Neighbourhood(ix, r, pos[0], graph.Options{Depth: *depth, Limit: *limit})
	if note := g.Note(); note != "" {
		fmt.Fprintln(os.Stderr, "graph:", note)
	}
	switch a.output {
	case "dot":
		return g.WriteDOT(stdout)
	case "mermaid":
		return g.WriteMermaid(stdout)
	}
	return g.WriteSVG(stdout)
}

// exitCode is the process's exit status for err.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}
