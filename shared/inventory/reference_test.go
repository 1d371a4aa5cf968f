package inventory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	goccy "github.com/goccy/go-json"
)

// ReferenceStream reads a snapshot with encoding/json's Decoder, as sgref first did: the
// reference Stream's semantics are held to (FuzzStreamMatchesEncodingJSON), and the
// baseline of BenchmarkStream and BenchmarkCandidates.
var ReferenceStream = refStream

// tokenDecoder is what refStream needs of a decoder: encoding/json's, or one with its API.
type tokenDecoder interface {
	Token() (json.Token, error)
	More() bool
	Decode(v any) error
}

// refStream is sgref's first Stream, unchanged but for names and the interner.
func refStream(r io.Reader, fn func(*Group) error) error {
	return refStreamWith(json.NewDecoder(bufio.NewReaderSize(r, 64<<10)), fn)
}

// refStreamWith is refStream through any decoder with encoding/json's API.
func refStreamWith(dec tokenDecoder, fn func(*Group) error) error {
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
	dec tokenDecoder
	fn  func(*Group) error
	v   Validator
	in  interner
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

func refExpectDelim(dec tokenDecoder, want json.Delim) error {
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

// Limits, for the tests of package inventory_test.
var (
	ErrStringTooLong = errStringTooLong
	ErrTooDeep       = errTooDeep
)

const (
	MaxDepth     = maxDepth
	MaxStringLen = maxStringLen
)

// GoccyStream is refStream through github.com/goccy/go-json's Decoder, a candidate of
// BenchmarkCandidates.
func GoccyStream(r io.Reader, fn func(*Group) error) error {
	return refStreamWith(goccy.NewDecoder(r), fn)
}
