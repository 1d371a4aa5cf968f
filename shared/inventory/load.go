package inventory

import (
	"bufio"
	"encoding/json"
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
func Stream(r io.Reader, fn func(*Group) error) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	s := &stream{dec: dec, fn: fn}
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return syntaxErr(err)
		}
		if k, _ := key.(string); k != "SecurityGroups" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntaxErr(err)
			}
			continue
		}
		if seen {
			return errors.New("invalid snapshot: SecurityGroups given twice")
		}
		seen = true
		if err := s.groups(); err != nil {
			return err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid snapshot: data after the top-level object")
	}
	if !seen {
		return errors.New("invalid snapshot: no SecurityGroups member")
	}
	return nil
}

type stream struct {
	dec *json.Decoder
	fn  func(*Group) error
	v   Validator
	in  interner
}

// groups reads either [group, ...] or {"SecurityGroup":[group, ...]}.
func (s *stream) groups() error {
	dec := s.dec
	tok, err := dec.Token()
	if err != nil {
		return syntaxErr(err)
	}
	if tok == json.Delim('{') {
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return syntaxErr(err)
			}
			if k, _ := key.(string); k != "SecurityGroup" || found {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return syntaxErr(err)
				}
				continue
			}
			found = true
			if err := expectDelim(dec, '['); err != nil {
				return err
			}
			if err := s.array(); err != nil {
				return err
			}
		}
		return expectDelim(dec, '}')
	}
	if tok != json.Delim('[') {
		return errors.New("invalid snapshot: SecurityGroups is not an array")
	}
	return s.array()
}

func (s *stream) array() error {
	for s.dec.More() {
		g := new(Group)
		if err := s.dec.Decode(g); err != nil {
			return fmt.Errorf("invalid snapshot: security group #%d: %w", s.v.n+1, syntaxErr(err))
		}
		if err := s.v.Check(g); err != nil {
			return err
		}
		s.in.group(g)
		if err := s.fn(g); err != nil {
			return err
		}
	}
	return expectDelim(s.dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxErr(err)
	}
	if tok != want {
		return fmt.Errorf("invalid snapshot: found %v where %q was expected", tok, string(want))
	}
	return nil
}

func syntaxErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("invalid snapshot JSON: %w", err)
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
	where := fmt.Sprintf("security group #%d (%q)", v.n, g.SecurityGroupId)
	switch {
	case g.SecurityGroupId == "":
		return fmt.Errorf("invalid snapshot: %s: no SecurityGroupId", where)
	case g.RegionId == "":
		return fmt.Errorf("invalid snapshot: %s: no RegionId", where)
	case g.OwnerId == "":
		return fmt.Errorf("invalid snapshot: %s: no OwnerId", where)
	case len(g.SecurityGroupId) > maxIDLen || len(g.RegionId) > maxIDLen || len(g.OwnerId) > maxIDLen:
		return fmt.Errorf("invalid snapshot: %s: an ID is longer than %d characters", where, maxIDLen)
	}
	if j, dup := v.ids[g.SecurityGroupId]; dup {
		return fmt.Errorf("invalid snapshot: %s: duplicate SecurityGroupId, first seen at #%d", where, j)
	}
	v.ids[g.SecurityGroupId] = v.n
	for k := range g.Permissions.Permission {
		p := &g.Permissions.Permission[k]
		if p.Direction != Ingress && p.Direction != Egress {
			return fmt.Errorf("invalid snapshot: %s: rule #%d (%q): Direction %q is neither %q nor %q",
				where, k+1, p.SecurityGroupRuleId, p.Direction, Ingress, Egress)
		}
	}
	return nil
}

// interner shares the backing bytes of the strings that repeat across rules (directions,
// policies, ports, account IDs, CIDRs), which is most of a large snapshot's strings.
type interner map[string]string

func (in *interner) s(p *string) {
	if *in == nil {
		*in = make(map[string]string)
	}
	if v, ok := (*in)[*p]; ok {
		*p = v
		return
	}
	if len(*in) < 1<<16 {
		(*in)[*p] = *p
	}
}

func (in *interner) group(g *Group) {
	in.s(&g.RegionId)
	in.s(&g.OwnerId)
	in.s(&g.VpcId)
	in.s(&g.SecurityGroupType)
	for k := range g.Permissions.Permission {
		p := &g.Permissions.Permission[k]
		in.s(&p.Direction)
		in.s(&p.IpProtocol)
		in.s(&p.PortRange)
		in.s(&p.Policy)
		in.s(&p.Priority)
		in.s(&p.SourceCidrIp)
		in.s(&p.DestCidrIp)
		in.s(&p.SourceGroupOwnerId)
		in.s(&p.DestGroupOwnerId)
	}
}
