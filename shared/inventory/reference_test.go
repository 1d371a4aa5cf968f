package inventory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ReferenceStream is the encoding/json decoder Stream replaced, kept as the reference
// its semantics are held to (FuzzStreamMatchesEncodingJSON, BenchmarkStream/base).
var ReferenceStream = refStream

// refStream is the former Stream, unchanged but for names.
func refStream(r io.Reader, fn func(*Group) error) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	s := &refStreamState{dec: dec, fn: fn}
	if err := refExpectDelim(dec, '{'); err != nil {
		return err
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return refSyntaxErr(err)
		}
		if k, _ := key.(string); k != "SecurityGroups" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return refSyntaxErr(err)
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
	if err := refExpectDelim(dec, '}'); err != nil {
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

type refStreamState struct {
	dec *json.Decoder
	fn  func(*Group) error
	v   Validator
	in  refInterner
}

// groups reads either [group, ...] or {"SecurityGroup":[group, ...]}.
func (s *refStreamState) groups() error {
	dec := s.dec
	tok, err := dec.Token()
	if err != nil {
		return refSyntaxErr(err)
	}
	if tok == json.Delim('{') {
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return refSyntaxErr(err)
			}
			if k, _ := key.(string); k != "SecurityGroup" || found {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return refSyntaxErr(err)
				}
				continue
			}
			found = true
			if err := refExpectDelim(dec, '['); err != nil {
				return err
			}
			if err := s.array(); err != nil {
				return err
			}
		}
		return refExpectDelim(dec, '}')
	}
	if tok != json.Delim('[') {
		return errors.New("invalid snapshot: SecurityGroups is not an array")
	}
	return s.array()
}

func (s *refStreamState) array() error {
	for s.dec.More() {
		g := new(Group)
		if err := s.dec.Decode(g); err != nil {
			return fmt.Errorf("invalid snapshot: security group #%d: %w", s.v.n+1, refSyntaxErr(err))
		}
		if err := s.v.Check(g); err != nil {
			return err
		}
		s.in.group(g)
		if err := s.fn(g); err != nil {
			return err
		}
	}
	return refExpectDelim(s.dec, ']')
}

func refExpectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return refSyntaxErr(err)
	}
	if tok != want {
		return fmt.Errorf("invalid snapshot: found %v where %q was expected", tok, string(want))
	}
	return nil
}

func refSyntaxErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("invalid snapshot JSON: %w", err)
}

// refInterner is the former interner, which interned a group once decoded.
type refInterner map[string]string

func (in *refInterner) s(p *string) {
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

func (in *refInterner) group(g *Group) {
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

// Limits, for the tests of package inventory_test.
var ErrStringTooLong = errStringTooLong

const (
	MaxDepth     = maxDepth
	MaxStringLen = maxStringLen
)
