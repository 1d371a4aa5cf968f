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

// BenchmarkWarmInvoke is one warm HTTP-trigger invocation as the runtime makes it (Invoke: event
// JSON in, trigger response out), against the core alone serving the same request.
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	raw := mustRead(b, filepath.Join(fixtures, "http-post-form.json"))
	var ev events.HTTPTriggerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		b.Fatal(err)
	}
	req := fctrigger.Request(&ev)
	// The core's work includes the request's log line, which the adapter has it write.
	req.Log = ecsapi.RequestLog{Logger: h.Log, Attrs: []slog.Attr{slog.String("platform", "fc"), slog.String("fcRequestId", "")}}
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
