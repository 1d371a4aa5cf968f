package ecsapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

var bigIndex = sync.OnceValue(func() *refs.Index {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.Write(pw, synth.Options{Groups: 100_000, Rules: 10, Seed: 1})) }()
	b := refs.NewBuilder()
	if err := inventory.Stream(pr, func(g *inventory.Group) error { b.Add(g); return nil }); err != nil {
		panic(err)
	}
	return b.Index()
})

// tenIDs is a query for ten groups of the synthetic inventory: two hubs (many referrers,
// so the page fills to 100 records) and eight ordinary groups.
func tenIDs(format string) string {
	var q strings.Builder
	q.WriteString("Action=DescribeSecurityGroupReferences&Version=2014-05-26&RegionId=cn-hangzhou&Format=" + format)
	for i, g := range []int{0, 1, 500, 1234, 5000, 12345, 23456, 34567, 45678, 59999} {
		fmt.Fprintf(&q, "&SecurityGroupId.%d=%s", i+1, synth.GroupID(g))
	}
	return q.String()
}

// BenchmarkServe is one DescribeSecurityGroupReferences request end to end in process,
// query string in, envelope bytes out, on a 100 000-group × 10-rule inventory. The
// baseline is rendering the same response value alone (reflect: the same by encoding/json
// or encoding/xml, as every envelope was rendered before issue 14).
func BenchmarkServe(b *testing.B) {
	benchAgainstRender(b, describeReferences, tenIDs, func(r *Response) bool { return r.Status == 200 })
}

// benchAgainstRender runs, in JSON and XML, one request end to end (sgref) against the
// baseline of rendering the same action's answer alone (base), on the 100 000-group index.
func benchAgainstRender(b *testing.B, act func(context.Context, *Call) (any, error), query func(format string) string, ok func(*Response) bool) {
	ix := bigIndex()
	h := NewHandler(refs.Static(ix), Options{})
	for _, format := range []string{"JSON", "XML"} {
		q := query(format)
		req := &Request{Method: "GET", Host: "127.0.0.1", Header: http.Header{}, RawQuery: q}
		b.Run(format+"/base", func(b *testing.B) {
			c := &Call{req: req, requestID: newRequestID(), format: format, index: ix}
			c.params, _ = ParseParams(q, nil, "")
			v, err := act(context.Background(), c)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				render(v, format)
			}
		})
		b.Run(format+"/reflect", func(b *testing.B) { // what base was before the envelopes rendered themselves
			c := &Call{req: req, requestID: newRequestID(), format: format, index: ix}
			c.params, _ = ParseParams(q, nil, "")
			v, err := act(context.Background(), c)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				renderReflect(v, format)
			}
		})
		b.Run(format+"/sgref", func(b *testing.B) {
			for b.Loop() {
				if resp := h.Serve(context.Background(), req); !ok(resp) {
					b.Fatalf("Status=%d %.200s", resp.Status, resp.Body)
				}
			}
		})
	}
}
