package awstrigger_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	jsonv2 "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"

	"sgref/shared/awstrigger"
)

// BenchmarkWarmInvoke is one warm invocation as the runtime makes it (Invoke: event JSON
// in, the front door's response out) for each HTTP fixture, against the core alone serving
// the same request (its log line included, which the adapter has the core write).
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	for _, name := range []string{"http-api-v2", "function-url", "apigw-v1", "alb", "alb-multi-value"} {
		raw := mustRead(b, name+".json")
		req, _, err := awstrigger.DecodeHTTP(context.Background(), raw)
		if err != nil {
			b.Fatal(err)
		}
		req.Log.Logger = h.Log
		b.Run(name+"/base", func(b *testing.B) {
			for b.Loop() {
				h.API.Serve(context.Background(), req)
			}
		})
		b.Run(name+"/sgref", func(b *testing.B) {
			for b.Loop() {
				if _, err := h.Invoke(context.Background(), raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
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
