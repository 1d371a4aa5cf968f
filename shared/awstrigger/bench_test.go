package awstrigger_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	jsonv2 "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"

	"sgref/shared/ecsapi"
)

// BenchmarkWarmInvoke is one warm HTTP API v2 invocation as the runtime makes it (Invoke: event JSON
// in, API Gateway response out), against the core alone serving the same request.
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	raw := mustRead(b, "http-api-v2.json")
	req := &ecsapi.Request{Method: "POST", Host: "abcdef1234.execute-api.us-east-1.amazonaws.com", Header: http.Header{},
		RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"}
	// The core's work includes the request's log line, which the adapter has it write.
	req.Log = ecsapi.RequestLog{Logger: h.Log, Attrs: []slog.Attr{slog.String("platform", "http-api-v2"), slog.String("awsRequestId", "")}}
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			h.API.Serve(context.Background(), req)
		}
	})
	b.Run("sgref", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.Invoke(context.Background(), raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeEvent compares kept JSON libraries decoding the HTTP API v2 event into the
// SDK's type, against encoding/json (base): the measurement behind the adapters' choice of
// goccy/go-json (README, Performance).
func BenchmarkDecodeEvent(b *testing.B) {
	raw := mustRead(b, "http-api-v2.json")
	for _, c := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{
		{"base", json.Unmarshal},
		{"goccy", gojson.Unmarshal},
		{"go-json-experiment", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }},
	} {
		unmarshal := c.unmarshal
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				var ev events.APIGatewayV2HTTPRequest
				if err := unmarshal(raw, &ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
