package refs

import (
	"hash/fnv"
	"reflect"
	"testing"
)

func TestFNV1aIsHashFNV(t *testing.T) {
	for _, s := range []string{"", "a", "sg-bp1abcdefghijklmnop", "\xff\x00é"} {
		h := fnv.New32a()
		h.Write([]byte(s))
		if got, want := fnv1a(s), h.Sum32(); got != want {
			t.Errorf("fnv1a(%q) = %#x, hash/fnv %#x", s, got, want)
		}
	}
}

// TestColumnsListed fails when columns gains a member that list does not give the
// artifact.
func TestColumnsListed(t *testing.T) {
	var c columns
	if n, listed := reflect.TypeOf(c).NumField(), len(c.list()); n != listed {
		t.Errorf("columns has %d members, list gives %d: add the new one to list and bump ArtifactVersion", n, listed)
	}
}
