package refs

import (
	"encoding/binary"
	"iter"
)

// A region's index is a set of columns: lists of 32-bit numbers, little-endian, four
// bytes each. A built index owns them; a loaded one reads them in place in the artifact's
// bytes, so a load allocates nothing per group or rule (README, Performance).

// column is a list of 32-bit numbers, packed.
type column []byte

func (c column) len() int { return len(c) / 4 }

func (c column) u(i int) uint32 { return binary.LittleEndian.Uint32(c[4*i:]) }

func (c column) i(i int) int32 { return int32(binary.LittleEndian.Uint32(c[4*i:])) }

func (c *column) add(v uint32) { *c = binary.LittleEndian.AppendUint32(*c, v) }

func (c *column) addInt(v int32) { c.add(uint32(v)) }

func (c column) put(i int, v uint32) { binary.LittleEndian.PutUint32(c[4*i:], v) }

func packInts(s []int32) column {
	c := make(column, 0, 4*len(s))
	for _, v := range s {
		c.addInt(v)
	}
	return c
}

// Positions is a list of group positions in a region, read with Len, At and All. It is a
// view into the index.
type Positions struct{ c column }

// Len is the number of positions.
func (p Positions) Len() int { return p.c.len() }

// At returns position k.
func (p Positions) At(k int) int32 { return p.c.i(k) }

// Slice returns positions [from, to).
func (p Positions) Slice(from, to int) Positions { return Positions{p.c[4*from : 4*to]} }

// All yields the positions in order.
func (p Positions) All() iter.Seq[int32] {
	return func(yield func(int32) bool) {
		for k := range p.c.len() {
			if !yield(p.c.i(k)) {
				return
			}
		}
	}
}

// columns are what a region's index is made of, each a column unless said otherwise. The
// artifact writes them in the order of list.
type columns struct {
	Strings []byte // every string of the region, concatenated
	Ends    column // string k is Strings[Ends[k-1]:Ends[k]] (Ends[-1] = 0)

	// Groups, sorted by ID: string numbers, counts (-1: unknown), 0 or 1 a byte.
	GroupID, GroupOwner, GroupName column
	EcsCount, NicCount             column
	ServiceManaged                 []byte
	// Slots is an open-addressing hash table of the group IDs (FNV-1a, linear probing),
	// a power of two long: 0 is empty, p+1 is group p.
	Slots column

	Off, Edges column // the referrers of group i: Edges[Off[i]:Off[i+1]], ascending

	// Unresolved rules, in index order.
	UHolder                                              column
	URule, UDirection, UGroup, UOwner, UAccount, UPolicy column
	UProtocol, UPorts                                    column

	// The resolved rules, sorted by target, then holder, rule ID and position.
	RuleID, RuleDesc                       column // string numbers
	RuleHolder, RuleTarget, RulePos        column
	RuleAttrs                              column // in the attribute table below
	ADirection, APolicy, AProtocol, APorts column // the attribute table: string numbers
	APriority                              column
	ToOff                                  column // rules naming group i: [ToOff[i], ToOff[i+1])
	From                                   column // rule numbers sorted by holder, then target, rule ID, position
	FromOf                                 column // rules held by group i: From[FromOf[i]:FromOf[i+1]]
}

// list returns every member of c, for the artifact, which writes and reads them in this
// order.
func (c *columns) list() []*[]byte {
	cols := []*column{&c.Ends, &c.GroupID, &c.GroupOwner, &c.GroupName, &c.EcsCount, &c.NicCount, &c.Slots, &c.Off, &c.Edges,
		&c.UHolder, &c.URule, &c.UDirection, &c.UGroup, &c.UOwner, &c.UAccount, &c.UPolicy, &c.UProtocol, &c.UPorts,
		&c.RuleID, &c.RuleDesc, &c.RuleHolder, &c.RuleTarget, &c.RulePos, &c.RuleAttrs,
		&c.ADirection, &c.APolicy, &c.AProtocol, &c.APorts, &c.APriority, &c.ToOff, &c.From, &c.FromOf}
	out := []*[]byte{&c.Strings, &c.ServiceManaged}
	for _, p := range cols {
		out = append(out, (*[]byte)(p))
	}
	return out
}

// fnv1a is the 32-bit FNV-1a hash of s (as hash/fnv's New32a computes it, without the
// interface and the allocation; a test holds them equal).
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// newSlots lays out the hash table of n IDs.
func newSlots(n int, id func(int) string) column {
	if n == 0 {
		return nil
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	slots := make(column, 4*size)
	mask := uint32(size - 1)
	for p := range n {
		h := fnv1a(id(p)) & mask
		for slots.u(int(h)) != 0 {
			h = (h + 1) & mask
		}
		slots.put(int(h), uint32(p+1))
	}
	return slots
}

// stringWriter numbers the strings of a region as the columns refer to them. Strings
// that repeat (owners, directions, policies) are kept once; IDs, names and descriptions,
// which rarely repeat, are appended as they come.
type stringWriter struct {
	buf  []byte
	ends column
	seen map[string]uint32
}

// add appends s and returns its number.
func (w *stringWriter) add(s string) uint32 {
	w.buf = append(w.buf, s...)
	w.ends.add(uint32(len(w.buf)))
	return uint32(w.ends.len() - 1)
}

// text returns the number of a free text such as a description: the empty one, which
// most are, is kept once; any other is appended (keeping them once would cost a map as
// large as the rules).
func (w *stringWriter) text(s string) uint32 {
	if s == "" {
		return w.once(s)
	}
	return w.add(s)
}

// once returns the number of s, appending it the first time. For the strings that
// repeat across a region: owners, directions, policies, protocols, port ranges.
func (w *stringWriter) once(s string) uint32 {
	if n, ok := w.seen[s]; ok {
		return n
	}
	if w.seen == nil {
		w.seen = map[string]uint32{}
	}
	n := w.add(s)
	w.seen[s] = n
	return n
}
