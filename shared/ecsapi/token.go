package ecsapi

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
)

// A NextToken is opaque to clients: the record offset where the next page starts and a
// fingerprint of the request it continues, so a token replayed against another request is
// refused instead of silently answering something else.
const tokenVersion = 1

func fingerprint(parts ...[]string) uint64 {
	h := fnv.New64a()
	for _, list := range parts {
		for _, s := range list {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	return h.Sum64()
}

func encodeToken(offset int, fp uint64) string {
	var b [1 + binary.MaxVarintLen64 + 8]byte
	b[0] = tokenVersion
	n := 1 + binary.PutUvarint(b[1:], uint64(offset))
	binary.BigEndian.PutUint64(b[n:], fp)
	return base64.RawURLEncoding.EncodeToString(b[:n+8])
}

// decodeToken returns the offset a token points at, or ok false when it is not a token for
// the request with fingerprint fp.
func decodeToken(tok string, fp uint64) (offset int, ok bool) {
	if len(tok) > 64 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 1+1+8 || b[0] != tokenVersion {
		return 0, false
	}
	off, n := binary.Uvarint(b[1:])
	if n <= 0 || 1+n+8 != len(b) || off > 1<<31 || binary.BigEndian.Uint64(b[1+n:]) != fp {
		return 0, false
	}
	return int(off), true
}
