package auth

import (
	"errors"
	"hash/maphash"
	"sync"
)

// DefaultMaxNonces is how many nonces one instance remembers at most: about 145 accepted
// requests a second, sustained over the 30 minutes a nonce may have to be kept, in about
// 9 MiB (36 bytes an entry, BenchmarkNonceFlood).
const DefaultMaxNonces = 1 << 18

// sweepEvery is how often, in seconds, expired nonces are dropped even when the cache is
// not full.
const sweepEvery = 60

var (
	errNonceUsed = errors.New("nonce used")
	errNonceFull = errors.New("nonce cache full")
)

// nonceCache remembers the nonces of accepted requests until their timestamps leave the
// window, so that a captured request cannot be replayed. Memory is bounded: at most max
// entries of a 64-bit hash of (key ID, nonce) and an expiry. When it is full of live
// entries a new nonce is refused (the caller answers Throttling) rather than an old one
// forgotten, which would let its request be replayed. Only requests whose signature
// verified reach it, so only key holders can fill it.
//
// A hash collision makes a fresh nonce look used (one refused request, which the client
// retries with a new nonce); it can never make a used one look fresh. The seed is random
// per cache, so collisions cannot be aimed.
type nonceCache struct {
	mu        sync.Mutex
	seed      maphash.Seed
	max       int
	m         map[uint64]int64 // hash → expiry, Unix seconds: live while now <= expiry
	peak      int              // the most entries m has held since it was made
	earliest  int64            // no entry expires before this
	lastSweep int64
}

func newNonceCache(max int) *nonceCache {
	if max <= 0 {
		max = DefaultMaxNonces
	}
	return &nonceCache{seed: maphash.MakeSeed(), max: max, m: make(map[uint64]int64)}
}

func (c *nonceCache) hash(id, nonce string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(id)
	h.WriteByte(0) // key IDs hold no NUL: the pair is read back unambiguously
	h.WriteString(nonce)
	return h.Sum64()
}

// use records nonce for key id until expiry (Unix seconds). It fails with errNonceUsed
// when the pair is live already and with errNonceFull when max live entries are held.
func (c *nonceCache) use(id, nonce string, expiry, now int64) error {
	h := c.hash(id, nonce)
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, seen := c.m[h]
	if seen && exp >= now {
		return errNonceUsed
	}
	if now-c.lastSweep >= sweepEvery || len(c.m) >= c.max && now > c.earliest {
		c.sweep(now)
		_, seen = c.m[h]
	}
	if !seen && len(c.m) >= c.max {
		return errNonceFull
	}
	c.m[h] = expiry
	if len(c.m) == 1 || expiry < c.earliest {
		c.earliest = expiry
	}
	c.peak = max(c.peak, len(c.m))
	return nil
}

// sweep drops the expired entries. A map never shrinks, so after a flood has passed the
// survivors move to a new one sized for them.
func (c *nonceCache) sweep(now int64) {
	c.lastSweep = now
	earliest := int64(1<<63 - 1)
	for h, exp := range c.m {
		if exp < now {
			delete(c.m, h)
		} else {
			earliest = min(earliest, exp)
		}
	}
	c.earliest = earliest
	if c.peak > 4096 && len(c.m) < c.peak/4 {
		m := make(map[uint64]int64, len(c.m))
		for h, exp := range c.m {
			m[h] = exp
		}
		c.m, c.peak = m, len(m)
	}
}

// len is the number of entries held, expired ones not yet swept included.
func (c *nonceCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
