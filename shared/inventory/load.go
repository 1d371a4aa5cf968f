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

// Decode reads and validates one snapshot document. It reads the groups one at a time, so
// the whole document is never held in memory twice. The SecurityGroups member may be the
// plain array of the snapshot format or ECS's own {"SecurityGroup":[...]} wrapper.
func Decode(r io.Reader) (*Inventory, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	inv := &Inventory{}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, syntaxErr(err)
		}
		if k, _ := key.(string); k != "SecurityGroups" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntaxErr(err)
			}
			continue
		}
		if seen {
			return nil, errors.New("invalid snapshot: SecurityGroups given twice")
		}
		seen = true
		if err := decodeGroups(dec, inv); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid snapshot: data after the top-level object")
	}
	if !seen {
		return nil, errors.New("invalid snapshot: no SecurityGroups member")
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	return inv, nil
}

// decodeGroups reads either [group, ...] or {"SecurityGroup":[group, ...]}.
func decodeGroups(dec *json.Decoder, inv *Inventory) error {
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
			if err := decodeArray(dec, inv); err != nil {
				return err
			}
		}
		return expectDelim(dec, '}')
	}
	if tok != json.Delim('[') {
		return errors.New("invalid snapshot: SecurityGroups is not an array")
	}
	return decodeArray(dec, inv)
}

func decodeArray(dec *json.Decoder, inv *Inventory) error {
	var in interner
	for dec.More() {
		var g Group
		if err := dec.Decode(&g); err != nil {
			return fmt.Errorf("invalid snapshot: security group #%d: %w", len(inv.SecurityGroups)+1, syntaxErr(err))
		}
		in.group(&g)
		inv.SecurityGroups = append(inv.SecurityGroups, g)
	}
	return expectDelim(dec, ']')
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
	ids := make(map[string]int, len(inv.SecurityGroups))
	for i := range inv.SecurityGroups {
		g := &inv.SecurityGroups[i]
		where := fmt.Sprintf("security group #%d (%q)", i+1, g.SecurityGroupId)
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
		if j, dup := ids[g.SecurityGroupId]; dup {
			return fmt.Errorf("invalid snapshot: %s: duplicate SecurityGroupId, first seen at #%d", where, j)
		}
		ids[g.SecurityGroupId] = i + 1
		for k := range g.Permissions.Permission {
			p := &g.Permissions.Permission[k]
			if p.Direction != Ingress && p.Direction != Egress {
				return fmt.Errorf("invalid snapshot: %s: rule #%d (%q): Direction %q is neither %q nor %q",
					where, k+1, p.SecurityGroupRuleId, p.Direction, Ingress, Egress)
			}
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
		for _, f := range []*string{&p.Direction, &p.IpProtocol, &p.PortRange, &p.Policy, &p.Priority,
			&p.SourceCidrIp, &p.DestCidrIp, &p.SourceGroupOwnerId, &p.DestGroupOwnerId, &p.NicType, &p.SourcePortRange} {
			if *f != "" {
				in.s(f)
			}
		}
	}
}
