package ecsapi

import (
	"context"
	"net/http"
	"testing"

	"sgref/shared/refs"
)

// BenchmarkDangling is one DescribeDanglingSecurityGroupReferences request for a whole
// region (cn-hangzhou: 60 000 groups, about 18 000 unresolved rules to classify) of the
// 100 000-group inventory, first page. The baseline is rendering the same response alone.
func BenchmarkDangling(b *testing.B) {
	ix := bigIndex()
	h := NewHandler(refs.Static(ix), Options{})
	for _, format := range []string{"JSON", "XML"} {
		query := "Action=DescribeDanglingSecurityGroupReferences&RegionId=cn-hangzhou&Format=" + format
		req := &Request{Method: "GET", Host: "127.0.0.1", Header: http.Header{}, RawQuery: query}
		b.Run(format+"/base", func(b *testing.B) {
			c := &call{req: req, requestID: newRequestID(), format: format, index: ix}
			c.params, _ = ParseParams(query, nil, "")
			v, err := describeDangling(context.Background(), c)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				render(v, format)
			}
		})
		b.Run(format+"/sgref", func(b *testing.B) {
			for b.Loop() {
				if resp := h.Serve(context.Background(), req); resp.Status != 200 || len(resp.Body) < 10_000 {
					b.Fatalf("Status=%d %.200s", resp.Status, resp.Body)
				}
			}
		})
	}
}
