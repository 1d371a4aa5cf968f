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

// TestInventoryAgeHeader: answers, errors too, say how old their data is when the index
// knows its capture time.
func TestInventoryAgeHeader(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	index := func(capturedAt time.Time) refs.Provider {
		b := refs.NewBuilder()
		for i := range inv.SecurityGroups {
			b.Add(&inv.SecurityGroups[i])
		}
		b.SetCapturedAt(capturedAt)
		return refs.Static(b.Index())
	}
	for name, tc := range map[string]struct {
		p     refs.Provider
		query string
		want  string
	}{
		"captured answer": {index(time.Now().Add(-95 * time.Second)), seed, "95"},
		"captured error":  {index(time.Now().Add(-95 * time.Second)), seed + "&SecurityGroupId.2=sg-nope", "95"},
		"just captured":   {index(time.Now()), seed, "1"},
		"clock ahead":     {index(time.Now().Add(time.Hour)), seed, "1"},
		"capture unknown": {index(time.Time{}), seed, ""},
	} {
		h := ecsapi.NewHandler(tc.p, ecsapi.Options{})
		resp := h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: tc.query})
		if got := resp.Headers()["x-sgref-inventory-age"]; got != tc.want {
			t.Errorf("%s: x-sgref-inventory-age %q, want %q", name, got, tc.want)
		}
	}
}
