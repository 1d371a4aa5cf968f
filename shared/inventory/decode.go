package inventory

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The snapshot decoder is written for the snapshot's schema: it reads the document in
// chunks and decodes each group straight into the model, where encoding/json (kept as the
// reference in reference_test.go) would buffer each group's text and decode it by
// reflection. Its semantics are encoding/json's, down to the corners: keys matched exactly
// and then case-insensitively, the last of duplicate keys winning (merging into what an
// earlier one decoded, as encoding/json does), null leaving a field as it is (or setting a
// pointer or slice to nil), invalid UTF-8 and lone surrogates becoming U+FFFD, and type
// mismatches being errors. FuzzStreamMatchesEncodingJSON holds it to that.

// Limits that keep a hostile document from exhausting memory or stack.
const (
	// maxDepth bounds the nesting of any one value, counted as encoding/json's scanner
	// counts it (from the group, or from the top-level member skipped), which refuses
	// the same documents.
	maxDepth = 10000
	// maxStringLen bounds a decoded string the model keeps. encoding/json has no such
	// limit; no real ID, name or description comes near it.
	maxStringLen = 1 << 20
	// maxKeyLen bounds the part of a key kept for matching: a longer key names no field,
	// so it is validated and its value skipped, as encoding/json would.
	maxKeyLen = 1 << 10
	bufSize   = 64 << 10
)

var errStringTooLong = fmt.Errorf("string longer than %d bytes", maxStringLen)

// decoder reads a snapshot document from r through buf; buf[pos:end] is read but not
// yet consumed, and base is the input offset of buf[0].
type decoder struct {
	r        io.Reader
	buf      []byte
	pos, end int
	base     int64
	rerr     error // the reader's error (io.EOF at the end), once it has given one

	scratch             []byte // a decoded string that is not in buf as it is
	folded              []byte // a key folded for case-insensitive matching
	stack               []byte // the closing bytes of the containers skip has open
	lastRules, lastTags int    // the lengths of the last lists read, to size the next
	in                  *interner
}

func newDecoder(r io.Reader) *decoder {
	return &decoder{r: r, buf: make([]byte, bufSize), in: newInterner()}
}

// more reads more input, keeping buf[pos:end]. It reports false once the input is
// exhausted or the reader failed (rerr says which).
func (d *decoder) more() bool {
	if d.rerr != nil {
		return false
	}
	if d.pos > 0 {
		n := copy(d.buf, d.buf[d.pos:d.end])
		d.base += int64(d.pos)
		d.pos, d.end = 0, n
	}
	if d.end == len(d.buf) {
		d.buf = append(d.buf, make([]byte, len(d.buf))...)
	}
	for empty := 0; ; empty++ {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
		if empty == 100 {
			d.rerr = io.ErrNoProgress
			return false
		}
	}
}

// need reports whether n bytes are available at pos, reading more if needed.
func (d *decoder) need(n int) bool {
	for d.end-d.pos < n {
		if !d.more() {
			return false
		}
	}
	return true
}

// cur returns the byte at pos, reading more if needed.
func (d *decoder) cur() (byte, bool) {
	if d.pos < d.end || d.more() {
		return d.buf[d.pos], true
	}
	return 0, false
}

// peek skips white space and returns the next byte without consuming it.
func (d *decoder) peek() (byte, bool) {
	if d.pos < d.end {
		if c := d.buf[d.pos]; c > ' ' {
			return c, true
		}
	}
	return d.peekSlow()
}

func (d *decoder) peekSlow() (byte, bool) {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				return c, true
			}
		}
		if !d.more() {
			return 0, false
		}
	}
}

// Errors. Those of the JSON carry the input offset; Stream adds where in the document.

func (d *decoder) offset() int64 { return d.base + int64(d.pos) }

// eof is the error for input that ends (or fails) in the middle of the document.
func (d *decoder) eof() error {
	if d.rerr != nil && d.rerr != io.EOF {
		return fmt.Errorf("read: %w", d.rerr)
	}
	return fmt.Errorf("%w at offset %d", io.ErrUnexpectedEOF, d.offset())
}

func (d *decoder) syntax(c byte, context string) error {
	return fmt.Errorf("invalid character %s %s at offset %d", quoteChar(c), context, d.offset())
}

// mismatch is the error for a value of the wrong type, starting with c.
func (d *decoder) mismatch(c byte, want string) error {
	var got string
	switch c {
	case '{':
		got = "an object"
	case '[':
		got = "an array"
	case '"':
		got = "a string"
	case 't', 'f':
		got = "a boolean"
	case 'n':
		got = "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		got = "a number"
	default:
		return d.syntax(c, "looking for beginning of value")
	}
	// The value is not read: the document is refused whatever follows.
	return fmt.Errorf("found %s where %s was expected at offset %d", got, want, d.offset())
}

func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// Structure.

// first reports whether the container just opened has a first member or element,
// consuming the closing byte if it has none.
func (d *decoder) first(closing byte) (bool, error) {
	c, ok := d.peek()
	if !ok {
		return false, d.eof()
	}
	if c == closing {
		d.pos++
		return false, nil
	}
	return true, nil
}

// next consumes the comma before another member or element and reports true, or the
// closing byte and reports false.
func (d *decoder) next(closing byte) (bool, error) {
	c, ok := d.peek()
	switch {
	case !ok:
		return false, d.eof()
	case c == ',':
		d.pos++
		return true, nil
	case c == closing:
		d.pos++
		return false, nil
	case closing == '}':
		return false, d.syntax(c, "after object key:value pair")
	}
	return false, d.syntax(c, "after array element")
}

// key reads an object key and returns its decoded bytes, or nil if it is too long to
// name anything. They are valid until the next read: match them before calling colon,
// whose look for the colon may refill buf.
func (d *decoder) key() ([]byte, error) {
	c, ok := d.peek()
	if !ok {
		return nil, d.eof()
	}
	if c != '"' {
		return nil, d.syntax(c, "looking for beginning of object key string")
	}
	k, long, err := d.str(maxKeyLen)
	if long {
		k = nil
	}
	return k, err
}

// colon consumes the colon after a key.
// members reads the members of the object just opened, up to its closing brace. For
// each it reads the key and hands it to field, which must be done with it before the colon
// is read (the key's bytes live in the read buffer, which moves), then hands what field
// returned to value, with the decoder at the member's value.
func (d *decoder) members(field func(k []byte) int, value func(f int) error) error {
	more, err := d.first('}')
	for ; err == nil && more; more, err = d.next('}') {
		k, err := d.key()
		if err != nil {
			return err
		}
		f := field(k)
		if err := d.colon(); err != nil {
			return err
		}
		if err := value(f); err != nil {
			return err
		}
	}
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (d *decoder) colon() error {
	c, ok := d.peek()
	if !ok {
		return d.eof()
	}
	if c != ':' {
		return d.syntax(c, "after object key")
	}
	d.pos++
	return nil
}

// Literals and numbers.

// literal consumes word (true, false or null), whose first byte is at pos.
func (d *decoder) literal(word string) error {
	d.need(len(word))
	for i := 0; i < len(word); i++ {
		if d.pos+i >= d.end {
			d.pos += i
			return d.eof()
		}
		if c := d.buf[d.pos+i]; c != word[i] {
			d.pos += i
			return d.syntax(c, "in literal "+word+" (expecting "+quoteChar(word[i])+")")
		}
	}
	d.pos += len(word)
	return nil
}

// number consumes a number, checking its syntax as encoding/json does, and returns its
// value if it is an integer that fits an int (encoding/json refuses 2.0, 1e3 and
// overflow for an int).
func (d *decoder) number() (n int, isInt bool, err error) {
	c, ok := d.cur()
	if !ok {
		return 0, false, d.eof()
	}
	neg := c == '-'
	if neg {
		d.pos++
		if c, ok = d.cur(); !ok {
			return 0, false, d.eof()
		}
	}
	var mag uint64
	fits := true
	switch {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		for ok && '0' <= c && c <= '9' {
			if mag <= (1<<63)/10 {
				mag = mag*10 + uint64(c-'0')
			} else {
				fits = false
			}
			d.pos++
			c, ok = d.cur()
		}
	default:
		return 0, false, d.syntax(c, "in numeric literal")
	}
	if c, ok = d.cur(); ok && c == '.' {
		fits = false
		d.pos++
		if err := d.digits(); err != nil {
			return 0, false, err
		}
		c, ok = d.cur()
	}
	if ok && (c == 'e' || c == 'E') {
		fits = false
		d.pos++
		if c, ok = d.cur(); ok && (c == '+' || c == '-') {
			d.pos++
		}
		if err := d.digits(); err != nil {
			return 0, false, err
		}
	}
	if !fits || mag > 1<<63 || (!neg && mag == 1<<63) {
		return 0, false, nil
	}
	v := int64(mag) // 1<<63 wraps to the most negative int64, which is what -mag is
	if neg {
		v = -v
	}
	if int64(int(v)) != v {
		return 0, false, nil
	}
	return int(v), true, nil
}

// digits consumes one or more decimal digits.
func (d *decoder) digits() error {
	c, ok := d.cur()
	if !ok {
		return d.eof()
	}
	if c < '0' || c > '9' {
		return d.syntax(c, "in numeric literal")
	}
	for ok && '0' <= c && c <= '9' {
		d.pos++
		c, ok = d.cur()
	}
	return nil
}

// Strings.

// plain marks the bytes a string holds as they are: printable ASCII but the quote and
// the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// special has the high bit set of (at least) the first of the 8 bytes of x, in memory
// order, that is not plain, and of none before it.
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return ((q-lo)&^q | (bs-lo)&^bs | (x - lo*' ') | x) & hi
}

// str reads the string whose opening quote is at pos and returns its bytes, decoded as
// encoding/json decodes them, valid until the next read. A string that decodes to more
// than limit bytes is an error if limit is maxStringLen, and otherwise returns long
// (with its bytes meaningless) once checked.
func (d *decoder) str(limit int) (b []byte, long bool, err error) {
	i := d.pos + 1
	buf := d.buf[:d.end]
	for i+8 <= len(buf) {
		if m := special(binary.LittleEndian.Uint64(buf[i:])); m != 0 {
			i += bits.TrailingZeros64(m) / 8
			break
		}
		i += 8
	}
	for i < len(buf) && plain[buf[i]] {
		i++
	}
	if i < len(buf) && buf[i] == '"' {
		b = buf[d.pos+1 : i]
		d.pos = i + 1
		return b, false, nil
	}
	return d.strSlow(i, limit)
}

// strSlow decodes into scratch a string with escapes or non-ASCII bytes, or one that
// runs past the end of buf. Its plain prefix runs from pos+1 to i.
func (d *decoder) strSlow(i, limit int) (b []byte, long bool, err error) {
	s := append(d.scratch[:0], d.buf[d.pos+1:i]...)
	d.pos = i
	defer func() { d.scratch = s[:0] }()
	for {
		if len(s) > limit {
			if limit == maxStringLen {
				return nil, false, fmt.Errorf("%w at offset %d", errStringTooLong, d.offset())
			}
			long, s = true, s[:0]
		}
		if d.pos == d.end && !d.more() {
			return nil, false, d.eof()
		}
		switch c := d.buf[d.pos]; {
		case plain[c]:
			j := d.pos + 1
			for j < d.end && plain[d.buf[j]] {
				j++
			}
			s = append(s, d.buf[d.pos:j]...)
			d.pos = j
		case c == '"':
			d.pos++
			return s, long, nil
		case c == '\\':
			var r rune
			if r, err = d.escape(); err != nil {
				return nil, false, err
			}
			s = utf8.AppendRune(s, r)
		case c < ' ':
			return nil, false, d.syntax(c, "in string literal")
		default:
			// Invalid UTF-8 becomes U+FFFD one byte at a time, as utf8.DecodeRune and
			// so encoding/json have it.
			d.need(utf8.UTFMax)
			r, n := utf8.DecodeRune(d.buf[d.pos:d.end])
			s = utf8.AppendRune(s, r)
			d.pos += n
		}
	}
}

// escape consumes the escape sequence at pos and returns the rune it stands for. A \u
// escape of a surrogate takes the next \u escape with it if the two make a pair, and
// otherwise stands for U+FFFD, as in encoding/json.
func (d *decoder) escape() (rune, error) {
	if !d.need(2) {
		return 0, d.eof()
	}
	c := d.buf[d.pos+1]
	d.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return 0, err
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		if d.need(6) && d.buf[d.pos] == '\\' && d.buf[d.pos+1] == 'u' {
			if r2, ok := unhex4(d.buf[d.pos+2 : d.pos+6]); ok {
				if pair := utf16.DecodeRune(r, r2); pair != unicode.ReplacementChar {
					d.pos += 6
					return pair, nil
				}
			}
		}
		return unicode.ReplacementChar, nil
	}
	d.pos--
	return 0, d.syntax(c, "in string escape code")
}

// hex4 consumes the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, error) {
	for i := 0; i < 4; i++ {
		c, ok := d.cur2(i)
		if !ok {
			return 0, d.eof()
		}
		if _, isHex := unhex(c); !isHex {
			d.pos += i
			return 0, d.syntax(c, "in \\u hexadecimal character escape")
		}
	}
	r, _ := unhex4(d.buf[d.pos : d.pos+4])
	d.pos += 4
	return r, nil
}

// cur2 returns the byte i bytes past pos.
func (d *decoder) cur2(i int) (byte, bool) {
	if d.need(i + 1) {
		return d.buf[d.pos+i], true
	}
	return 0, false
}

func unhex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b[:4] {
		v, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | v
	}
	return r, true
}

func unhex(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}

// Skipping.

// skip consumes one value of any type, checking its syntax as encoding/json does and
// keeping nothing. depth is the number of containers open around it, counted from the
// value encoding/json would have been decoding. It keeps the closing bytes of the
// containers it has open in a stack rather than recursing.
func (d *decoder) skip(depth int) error {
	stack := d.stack[:0]
	err := d.skipValues(depth, &stack)
	d.stack = stack[:0]
	return err
}

func (d *decoder) skipValues(depth int, stack *[]byte) error {
	for {
		c, ok := d.peek()
		if !ok {
			return d.eof()
		}
		var err error
		switch c {
		case '{', '[':
			if depth+len(*stack) >= maxDepth {
				return fmt.Errorf("nesting deeper than %d at offset %d", maxDepth, d.offset())
			}
			d.pos++
			closing := c + 2 // '}' or ']'
			more, err := d.first(closing)
			if err != nil {
				return err
			}
			if more {
				*stack = append(*stack, closing)
				if closing == '}' {
					if err := d.skipKey(); err != nil {
						return err
					}
				}
				continue // to the first member or element
			}
		case '"':
			err = d.skipStr()
		case 't':
			err = d.literal("true")
		case 'f':
			err = d.literal("false")
		case 'n':
			err = d.literal("null")
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			_, _, err = d.number()
		default:
			return d.syntax(c, "looking for beginning of value")
		}
		if err != nil {
			return err
		}
		// A value is complete: close the containers it completes, then on to the next
		// member or element, if any.
		for {
			n := len(*stack)
			if n == 0 {
				return nil
			}
			closing := (*stack)[n-1]
			more, err := d.next(closing)
			if err != nil {
				return err
			}
			if !more {
				*stack = (*stack)[:n-1]
				continue
			}
			if closing == '}' {
				if err := d.skipKey(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// skipKey consumes an object key and its colon.
func (d *decoder) skipKey() error {
	c, ok := d.peek()
	if !ok {
		return d.eof()
	}
	if c != '"' {
		return d.syntax(c, "looking for beginning of object key string")
	}
	if err := d.skipStr(); err != nil {
		return err
	}
	c, ok = d.peek()
	if !ok {
		return d.eof()
	}
	if c != ':' {
		return d.syntax(c, "after object key")
	}
	d.pos++
	return nil
}

// inString marks the bytes skipStr passes over.
var inString = func() (t [256]bool) {
	for c := 0x20; c < 0x100; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipStr consumes the string whose opening quote is at pos, checking its escapes.
func (d *decoder) skipStr() error {
	d.pos++
	for {
		i := d.pos
		for i < d.end && inString[d.buf[i]] {
			i++
		}
		d.pos = i
		if i == d.end {
			if !d.more() {
				return d.eof()
			}
			continue
		}
		switch c := d.buf[i]; c {
		case '"':
			d.pos++
			return nil
		case '\\':
			if _, err := d.escape(); err != nil {
				return err
			}
		default:
			return d.syntax(c, "in string literal")
		}
	}
}

// The schema.

// document reads the top-level object, handing each group to s as it is read.
func (d *decoder) document(s *stream) error {
	c, ok := d.peek()
	if !ok {
		return jsonErr(d.eof())
	}
	if c != '{' {
		return jsonErr(d.mismatch(c, `"{"`))
	}
	d.pos++
	seen := false
	more, err := d.first('}')
	for ; err == nil && more; more, err = d.next('}') {
		k, err := d.key()
		if err != nil {
			return jsonErr(err)
		}
		groups := string(k) == "SecurityGroups"
		if err := d.colon(); err != nil {
			return jsonErr(err)
		}
		if !groups {
			if err := d.skip(0); err != nil {
				return jsonErr(err)
			}
			continue
		}
		if seen {
			return errors.New("invalid snapshot: SecurityGroups given twice")
		}
		seen = true
		if err := d.groups(s); err != nil {
			return err
		}
	}
	if err != nil {
		return jsonErr(err)
	}
	if _, ok := d.peek(); ok {
		return fmt.Errorf("invalid snapshot: data after the top-level object at offset %d", d.offset())
	}
	if d.rerr != io.EOF {
		return jsonErr(d.eof())
	}
	if !seen {
		return errors.New("invalid snapshot: no SecurityGroups member")
	}
	return nil
}

// jsonErr marks an error of the document's JSON outside any group.
func jsonErr(err error) error { return fmt.Errorf("invalid snapshot JSON: %w", err) }

// groups reads either [group, ...] or {"SecurityGroup":[group, ...]}; further members of
// the wrapper, a second SecurityGroup included, are skipped.
func (d *decoder) groups(s *stream) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return jsonErr(d.eof())
	case c == '[':
		return d.array(s)
	case c != '{':
		if !isValueStart(c) {
			return jsonErr(d.syntax(c, "looking for beginning of value"))
		}
		return fmt.Errorf("invalid snapshot: SecurityGroups is not an array at offset %d", d.offset())
	}
	d.pos++
	found := false
	more, err := d.first('}')
	for ; err == nil && more; more, err = d.next('}') {
		k, err := d.key()
		if err != nil {
			return jsonErr(err)
		}
		groups := string(k) == "SecurityGroup" && !found
		if err := d.colon(); err != nil {
			return jsonErr(err)
		}
		if !groups {
			if err := d.skip(0); err != nil {
				return jsonErr(err)
			}
			continue
		}
		found = true
		if c, ok := d.peek(); !ok {
			return jsonErr(d.eof())
		} else if c != '[' {
			return jsonErr(d.mismatch(c, `"["`))
		}
		if err := d.array(s); err != nil {
			return err
		}
	}
	if err != nil {
		return jsonErr(err)
	}
	return nil
}

func isValueStart(c byte) bool {
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// array reads the array of groups, checking each and handing it to s.fn as soon as it
// is read.
func (d *decoder) array(s *stream) error {
	d.pos++ // [
	more, err := d.first(']')
	for ; err == nil && more; more, err = d.next(']') {
		g := new(Group)
		if err := d.group(g); err != nil {
			return fmt.Errorf("invalid snapshot: security group #%d%s: %w", s.v.n+1, quoted(g.SecurityGroupId), err)
		}
		if err := s.v.Check(g); err != nil {
			return err
		}
		if err := s.fn(g); err != nil {
			return err
		}
	}
	if err != nil {
		return jsonErr(err)
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

// Fields of Group.
const (
	gUnknown = iota
	gRegionID
	gOwnerID
	gSecurityGroupID
	gSecurityGroupName
	gDescription
	gVpcID
	gSecurityGroupType
	gCreationTime
	gResourceGroupID
	gEcsCount
	gServiceManaged
	gTags
	gPermissions
	gNetworkInterfaceCount
)

var groupFields = [...]string{
	gRegionID:          "RegionId",
	gOwnerID:           "OwnerId",
	gSecurityGroupID:   "SecurityGroupId",
	gSecurityGroupName: "SecurityGroupName",
	gDescription:       "Description",
	gVpcID:             "VpcId",
	gSecurityGroupType: "SecurityGroupType",
	gCreationTime:      "CreationTime",
	gResourceGroupID:   "ResourceGroupId",
	gEcsCount:          "EcsCount",
	gServiceManaged:    "ServiceManaged",
	gTags:              "Tags",
	gPermissions:       "Permissions",

	gNetworkInterfaceCount: "NetworkInterfaceCount",
}

func groupField(k []byte) int {
	switch string(k) {
	case "RegionId":
		return gRegionID
	case "OwnerId":
		return gOwnerID
	case "SecurityGroupId":
		return gSecurityGroupID
	case "SecurityGroupName":
		return gSecurityGroupName
	case "Description":
		return gDescription
	case "VpcId":
		return gVpcID
	case "SecurityGroupType":
		return gSecurityGroupType
	case "CreationTime":
		return gCreationTime
	case "ResourceGroupId":
		return gResourceGroupID
	case "EcsCount":
		return gEcsCount
	case "ServiceManaged":
		return gServiceManaged
	case "Tags":
		return gTags
	case "Permissions":
		return gPermissions
	case "NetworkInterfaceCount":
		return gNetworkInterfaceCount
	}
	return gUnknown
}

// group reads one group into g, which is new.
func (d *decoder) group(g *Group) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		return d.literal("null") // leaves g empty, which Check refuses
	case c != '{':
		return d.mismatch(c, "a security group (an object)")
	}
	d.pos++
	return d.members(func(k []byte) int {
		f := groupField(k)
		if f == gUnknown && k != nil {
			f = d.fold(k, groupFolded)
		}
		return f
	}, func(f int) error {
		var err error
		switch f {
		case gRegionID:
			err = d.strField(&g.RegionId, gRegionID)
		case gOwnerID:
			err = d.strField(&g.OwnerId, gOwnerID)
		case gSecurityGroupID:
			err = d.strField(&g.SecurityGroupId, noIntern)
		case gSecurityGroupName:
			err = d.strField(&g.SecurityGroupName, noIntern)
		case gDescription:
			err = d.strField(&g.Description, noIntern)
		case gVpcID:
			err = d.strField(&g.VpcId, gVpcID)
		case gSecurityGroupType:
			err = d.strField(&g.SecurityGroupType, gSecurityGroupType)
		case gCreationTime:
			err = d.strField(&g.CreationTime, noIntern)
		case gResourceGroupID:
			err = d.strField(&g.ResourceGroupId, noIntern)
		case gEcsCount:
			err = d.intField(&g.EcsCount)
		case gServiceManaged:
			err = d.boolField(&g.ServiceManaged)
		case gTags:
			err = d.tags(&g.Tags)
		case gPermissions:
			err = d.permissions(&g.Permissions)
		case gNetworkInterfaceCount:
			err = d.intField(&g.NetworkInterfaceCount)
		default:
			return d.skip(1)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", groupFields[f], err)
		}
		return nil
	})
}

// noIntern is the intern argument of strField for a string not interned.
const noIntern = -1

// strField reads a string, interned with the interner's cache intern unless noIntern.
// null leaves it as it is.
func (d *decoder) strField(dst *string, intern int) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == '"':
		b, _, err := d.str(maxStringLen)
		if err != nil {
			return err
		}
		if intern != noIntern {
			*dst = d.in.bytes(b, intern)
		} else {
			*dst = string(b)
		}
		return nil
	case c == 'n':
		return d.literal("null")
	}
	return d.mismatch(c, "a string")
}

// intField reads an integer that fits an int into *dst, allocating it if nil; null sets
// it to nil.
func (d *decoder) intField(dst **int) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == '-' || '0' <= c && c <= '9':
		at := d.offset()
		n, isInt, err := d.number()
		if err != nil {
			return err
		}
		if !isInt {
			return fmt.Errorf("the number at offset %d is not an integer that fits an int", at)
		}
		if *dst == nil {
			*dst = new(int)
		}
		**dst = n
		return nil
	case c == 'n':
		*dst = nil
		return d.literal("null")
	}
	return d.mismatch(c, "a number")
}

// boolField reads true or false; null leaves it as it is.
func (d *decoder) boolField(dst *bool) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 't':
		*dst = true
		return d.literal("true")
	case c == 'f':
		*dst = false
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	return d.mismatch(c, "true or false")
}

// tags reads {"Tag":[...]} into *dst, allocating it if nil; null sets it to nil.
func (d *decoder) tags(dst **Tags) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		*dst = nil
		return d.literal("null")
	case c != '{':
		return d.mismatch(c, "an object")
	}
	if *dst == nil {
		*dst = new(Tags)
	}
	t := *dst
	d.pos++
	return d.members(func(k []byte) int {
		return boolInt(d.is(k, "Tag", "TAG"))
	}, func(tag int) error {
		if tag == 1 {
			return list(d, &t.Tag, &d.lastTags, (*decoder).tag, "tag", nil)
		}
		return d.skip(2)
	})
}

// tag reads one tag into t; null leaves it as it is.
func (d *decoder) tag(t *Tag) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		return d.literal("null")
	case c != '{':
		return d.mismatch(c, "a tag (an object)")
	}
	d.pos++
	return d.members(func(k []byte) int {
		switch {
		case d.is(k, "TagKey", "TAGKEY"):
			return 1
		case d.is(k, "TagValue", "TAGVALUE"):
			return 2
		}
		return 0
	}, func(f int) error {
		var err error
		switch f {
		case 1:
			if err = d.strField(&t.TagKey, noIntern); err != nil {
				err = fmt.Errorf("TagKey: %w", err)
			}
		case 2:
			if err = d.strField(&t.TagValue, noIntern); err != nil {
				err = fmt.Errorf("TagValue: %w", err)
			}
		default:
			err = d.skip(4)
		}
		return err
	})
}

// permissions reads {"Permission":[...]} into p; null leaves it as it is.
func (d *decoder) permissions(p *Permissions) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		return d.literal("null")
	case c != '{':
		return d.mismatch(c, "an object")
	}
	d.pos++
	return d.members(func(k []byte) int {
		return boolInt(d.is(k, "Permission", "PERMISSION"))
	}, func(perm int) error {
		if perm == 1 {
			return list(d, &p.Permission, &d.lastRules, (*decoder).permission, "rule", ruleID)
		}
		return d.skip(2)
	})
}

func ruleID(p *Permission) string { return quoted(p.SecurityGroupRuleId) }

// list reads an array into *dst the way encoding/json does: [] makes an empty slice,
// null a nil one, and elements decode into what the slice already holds, which matters
// only when a key is given twice. A first decode, the usual case, decodes the elements
// into a slice of the size last had, the length of the last such list. Errors name the
// element what and, if id is not nil, id(element).
func list[T any](d *decoder, dst *[]T, last *int, elem func(*decoder, *T) error, what string, id func(*T) string) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		*dst = nil
		return d.literal("null")
	case c != '[':
		return d.mismatch(c, "an array")
	}
	d.pos++
	more, err := d.first(']')
	if err != nil {
		return err
	}
	if !more {
		*dst = []T{}
		return nil
	}
	wrap := func(v *T, i int, err error) error {
		if id != nil {
			return fmt.Errorf("%s #%d%s: %w", what, i, id(v), err)
		}
		return fmt.Errorf("%s #%d: %w", what, i, err)
	}
	var zero T
	if *dst == nil {
		// Elements go straight into a slice of the size of the last list read, which in
		// a snapshot is most often the size of this one (up to a bound, lest one long
		// list make every later one costly).
		s := make([]T, 0, min(max(*last, 1), 256))
		for ; err == nil && more; more, err = d.next(']') {
			s = append(s, zero)
			if err = elem(d, &s[len(s)-1]); err != nil {
				return wrap(&s[len(s)-1], len(s), err)
			}
		}
		if err != nil {
			return err
		}
		*last = len(s)
		if cap(s)-len(s) > len(s)/4 {
			s = append(make([]T, 0, len(s)), s...)
		}
		*dst = s
		return nil
	}
	// As reflect's Grow and SetLen in encoding/json: an element past the length but
	// within the capacity keeps what an earlier, longer decode left there.
	v := *dst
	i := 0
	for ; err == nil && more; more, err = d.next(']') {
		switch {
		case i >= cap(v):
			v = append(v, zero)
		case i >= len(v):
			v = v[:i+1]
		}
		if err := elem(d, &v[i]); err != nil {
			return wrap(&v[i], i+1, err)
		}
		i++
	}
	*dst = v[:i]
	return err
}

// Fields of Permission.
const (
	pUnknown = iota
	pSecurityGroupRuleID
	pDirection
	pSourceGroupID
	pSourceGroupOwnerID
	pSourceGroupOwnerAccount
	pDestGroupID
	pDestGroupOwnerID
	pDestGroupOwnerAccount
	pSourceCidrIP
	pDestCidrIP
	pIpv6SourceCidrIP
	pIpv6DestCidrIP
	pSourcePrefixListID
	pDestPrefixListID
	pIPProtocol
	pPortRange
	pSourcePortRange
	pPolicy
	pPriority
	pNicType
	pDescription
	pCreateTime
)

var permFields = [...]string{
	pSecurityGroupRuleID:     "SecurityGroupRuleId",
	pDirection:               "Direction",
	pSourceGroupID:           "SourceGroupId",
	pSourceGroupOwnerID:      "SourceGroupOwnerId",
	pSourceGroupOwnerAccount: "SourceGroupOwnerAccount",
	pDestGroupID:             "DestGroupId",
	pDestGroupOwnerID:        "DestGroupOwnerId",
	pDestGroupOwnerAccount:   "DestGroupOwnerAccount",
	pSourceCidrIP:            "SourceCidrIp",
	pDestCidrIP:              "DestCidrIp",
	pIpv6SourceCidrIP:        "Ipv6SourceCidrIp",
	pIpv6DestCidrIP:          "Ipv6DestCidrIp",
	pSourcePrefixListID:      "SourcePrefixListId",
	pDestPrefixListID:        "DestPrefixListId",
	pIPProtocol:              "IpProtocol",
	pPortRange:               "PortRange",
	pSourcePortRange:         "SourcePortRange",
	pPolicy:                  "Policy",
	pPriority:                "Priority",
	pNicType:                 "NicType",
	pDescription:             "Description",
	pCreateTime:              "CreateTime",
}

// permIntern gives the rule fields whose values repeat across rules their interner
// cache, and the others noIntern.
var permIntern = func() (t [len(permFields)]int) {
	for f := range t {
		t[f] = noIntern
	}
	for _, f := range []int{pDirection, pIPProtocol, pPortRange, pPolicy, pPriority,
		pSourceCidrIP, pDestCidrIP, pSourceGroupOwnerID, pDestGroupOwnerID} {
		t[f] = 16 + f
	}
	return t
}()

func permField(k []byte) int {
	switch string(k) {
	case "SecurityGroupRuleId":
		return pSecurityGroupRuleID
	case "Direction":
		return pDirection
	case "SourceGroupId":
		return pSourceGroupID
	case "SourceGroupOwnerId":
		return pSourceGroupOwnerID
	case "SourceGroupOwnerAccount":
		return pSourceGroupOwnerAccount
	case "DestGroupId":
		return pDestGroupID
	case "DestGroupOwnerId":
		return pDestGroupOwnerID
	case "DestGroupOwnerAccount":
		return pDestGroupOwnerAccount
	case "SourceCidrIp":
		return pSourceCidrIP
	case "DestCidrIp":
		return pDestCidrIP
	case "Ipv6SourceCidrIp":
		return pIpv6SourceCidrIP
	case "Ipv6DestCidrIp":
		return pIpv6DestCidrIP
	case "SourcePrefixListId":
		return pSourcePrefixListID
	case "DestPrefixListId":
		return pDestPrefixListID
	case "IpProtocol":
		return pIPProtocol
	case "PortRange":
		return pPortRange
	case "SourcePortRange":
		return pSourcePortRange
	case "Policy":
		return pPolicy
	case "Priority":
		return pPriority
	case "NicType":
		return pNicType
	case "Description":
		return pDescription
	case "CreateTime":
		return pCreateTime
	}
	return pUnknown
}

func (p *Permission) field(f int) *string {
	switch f {
	case pSecurityGroupRuleID:
		return &p.SecurityGroupRuleId
	case pDirection:
		return &p.Direction
	case pSourceGroupID:
		return &p.SourceGroupId
	case pSourceGroupOwnerID:
		return &p.SourceGroupOwnerId
	case pSourceGroupOwnerAccount:
		return &p.SourceGroupOwnerAccount
	case pDestGroupID:
		return &p.DestGroupId
	case pDestGroupOwnerID:
		return &p.DestGroupOwnerId
	case pDestGroupOwnerAccount:
		return &p.DestGroupOwnerAccount
	case pSourceCidrIP:
		return &p.SourceCidrIp
	case pDestCidrIP:
		return &p.DestCidrIp
	case pIpv6SourceCidrIP:
		return &p.Ipv6SourceCidrIp
	case pIpv6DestCidrIP:
		return &p.Ipv6DestCidrIp
	case pSourcePrefixListID:
		return &p.SourcePrefixListId
	case pDestPrefixListID:
		return &p.DestPrefixListId
	case pIPProtocol:
		return &p.IpProtocol
	case pPortRange:
		return &p.PortRange
	case pSourcePortRange:
		return &p.SourcePortRange
	case pPolicy:
		return &p.Policy
	case pPriority:
		return &p.Priority
	case pNicType:
		return &p.NicType
	case pDescription:
		return &p.Description
	case pCreateTime:
		return &p.CreateTime
	}
	return nil
}

// permission reads one rule into p; null leaves it as it is.
func (d *decoder) permission(p *Permission) error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.eof()
	case c == 'n':
		return d.literal("null")
	case c != '{':
		return d.mismatch(c, "a rule (an object)")
	}
	d.pos++
	return d.members(func(k []byte) int {
		f := permField(k)
		if f == pUnknown && k != nil {
			f = d.fold(k, permFolded)
		}
		return f
	}, func(f int) error {
		if f == pUnknown {
			return d.skip(4)
		}
		if err := d.strField(p.field(f), permIntern[f]); err != nil {
			return fmt.Errorf("%s: %w", permFields[f], err)
		}
		return nil
	})
}

// Case-insensitive keys.

var (
	groupFolded = foldedNames(groupFields[:])
	permFolded  = foldedNames(permFields[:])
)

// foldedNames maps the folded form of each name to its index.
func foldedNames(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		if n != "" {
			m[string(appendFolded(nil, []byte(n)))] = i
		}
	}
	return m
}

// fold returns the field a key names case-insensitively, 0 if none.
func (d *decoder) fold(k []byte, names map[string]int) int {
	d.folded = appendFolded(d.folded[:0], k)
	return names[string(d.folded)]
}

// is reports whether k is name, exactly or case-insensitively (folded is name folded).
func (d *decoder) is(k []byte, name, folded string) bool {
	if string(k) == name {
		return true
	}
	if k == nil || len(k) < len(name) {
		return false
	}
	d.folded = appendFolded(d.folded[:0], k)
	return string(d.folded) == folded
}

// appendFolded folds a key as encoding/json does (its foldName): ASCII letters to upper
// case, other runes to the smallest rune of their case-folding orbit, so that the Kelvin
// sign matches K and the long s matches S.
func appendFolded(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
