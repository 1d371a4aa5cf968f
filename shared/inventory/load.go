package inventory

import (
	"errors"
	"fmt"
	"io"
)

// Limits on what a snapshot may hold, so that a hostile or broken file is refused
// rather than exhausting memory.
const (
	maxIDLen = 128
)

// Decode reads and validates one snapshot document into memory.
func Decode(r io.Reader) (*Inventory, error) {
	inv := &Inventory{}
	err := Stream(r, func(g *Group) error {
		inv.SecurityGroups = append(inv.SecurityGroups, *g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Stream reads one snapshot document and calls fn with each group as soon as it is read
// and checked, so that a consumer can keep only what it needs and the whole document is
// never in memory at once. The group is fn's to keep. Stream returns the first error, of
// the document or of fn: a consumer must then discard everything it was given, since
// the snapshot as a whole is invalid. The SecurityGroups member may be the plain array of
// the snapshot format or ECS's own {"SecurityGroup":[...]} wrapper.
//
// The JSON is read as encoding/json would read it into the model, except that a string
// the model keeps may not exceed 1 MiB, and no value may nest deeper than 10 000 levels.
func Stream(r io.Reader, fn func(*Group) error) error {
	return newDecoder(r).document(&stream{fn: fn})
}

// stream is what becomes of the groups read.
type stream struct {
	fn func(*Group) error
	v  Validator
}

// Validate checks the rules every inventory obeys. The error names the first group and
// rule at fault.
func (inv *Inventory) Validate() error {
	var v Validator
	for i := range inv.SecurityGroups {
		if err := v.Check(&inv.SecurityGroups[i]); err != nil {
			return err
		}
	}
	return nil
}

// Validator checks groups one at a time against the rules every inventory obeys,
// remembering IDs to refuse duplicates. The zero value is ready to use.
type Validator struct {
	ids map[string]int
	n   int
}

// Check validates the next group. The error names the group and rule at fault.
func (v *Validator) Check(g *Group) error {
	if v.ids == nil {
		v.ids = make(map[string]int)
	}
	v.n++
	if err := v.check(g); err != nil {
		return fmt.Errorf("invalid snapshot: security group #%d (%q): %w", v.n, short(g.SecurityGroupId), err)
	}
	return nil
}

// check is Check without the group's name, which costs too much to build for every group.
func (v *Validator) check(g *Group) error {
	switch {
	case g.SecurityGroupId == "":
		return errors.New("no SecurityGroupId")
	case g.RegionId == "":
		return errors.New("no RegionId")
	case g.OwnerId == "":
		return errors.New("no OwnerId")
	case len(g.SecurityGroupId) > maxIDLen || len(g.RegionId) > maxIDLen || len(g.OwnerId) > maxIDLen:
		return fmt.Errorf("an ID is longer than %d characters", maxIDLen)
	}
	if j, dup := v.ids[g.SecurityGroupId]; dup {
		return fmt.Errorf("duplicate SecurityGroupId, first seen at #%d", j)
	}
	v.ids[g.SecurityGroupId] = v.n
	for k := range g.Permissions.Permission {
		p := &g.Permissions.Permission[k]
		if p.Direction != Ingress && p.Direction != Egress {
			return fmt.Errorf("rule #%d (%q): Direction %q is neither %q nor %q",
				k+1, short(p.SecurityGroupRuleId), short(p.Direction), Ingress, Egress)
		}
	}
	return nil
}

// interner shares the backing bytes of the strings that repeat across rules (directions,
// policies, ports, account IDs, CIDRs), which is most of a large snapshot's strings. The
// decoder looks each such value up as it reads it, so that a repeat costs no allocation.
type interner struct {
	m map[string]string // at most 1<<16 strings
	// recent caches, for each field interned, strings of m by a hash of their bytes: a
	// field most often has few values, and the cache, unlike m, stays in the CPU cache.
	recent [internFields][32]string
}

// Fields interned, as the slot of their cache: the decoder's field numbers, those of
// rules offset by 16.
const internFields = 16 + len(permFields)

func newInterner() *interner { return &interner{m: make(map[string]string)} }

// bytes returns b, read for field, as a string, the one already seen if any.
func (in *interner) bytes(b []byte, field int) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	// Length, first, middle and last byte tell apart the few values of a field.
	h := (uint32(n)<<24 | uint32(b[0])<<16 | uint32(b[n/2])<<8 | uint32(b[n-1])) * 0x9e3779b1
	cached := &in.recent[field][h>>27]
	if *cached == string(b) {
		return *cached
	}
	s, ok := in.m[string(b)]
	if !ok {
		s = string(b)
		if len(in.m) >= 1<<16 {
			return s
		}
		in.m[s] = s
	}
	*cached = s
	return s
}
