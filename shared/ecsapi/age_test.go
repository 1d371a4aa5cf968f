package ecsapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// agedProvider serves a fixed index that claims an age, as a refreshing one does.
type agedProvider struct {
	refs.Provider
	age time.Duration
}

func (a agedProvider) Age() (time.Duration, bool) { return a.age, true }

// TestInventoryAgeHeader: the answers of a live inventory, errors too, say how old its data is.
func TestInventoryAgeHeader(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	ix := refs.Build(inv)
	for name, tc := range map[string]struct {
		p     refs.Provider
		query string
		want  string
	}{
		"live answer":   {agedProvider{refs.Static(ix), 95 * time.Second}, seed, "95"},
		"live error":    {agedProvider{refs.Static(ix), 95 * time.Second}, seed + "&SecurityGroupId.2=sg-nope", "95"},
		"fresh":         {agedProvider{refs.Static(ix), 0}, seed, "1"},
		"fixed, no age": {refs.Static(ix), seed, ""},
	} {
		h := ecsapi.NewHandler(tc.p, ecsapi.Options{})
		resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: tc.query})
		if got := resp.Headers()["x-sgref-inventory-age"]; got != tc.want {
			t.Errorf("%s: x-sgref-inventory-age %q, want %q", name, got, tc.want)
		}
	}
}
