package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/graph"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// BenchmarkGraph: the SVG of a hub group that 1 000 groups reference (two rules each), in
// a 100 000-group inventory, at the default node limit and with every referrer drawn,
// against the base of answering DescribeSecurityGroupReferences for the hub (JSON, every
// page, through the handler) in the same run.
func BenchmarkGraph(b *testing.B) {
	inv := testkit.SynthInventory(b, 100_000)
	zero := 0
	inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-hub", SecurityGroupName: "hub", EcsCount: &zero})
	for i := range 1000 {
		g := inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: fmt.Sprintf("sg-ref%04d", i), EcsCount: &zero}
		for _, port := range []string{"22/22", "443/443"} {
			g.Permissions.Permission = append(g.Permissions.Permission, inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-ref%04d-%s", i, port),
				Direction: "ingress", SourceGroupId: "sg-hub", IpProtocol: "TCP", PortRange: port, Policy: "Accept"})
		}
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	ix := refs.Build(inv)
	inv = nil
	r, _ := ix.Region("cn-hangzhou")
	hub, _ := r.Lookup("sg-hub")
	h := ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{RequestID: func() string { return "x" }})
	q := "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-hub"
	b.Run("hub=1000/base", func(b *testing.B) {
		for b.Loop() {
			allPages(b, h, q)
		}
	})
	for _, limit := range []int{graph.DefaultLimit, 2000} {
		b.Run(fmt.Sprintf("hub=1000/svg-limit%d", limit), func(b *testing.B) {
			for b.Loop() {
				g := graph.Neighbourhood(ix, r, hub, graph.Options{Limit: limit})
				if err := g.WriteSVG(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// allPages answers q and every page after it.
func allPages(b *testing.B, h *ecsapi.Handler, q string) {
	for tok := ""; ; {
		qq := q
		if tok != "" {
			qq += "&NextToken=" + tok
		}
		resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Host: "h", Header: http.Header{}, RawQuery: qq})
		if resp.Status != 200 {
			b.Fatal(string(resp.Body))
		}
		var page struct{ NextToken string }
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			b.Fatal(err)
		}
		if tok = page.NextToken; tok == "" {
			return
		}
	}
}
