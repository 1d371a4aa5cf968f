package ecsapi

import (
	"unicode/utf8"
)

// The envelopes of DescribeSecurityGroupReferences and of errors are rendered by hand:
// encoding/json and encoding/xml spent 60 % and 90 % of a 100-record answer walking the
// same fixed shape by reflection (README, Performance). What is written is what those
// packages write, byte for byte: the golden files pin the shapes, FuzzEnvelopeEscaping
// compares the string escaping with theirs.

// appender is an envelope that renders itself.
type appender interface {
	appendJSON(dst []byte) []byte
	appendXML(dst []byte) []byte // the element, indented as render's encoder would
	// size is at least the XML's length (the JSON's is less): one allocation of the
	// answer's bytes, not a doubling series that makes garbage on a large heap.
	size() (json, xml int)
}

const hexDigits = "0123456789abcdef"

// jsonSafe and xmlSafe are the ASCII bytes each format writes as they are.
var jsonSafe, xmlSafe = func() (j, x [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		j[b] = b != '"' && b != '\\'
		x[b] = b != '"' && b != '\'' && b != '&' && b != '<' && b != '>'
	}
	return j, x
}()

// appendJSONString appends s as encoding/json's Encoder with SetEscapeHTML(false) does:
// ", \ and control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendXMLText appends s as encoding/xml escapes character data: the five markup
// characters as &#34; &#39; &amp; &lt; &gt;, tab and line ends as character references,
// characters XML cannot carry and invalid UTF-8 as U+FFFD.
func appendXMLText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf && xmlSafe[b] {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !xmlChar(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		dst = append(dst, s[last:i-width]...)
		dst = append(dst, esc...)
		last = i
	}
	return append(dst, s[last:]...)
}

// xmlChar is the XML 1.0 Char production, as encoding/xml checks it.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// appendJSONField appends "name":"value", after a comma unless first.
func appendJSONField(dst []byte, name, value string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendJSONString(dst, value)
}

// appendXMLElement appends a line <name>value</name> at the given indent (two spaces a
// level).
func appendXMLElement(dst []byte, indent int, name, value string) []byte {
	dst = appendIndent(dst, indent)
	dst = append(dst, '<')
	dst = append(dst, name...)
	dst = append(dst, '>')
	dst = appendXMLText(dst, value)
	dst = append(dst, '<', '/')
	dst = append(dst, name...)
	return append(dst, '>')
}

func appendIndent(dst []byte, level int) []byte {
	dst = append(dst, '\n')
	for range level {
		dst = append(dst, ' ', ' ')
	}
	return dst
}

func appendOpen(dst []byte, indent int, name string) []byte {
	if indent >= 0 {
		dst = appendIndent(dst, indent)
	}
	dst = append(dst, '<')
	dst = append(dst, name...)
	return append(dst, '>')
}

// appendClose closes name; on its own line at indent unless the element was empty.
func appendClose(dst []byte, indent int, name string, empty bool) []byte {
	if !empty {
		dst = appendIndent(dst, indent)
	}
	dst = append(dst, '<', '/')
	dst = append(dst, name...)
	return append(dst, '>')
}

func (e *errorEnvelope) size() (json, xml int) {
	n := len(e.RequestId) + len(e.HostId) + len(e.Code) + len(e.Message) + len(e.Recommend)
	return 80 + 6*n, 160 + 6*n // an escape is at most 6 bytes a byte
}

func (e *errorEnvelope) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendJSONField(dst, "RequestId", e.RequestId, true)
	dst = appendJSONField(dst, "HostId", e.HostId, false)
	dst = appendJSONField(dst, "Code", e.Code, false)
	dst = appendJSONField(dst, "Message", e.Message, false)
	dst = appendJSONField(dst, "Recommend", e.Recommend, false)
	return append(dst, '}')
}

func (e *errorEnvelope) appendXML(dst []byte) []byte {
	dst = appendOpen(dst, -1, "Error")
	dst = appendXMLElement(dst, 1, "RequestId", e.RequestId)
	dst = appendXMLElement(dst, 1, "HostId", e.HostId)
	dst = appendXMLElement(dst, 1, "Code", e.Code)
	dst = appendXMLElement(dst, 1, "Message", e.Message)
	dst = appendXMLElement(dst, 1, "Recommend", e.Recommend)
	return appendClose(dst, 0, "Error", false)
}

func (r *referencesResponse) size() (json, xml int) {
	n := len(r.RequestId) + len(r.NextToken)
	json, xml = 128+n, 256+n
	for i := range r.SecurityGroupReferences.SecurityGroupReference {
		e := &r.SecurityGroupReferences.SecurityGroupReference[i]
		json += 96 + len(e.SecurityGroupId)
		xml += 240 + len(e.SecurityGroupId)
		for _, g := range e.ReferencingSecurityGroups.ReferencingSecurityGroup {
			n := len(g.SecurityGroupId) + len(g.AliUid)
			json += 40 + n
			xml += 180 + n
		}
	}
	return json, xml
}

func (r *referencesResponse) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = appendJSONField(dst, "RequestId", r.RequestId, true)
	dst = append(dst, `,"SecurityGroupReferences":{"SecurityGroupReference":`...)
	list := r.SecurityGroupReferences.SecurityGroupReference
	if list == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range list {
			e := &list[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '{')
			dst = appendJSONField(dst, "SecurityGroupId", e.SecurityGroupId, true)
			dst = append(dst, `,"ReferencingSecurityGroups":{"ReferencingSecurityGroup":`...)
			groups := e.ReferencingSecurityGroups.ReferencingSecurityGroup
			if groups == nil {
				dst = append(dst, "null"...)
			} else {
				dst = append(dst, '[')
				for j := range groups {
					if j > 0 {
						dst = append(dst, ',')
					}
					dst = append(dst, '{')
					dst = appendJSONField(dst, "SecurityGroupId", groups[j].SecurityGroupId, true)
					dst = appendJSONField(dst, "AliUid", groups[j].AliUid, false)
					dst = append(dst, '}')
				}
				dst = append(dst, ']')
			}
			dst = append(dst, '}', '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, '}')
	if r.NextToken != "" {
		dst = appendJSONField(dst, "NextToken", r.NextToken, false)
	}
	return append(dst, '}')
}

func (r *referencesResponse) appendXML(dst []byte) []byte {
	dst = appendOpen(dst, -1, "DescribeSecurityGroupReferencesResponse")
	dst = appendXMLElement(dst, 1, "RequestId", r.RequestId)
	list := r.SecurityGroupReferences.SecurityGroupReference
	dst = appendOpen(dst, 1, "SecurityGroupReferences")
	for i := range list {
		e := &list[i]
		dst = appendOpen(dst, 2, "SecurityGroupReference")
		dst = appendXMLElement(dst, 3, "SecurityGroupId", e.SecurityGroupId)
		groups := e.ReferencingSecurityGroups.ReferencingSecurityGroup
		dst = appendOpen(dst, 3, "ReferencingSecurityGroups")
		for j := range groups {
			dst = appendOpen(dst, 4, "ReferencingSecurityGroup")
			dst = appendXMLElement(dst, 5, "SecurityGroupId", groups[j].SecurityGroupId)
			dst = appendXMLElement(dst, 5, "AliUid", groups[j].AliUid)
			dst = appendClose(dst, 4, "ReferencingSecurityGroup", false)
		}
		dst = appendClose(dst, 3, "ReferencingSecurityGroups", len(groups) == 0)
		dst = appendClose(dst, 2, "SecurityGroupReference", false)
	}
	dst = appendClose(dst, 1, "SecurityGroupReferences", len(list) == 0)
	if r.NextToken != "" {
		dst = appendXMLElement(dst, 1, "NextToken", r.NextToken)
	}
	return appendClose(dst, 0, "DescribeSecurityGroupReferencesResponse", false)
}
