package inventory

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Snapshots are read with github.com/go-json-experiment/json, the module that became
// encoding/json/v2: its jsontext.Decoder walks the document's outer structure token by
// token, and json.UnmarshalDecode decodes one group at a time into the model, so the
// document is never in memory whole. encoding/json's Decoder, kept as the reference in
// reference_test.go, does the same at more than twice the cost (BenchmarkCandidates).

// Limits that keep a hostile document from exhausting memory or stack.
const (
	// maxDepth is jsontext's nesting limit, which it counts from the document's root.
	// encoding/json counts its own from the value it decodes (the group, or the
	// top-level member skipped), so it allows two or three levels more in a group and
	// one more in a top-level member.
	maxDepth = 10000
	// maxStringLen bounds a decoded string the model keeps. encoding/json has no such
	// limit; no real ID, name or description comes near it.
	maxStringLen = 1 << 20
)

var (
	errStringTooLong = fmt.Errorf("string longer than %d bytes", maxStringLen)
	errTooDeep       = fmt.Errorf("nesting deeper than %d levels", maxDepth)
)

// decodeOptions make the library read a snapshot as encoding/json reads it into the
// model, as sgref always has: keys matched exactly and then case-insensitively (without
// v2's ignoring of '-' and '_'), the last of duplicate keys winning and merging into what
// an earlier one decoded, null leaving a field as it is (or setting a pointer or slice to
// nil), and invalid UTF-8 becoming U+FFFD. FuzzStreamMatchesEncodingJSON holds it to that.
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsonv1.MergeWithLegacySemantics(true),
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
// the model keeps may not exceed 1 MiB, and nothing may nest deeper than 10 000 levels
// counted from the document's root.
func Stream(r io.Reader, fn func(*Group) error) error {
	_, err := StreamSnapshot(r, fn)
	return err
}

// StreamSnapshot is Stream that also returns the snapshot's header (CapturedAt, Source),
// wherever the document puts those members.
func StreamSnapshot(r io.Reader, fn func(*Group) error) (Header, error) {
	s := &stream{dec: jsontext.NewDecoder(progress{r}, decodeOptions), fn: fn}
	if err := s.document(); err != nil {
		return Header{}, err
	}
	return s.header, nil
}

// stream is what becomes of the groups read.
type stream struct {
	dec       *jsontext.Decoder
	fn        func(*Group) error
	v         Validator
	in        interner
	lastRules int // the number of rules of the last group, to size the next one's
	header    Header
}

// progress gives up on a reader that keeps returning nothing, which jsontext would
// call forever.
type progress struct{ r io.Reader }

func (p progress) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for range 100 {
		if n, err := p.r.Read(b); n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

// document reads the top-level object, handing each group to fn as it is read.
func (s *stream) document() error {
	if err := s.delim('{', `"{"`); err != nil {
		return err
	}
	seen := false
	for s.more() {
		name, err := s.dec.ReadToken()
		if err != nil {
			return jsonErr(err)
		}
		switch name.String() {
		case "SecurityGroups":
		case "CapturedAt":
			if err := json.UnmarshalDecode(s.dec, &s.header.CapturedAt); err != nil {
				return fmt.Errorf("invalid snapshot: CapturedAt: want an RFC 3339 time such as \"2026-11-27T03:10:00Z\": %w", err)
			}
			continue
		case "Source":
			var cov Coverage
			if err := json.UnmarshalDecode(s.dec, &cov); err != nil {
				return fmt.Errorf("invalid snapshot: Source: want {\"Accounts\":[…],\"Regions\":[…]}: %w", err)
			}
			s.header.Source = &cov
			continue
		default:
			if err := s.dec.SkipValue(); err != nil {
				return jsonErr(err)
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
	if _, err := s.dec.ReadToken(); err != nil { // the closing brace, or the error more saw
		return jsonErr(err)
	}
	at := s.offset()
	switch _, err := s.dec.ReadToken(); {
	case err == io.EOF:
	case err == nil || isSyntactic(err):
		return fmt.Errorf("invalid snapshot: data after the top-level object at offset %d", at)
	default:
		return jsonErr(err) // the reader's
	}
	if !seen {
		return errors.New("invalid snapshot: no SecurityGroups member")
	}
	return nil
}

// groups reads either [group, ...] or {"SecurityGroup":[group, ...]}; further members of
// the wrapper, a second SecurityGroup included, are skipped.
func (s *stream) groups() error {
	switch s.dec.PeekKind() {
	case '[':
		return s.array()
	case '{':
	case 0: // an error, which reading tells
		_, err := s.dec.ReadToken()
		return jsonErr(err)
	default:
		return fmt.Errorf("invalid snapshot: SecurityGroups is not an array at offset %d", s.offset())
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return jsonErr(err)
	}
	found := false
	for s.more() {
		name, err := s.dec.ReadToken()
		if err != nil {
			return jsonErr(err)
		}
		if name.String() != "SecurityGroup" || found {
			if err := s.dec.SkipValue(); err != nil {
				return jsonErr(err)
			}
			continue
		}
		found = true
		if s.dec.PeekKind() != '[' {
			return s.delim('[', `"["`)
		}
		if err := s.array(); err != nil {
			return err
		}
	}
	_, err := s.dec.ReadToken()
	return jsonErr(err)
}

// array reads the array of groups, checking each and handing it to fn as soon as it is
// read.
func (s *stream) array() error {
	if _, err := s.dec.ReadToken(); err != nil {
		return jsonErr(err)
	}
	depth := s.dec.StackDepth() // of the array, to find a group's members in errors
	for s.more() {
		g := new(Group)
		// The rules go straight into a slice of the length of the last group's, which in
		// a snapshot is most often this one's, where the library would grow one from
		// nothing (up to a bound, lest one long list make every later one costly).
		rules := make([]Permission, 0, min(max(s.lastRules, 1), 256))
		g.Permissions.Permission = rules
		start := s.dec.InputOffset()
		err := json.UnmarshalDecode(s.dec, g)
		if p := g.Permissions.Permission; len(p) == 0 && cap(p) == cap(rules) {
			g.Permissions.Permission = nil // no rules given: as if the slice had not been made
		}
		if err != nil {
			return s.groupErr(g, depth, err)
		}
		// A decoded string is at most three times its JSON (an invalid byte becomes
		// U+FFFD), so only a group that long can hold one over the limit.
		if s.dec.InputOffset()-start > maxStringLen/3 {
			if where := longString(reflect.ValueOf(g).Elem(), nil); where != nil {
				return s.groupErr(g, depth, fmt.Errorf("%s: %w", strings.Join(where, ": "), errStringTooLong))
			}
		}
		if err := s.v.Check(g); err != nil {
			return err
		}
		p := g.Permissions.Permission
		s.lastRules = len(p)
		if cap(p)-len(p) > len(p)/4 {
			g.Permissions.Permission = append([]Permission(nil), p...)
		}
		s.in.group(g)
		if err := s.fn(g); err != nil {
			return err
		}
	}
	_, err := s.dec.ReadToken()
	return jsonErr(err)
}

// more reports whether the array or object open has another element or member. At its
// end, or at an error, the next ReadToken reads the closing delimiter or reports the
// error.
func (s *stream) more() bool {
	k := s.dec.PeekKind()
	return k != '}' && k != ']' && k != 0
}

// delim reads the delimiter want, spelt quoted in errors.
func (s *stream) delim(want jsontext.Kind, quoted string) error {
	if k := s.dec.PeekKind(); k != want && k != 0 {
		return jsonErr(fmt.Errorf("found %s where %s was expected at offset %d", kindName(k), quoted, s.offset()))
	}
	_, err := s.dec.ReadToken()
	return jsonErr(err)
}

// offset is the input offset of the next token, past white space.
func (s *stream) offset() int64 {
	b := s.dec.UnreadBuffer()
	return s.dec.InputOffset() + int64(len(b)-len(strings.TrimLeft(string(b), " \t\r\n")))
}

// Errors. The library's say where by JSON pointer and offset; ours say it in the
// snapshot's words: the group by number and ID, the rule or tag by number, the field.

// jsonErr marks an error of the document's JSON outside any group; nil stays nil.
func jsonErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("invalid snapshot JSON: %w", libErr(err, ""))
}

// groupErr names group g, read as far as err, which happened depth levels down the
// document (the array's), and where in the group err happened.
func (s *stream) groupErr(g *Group, depth int, err error) error {
	var ptr jsontext.Pointer
	var se *jsontext.SyntacticError
	var me *json.SemanticError
	if errors.As(err, &me) {
		ptr = me.JSONPointer
	} else if errors.As(err, &se) {
		ptr = se.JSONPointer
	}
	var where []string
	var list string // "Permission" or "Tag" if the last name was one, in any case
	i := 0
tokens:
	for tok := range ptr.Tokens() {
		if i++; i <= depth { // the array's pointer and the group's index
			continue
		}
		n, nerr := strconv.Atoi(tok)
		switch {
		case list == "Tag" && nerr == nil:
			where[len(where)-1] = fmt.Sprintf("tag #%d", n+1)
		case list == "Permission" && nerr == nil:
			id := ""
			if n < len(g.Permissions.Permission) {
				id = quoted(g.Permissions.Permission[n].SecurityGroupRuleId)
			}
			where[len(where)-1] = fmt.Sprintf("rule #%d%s", n+1, id)
		case nerr == nil:
			break tokens // in a value the model does not keep, which where names
		default:
			where = append(where, tok)
		}
		list = ""
		if len(where) == 2 && strings.EqualFold(where[0], "Permissions") && strings.EqualFold(tok, "Permission") {
			list = "Permission"
		} else if len(where) == 2 && strings.EqualFold(where[0], "Tags") && strings.EqualFold(tok, "Tag") {
			list = "Tag"
		}
	}
	// Past three steps ("Tags: tag #1: TagKey") the pointer is in a value the model does
	// not keep, which the steps before name.
	where = where[:min(len(where), 3)]
	return fmt.Errorf("invalid snapshot: security group #%d%s: %w", s.v.n+1, quoted(g.SecurityGroupId),
		libErr(err, strings.Join(where, ": ")))
}

// libErr puts an error of the library in our words, after where, still wrapping it.
func libErr(err error, where string) error {
	if where != "" {
		where += ": "
	}
	var se *jsontext.SyntacticError
	var me *json.SemanticError
	switch {
	case errors.As(err, &me) && me.JSONKind == '0' && me.GoType != nil && me.GoType.Kind() == reflect.Int:
		return &jsonError{fmt.Sprintf("%sthe number at offset %d is not an integer that fits an int", where, me.ByteOffset), err}
	case errors.As(err, &me) && me.Err == nil && me.JSONKind != 0:
		return &jsonError{fmt.Sprintf("%sfound %s where %s was expected at offset %d", where, kindName(me.JSONKind), typeName(me.GoType), me.ByteOffset), err}
	case errors.As(err, &me) && me.Err != nil:
		return &jsonError{fmt.Sprintf("%s%v at offset %d", where, me.Err, me.ByteOffset), err}
	case errors.As(err, &se) && errors.Is(se.Err, libTooDeep()):
		return &jsonError{fmt.Sprintf("%s%v at offset %d", where, errTooDeep, se.ByteOffset), errTooDeep}
	case errors.As(err, &se):
		return &jsonError{fmt.Sprintf("%s%v at offset %d", where, se.Err, se.ByteOffset), err}
	case err == io.EOF: // where a value should start
		return &jsonError{where + io.ErrUnexpectedEOF.Error(), io.ErrUnexpectedEOF}
	case where != "":
		return fmt.Errorf("%s%w", where[:len(where)-2], err)
	}
	return err
}

// jsonError is an error of the library in our words, which unwraps to it.
type jsonError struct {
	msg string
	err error
}

func (e *jsonError) Error() string { return e.msg }
func (e *jsonError) Unwrap() error { return e.err }

func isSyntactic(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se)
}

// libTooDeep is the library's error for nesting past its limit, which it does not
// export: provoked once, when first needed.
var libTooDeep = sync.OnceValue(func() error {
	_, err := jsontext.NewDecoder(strings.NewReader(strings.Repeat("[", maxDepth+1))).ReadValue()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return se.Err
	}
	return errTooDeep // never matched: depth errors are then reported in the library's words
})

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '0':
		return "a number"
	}
	return "an invalid value"
}

// typeName names what a value of type t is, for errors.
func typeName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[Group]():
		return "a security group (an object)"
	case reflect.TypeFor[Permission]():
		return "a rule (an object)"
	case reflect.TypeFor[Tag]():
		return "a tag (an object)"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a number"
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "an array"
	}
	return t.String()
}

// longString returns where in v, a group or a part of one, a string over the limit is,
// if any.
func longString(v reflect.Value, where []string) []string {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > maxStringLen {
			return where
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return longString(v.Elem(), where)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if w := longString(v.Field(i), append(where, name)); w != nil {
				return w
			}
		}
	case reflect.Slice: // of rules or tags, which where ends with the name of
		what := "rule"
		if v.Type().Elem() == reflect.TypeFor[Tag]() {
			what = "tag"
		}
		parent := where[: len(where)-1 : len(where)-1]
		for i := range v.Len() {
			if w := longString(v.Index(i), append(parent, fmt.Sprintf("%s #%d", what, i+1))); w != nil {
				return w
			}
		}
	}
	return nil
}

// quoted names an ID in an error, if it is known yet.
func quoted(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", short(id))
}

// short cuts a string too long to be a valid ID for an error message.
func short(s string) string {
	if len(s) > maxIDLen {
		return s[:maxIDLen] + "..."
	}
	return s
}
