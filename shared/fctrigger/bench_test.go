package fctrigger_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"sgref/shared/fctrigger"
)

// BenchmarkWarmInvoke is one warm HTTP-trigger invocation through the adapter (event
// JSON in, trigger response out), against the core alone serving the same request.
func BenchmarkWarmInvoke(b *testing.B) {
	h := mustHandler(b)
	raw := mustRead(b, filepath.Join(fixtures, "http-post-form.json"))
	var ev events.HTTPTriggerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		b.Fatal(err)
	}
	req := fctrigger.Request(&ev)
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
