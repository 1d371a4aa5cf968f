package plan_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/plan"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// BenchmarkPlan: the deletion plan of 50 groups (the first 50 of cn-hangzhou, hubs among
// them) in a 100 000-group inventory, written as JSON as the CLI does, against the base of
// answering DescribeSecurityGroupReferences for the same 50 groups (five requests of 10,
// JSON, through the handler, every page) in the same run.
func BenchmarkPlan(b *testing.B) {
	inv := testkit.SynthInventory(b, 100_000)
	ix := refs.Build(inv)
	inv = nil
	r, _ := ix.Region("cn-hangzhou")
	set := make([]int32, 50)
	var queries []string
	q := "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou"
	for i := range set {
		set[i] = mustLookup(b, r, synth.GroupID(i))
		q += "&SecurityGroupId." + strconv.Itoa(i%10+1) + "=" + synth.GroupID(i)
		if i%10 == 9 {
			queries = append(queries, q)
			q = "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou"
		}
	}
	h := ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{RequestID: func() string { return "x" }})
	b.Run("set=50/base", func(b *testing.B) {
		for b.Loop() {
			for _, q := range queries {
				allPages(b, h, q)
			}
		}
	})
	var steps int
	b.Run("set=50/sgref", func(b *testing.B) {
		for b.Loop() {
			p := plan.Make(r, set, plan.Options{})
			steps = len(p.Steps)
			if err := json.NewEncoder(io.Discard).Encode(p); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(steps), "steps")
	})
}

func mustLookup(tb testing.TB, r *refs.Region, id string) int32 {
	p, ok := r.Lookup(id)
	if !ok {
		tb.Fatalf("%s not in %s", id, r.ID)
	}
	return p
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
