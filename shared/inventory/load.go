package inventory

import (
	"errors"
	"fmt"
)

// Limits on what a snapshot may hold, so that a hostile or broken file is refused
// rather than exhausting memory.
const (
	maxIDLen = 128
)

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

// interner shares the backing bytes of the strings that repeat across groups and rules
// (regions, accounts, directions, protocols, ports, policies, priorities), which are
// most of a large snapshot's strings. The library's string cache already shares most
// repeats as it decodes; recent catches the rest cheaply, and m what recent misses.
// CIDRs, which repeat too, are left to the library's cache: checking each in m costs
// more time than the memory it saves.
type interner struct {
	m map[string]string // at most 1<<16 strings
	// recent holds, for each field interned, strings of m by a hash of their length
	// and three bytes: a field most often has few values.
	recent [internFields][16]string
}

// The fields interned, as the slot of their cache.
const (
	iRegionID = iota
	iOwnerID
	iVpcID
	iSecurityGroupType
	iDirection
	iIPProtocol
	iPortRange
	iPolicy
	iPriority
	iSourceGroupOwnerID
	iDestGroupOwnerID
	internFields
)

// group interns the fields of g whose values repeat.
func (in *interner) group(g *Group) {
	in.intern(&g.RegionId, iRegionID)
	in.intern(&g.OwnerId, iOwnerID)
	in.intern(&g.VpcId, iVpcID)
	in.intern(&g.SecurityGroupType, iSecurityGroupType)
	for k := range g.Permissions.Permission {
		p := &g.Permissions.Permission[k]
		in.intern(&p.Direction, iDirection)
		in.intern(&p.IpProtocol, iIPProtocol)
		in.intern(&p.PortRange, iPortRange)
		in.intern(&p.Policy, iPolicy)
		in.intern(&p.Priority, iPriority)
		in.intern(&p.SourceGroupOwnerId, iSourceGroupOwnerID)
		in.intern(&p.DestGroupOwnerId, iDestGroupOwnerID)
	}
}

// intern replaces *p, read for field, by the string of the same value already seen, if any.
func (in *interner) intern(p *string, field int) {
	s := *p
	n := len(s)
	if n == 0 {
		return
	}
	h := (uint32(n)<<24 | uint32(s[0])<<16 | uint32(s[n/2])<<8 | uint32(s[n-1])) * 0x9e3779b1
	cached := &in.recent[field][h>>28]
	if *cached == s {
		*p = *cached
		return
	}
	if in.m == nil {
		in.m = make(map[string]string)
	}
	v, ok := in.m[s]
	if !ok {
		if len(in.m) >= 1<<16 {
			return
		}
		in.m[s] = s
		v = s
	}
	*cached, *p = v, v
}
