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

// Pager reads and writes the NextToken of one paged request: every paged action, sgref's
// own and the emulated ones, pages through it.
type Pager struct {
	Start int // the offset the request's NextToken holds; 0 without one
	fp    uint64
}

// Pager reads the request's NextToken. The token's fingerprint covers the action, the
// caller's account and filters: every value that decides which records the pages list
// and in which order (region, IDs, filters). A token that is malformed, or was issued
// for another action, caller or filter set, is InvalidParameter "NextToken".
func (c *Call) Pager(filters ...string) (Pager, error) {
	p := Pager{fp: fingerprint(c.action, c.caller.AccountID, filters)}
	if tok := c.params.Get("NextToken"); tok != "" {
		start, ok := decodeToken(tok, p.fp)
		if !ok || start == 0 { // a token never points at the first page
			return Pager{}, errNextToken()
		}
		p.Start = start
	}
	return p, nil
}

// Next returns the NextToken of the page that starts at offset.
func (p Pager) Next(offset int) string { return encodeToken(offset, p.fp) }

// TokenPage pages a list of n records the way ECS's MaxResults/NextToken actions do:
// MaxResults records a page (def when absent, 1 to max), from the offset NextToken holds
// (Pager checks it against filters). It returns this page's bounds and the NextToken of
// the next ("" after the last). A token past the end of the list is InvalidParameter.
func (c *Call) TokenPage(n, def, max int, filters ...string) (from, to int, next string, err error) {
	size, err := c.IntParam("MaxResults", def, 1, max)
	if err != nil {
		return 0, 0, "", err
	}
	p, err := c.Pager(filters...)
	if err != nil {
		return 0, 0, "", err
	}
	if p.Start > n {
		return 0, 0, "", errNextToken()
	}
	to = min(p.Start+size, n)
	if to < n {
		next = p.Next(to)
	}
	return p.Start, to, next, nil
}

func errNextToken() *Error { return Errorf(CodeInvalidParameter, "NextToken") }

// fingerprint hashes the action, the account and the filters, each length-prefixed so
// that no two lists hash alike by shifting a boundary.
func fingerprint(action, account string, filters []string) uint64 {
	h := fnv.New64a()
	var n [binary.MaxVarintLen64]byte
	for _, s := range append([]string{action, account}, filters...) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
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
