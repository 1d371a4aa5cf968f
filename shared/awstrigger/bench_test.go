package awstrigger_test

import (
	"context"
	"net/http"
	"testing"

	"sgref/shared/ecsapi"
)

// BenchmarkWarmInvoke is one warm HTTP API v2 invocation through the adapter (event JSON
// in, API Gateway response out), against the core alone serving the same request.
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	raw := mustRead(b, "http-api-v2.json")
	req := &ecsapi.Request{Method: "POST", Host: "abcdef1234.execute-api.us-east-1.amazonaws.com", Header: http.Header{},
		RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"}
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			h.API.Serve(context.Background(), req)
		}
	})
	b.Run("sgref", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.Handle(context.Background(), raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
