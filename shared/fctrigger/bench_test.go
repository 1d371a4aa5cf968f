package fctrigger_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"sgref/shared/ecsapi"
	"sgref/shared/fctrigger"
)

// BenchmarkWarmInvoke is one warm HTTP-trigger invocation as the runtime makes it (Invoke:
// event JSON in, trigger response out) for each HTTP fixture, against the core alone
// serving the same request (its log line included, which the adapter has the core write).
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	for _, name := range []string{"http-get", "http-post-form", "http-base64"} {
		raw := mustRead(b, filepath.Join(fixtures, name+".json"))
		var ev events.HTTPTriggerEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
		req := fctrigger.Request(&ev)
		req.Log = ecsapi.RequestLog{Logger: h.Log, Attrs: []slog.Attr{slog.String("platform", "fc"), slog.String("fcRequestId", "")}}
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
