package trigger_test

import (
	"maps"
	"testing"

	"sgref/shared/trigger"
)

func TestKeepMap(t *testing.T) {
	small := map[string]string{"a": "1"}
	if got := trigger.KeepMap(small); got == nil || len(got) != 0 || len(small) != 0 {
		t.Errorf("a small map: %v, want it kept and emptied", got)
	}
	big := map[string]string{}
	for i := range 65 {
		big[string(rune('a'+i%26))+string(rune('A'+i/26))] = ""
	}
	if got := trigger.KeepMap(big); got != nil {
		t.Errorf("a map of %d entries is kept", len(big))
	}
}

func TestEventPoolResets(t *testing.T) {
	type ev struct {
		Body    string
		Headers map[string]string
	}
	p := trigger.EventPool[ev]{Reset: func(e *ev) { *e = ev{Headers: trigger.KeepMap(e.Headers)} }}
	e := p.Get()
	e.Body, e.Headers = "x", map[string]string{"k": "v"}
	p.Put(e)
	got := p.Get() // the same event or a new one: empty either way
	if got.Body != "" || len(got.Headers) != 0 || !maps.Equal(got.Headers, map[string]string{}) && got.Headers != nil {
		t.Errorf("Get after Put: %+v, want an empty event", got)
	}
}
