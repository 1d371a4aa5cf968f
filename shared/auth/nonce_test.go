package auth

import (
	"fmt"
	"runtime"
	"testing"
)

func TestNonceCache(t *testing.T) {
	c := newNonceCache(3)
	const now = 1_000_000
	for _, step := range []struct {
		id, nonce   string
		expiry, now int64
		want        error
	}{
		{"a", "n1", now + 900, now, nil},
		{"a", "n1", now + 900, now, errNonceUsed},
		{"b", "n1", now + 900, now, nil}, // per key
		{"a", "n2", now + 10, now, nil},
		{"a", "n3", now + 900, now, errNonceFull},
		{"a", "n1", now + 900, now + 500, errNonceUsed}, // still live
		{"a", "n3", now + 900, now + 11, nil},           // n2 expired: swept to make room
		{"a", "n2", now + 900, now + 11, errNonceFull},
		{"a", "n1", now + 2000, now + 901, nil}, // expired: a new request may use it again
	} {
		if err := c.use(step.id, step.nonce, step.expiry, step.now); err != step.want {
			t.Fatalf("use(%s, %s, now+%d): %v, want %v", step.id, step.nonce, step.now-now, err, step.want)
		}
		if c.len() > 3 {
			t.Fatalf("len %d over the cap", c.len())
		}
	}
}

// TestNonceCacheShrinks: after a flood the survivors move to a map sized for them.
func TestNonceCacheShrinks(t *testing.T) {
	c := newNonceCache(100_000)
	for i := range 50_000 {
		if err := c.use("k", fmt.Sprint(i), 100, 0); err != nil {
			t.Fatal(err)
		}
	}
	c.use("k", "late", 1000, 0)
	c.use("k", "after", 1000, 200) // past the sweep interval: the flood is swept
	if c.len() != 2 || c.peak != 2 {
		t.Errorf("len %d peak %d after the flood expired, want 2 2", c.len(), c.peak)
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkNonceFlood fills a cache of DefaultMaxNonces entries with distinct nonces
// (all live), then keeps flooding it: it reports the bytes each entry costs and that the
// heap stops growing at the cap (refusals cost nothing).
func BenchmarkNonceFlood(b *testing.B) {
	for b.Loop() {
		before := heapInUse()
		c := newNonceCache(DefaultMaxNonces)
		var refused int
		for i := range 2 * DefaultMaxNonces {
			if c.use("key-123", fmt.Sprintf("%032x", i), 1<<40, 0) == errNonceFull {
				refused++
			}
		}
		after := heapInUse()
		if c.len() != DefaultMaxNonces || refused != DefaultMaxNonces {
			b.Fatalf("len %d refused %d, want %d each", c.len(), refused, DefaultMaxNonces)
		}
		b.ReportMetric(float64(after-before)/float64(c.len()), "B/entry")
		b.ReportMetric(float64(after-before)/(1<<20), "MiB/cap")
		b.ReportMetric(float64(DefaultMaxNonces), "entries/cap")
		runtime.KeepAlive(c)
	}
}

// TestNonceFloodBounded: a flood of twice the cap leaves the cache at the cap and its
// heap within 48 bytes an entry.
func TestNonceFloodBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a quarter-million-entry cache")
	}
	before := heapInUse()
	c := newNonceCache(DefaultMaxNonces)
	for i := range 2 * DefaultMaxNonces {
		c.use("key-123", fmt.Sprintf("%032x", i), 1<<40, 0)
	}
	used := heapInUse() - before
	if c.len() != DefaultMaxNonces || used > 48*DefaultMaxNonces {
		t.Errorf("len %d, %d bytes (%.1f an entry), want %d entries in at most 48 bytes each", c.len(), used, float64(used)/float64(c.len()), DefaultMaxNonces)
	}
	runtime.KeepAlive(c)
}
