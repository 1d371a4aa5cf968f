package ecsapi

import (
	"bytes"
	"testing"
)

// envelopesOf builds every shape the hand-rendered envelopes take, with s, t and u in
// every string they carry.
func envelopesOf(s, t, u string) map[string]any {
	group := func(ids ...string) groupReference {
		var g groupReference
		g.SecurityGroupId = s
		for _, id := range ids {
			g.ReferencingSecurityGroups.ReferencingSecurityGroup = append(g.ReferencingSecurityGroups.ReferencingSecurityGroup, referencingGroup{SecurityGroupId: id, AliUid: u})
		}
		return g
	}
	full := &referencesResponse{RequestId: u, NextToken: t}
	full.SecurityGroupReferences.SecurityGroupReference = []groupReference{group(t, s), group(), {SecurityGroupId: u}}
	empty := &referencesResponse{RequestId: s}
	empty.SecurityGroupReferences.SecurityGroupReference = []groupReference{}
	emptyGroups := &referencesResponse{RequestId: t}
	emptyGroups.SecurityGroupReferences.SecurityGroupReference = []groupReference{group()}
	emptyGroups.SecurityGroupReferences.SecurityGroupReference[0].ReferencingSecurityGroups.ReferencingSecurityGroup = []referencingGroup{}
	return map[string]any{
		"error":        &errorEnvelope{RequestId: s, HostId: t, Code: u, Message: s + t, Recommend: u + s},
		"full":         full,
		"nil lists":    &referencesResponse{RequestId: s, NextToken: u},
		"empty list":   empty,
		"empty groups": emptyGroups,
	}
}

func checkEnvelopes(t *testing.T, a, b, c string) {
	t.Helper()
	for name, v := range envelopesOf(a, b, c) {
		for _, format := range []string{formatJSON, formatXML} {
			got, gotType, err := render(v, format)
			want, wantType, werr := renderReflect(v, format)
			if err != nil || werr != nil || gotType != wantType || !bytes.Equal(got, want) {
				t.Fatalf("%s %s of %q %q %q:\n got %s (%v)\nwant %s (%v)", name, format, a, b, c, got, err, want, werr)
			}
		}
	}
}

// TestEnvelopesAsReflection: the hand-rendered envelopes are what encoding/json and
// encoding/xml render of the same values, strings that need escaping included.
func TestEnvelopesAsReflection(t *testing.T) {
	for _, s := range envelopeSeeds {
		checkEnvelopes(t, s, "sg-"+s, s+"x")
	}
}

var envelopeSeeds = []string{"", "sg-1133aa", `a"b'c&d<e>f`, "tab\there\nnl\rcr", "\x00\x01\x08\x0c\x1f\x7f",
	"\u2028\u2029", "\xff\xfe", "\ufffd", "é漢字🙂", "\ud7ff\ue000\ufffe\uffff", "]]>", `\\"\\`, "\xed\xa0\x80"}

// FuzzEnvelopeEscaping compares the hand-rendered envelopes with encoding/json's and
// encoding/xml's renderings of the same values, on any strings.
func FuzzEnvelopeEscaping(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add(s, "x"+s, s+s)
	}
	f.Fuzz(func(t *testing.T, a, b, c string) { checkEnvelopes(t, a, b, c) })
}

// TestEnvelopeSize: the size hint holds the whole answer in one allocation.
func TestEnvelopeSize(t *testing.T) {
	for name, v := range envelopesOf("sg-2ze0123456789abcdef", "AAAAAAAAAAAAAAAA", "1234567890123456") {
		a := v.(appender)
		js, xs := a.size()
		if j, x := len(a.appendJSON(nil)), len(a.appendXML(nil)); j > js || x > xs {
			t.Errorf("%s: JSON %d, XML %d bytes; size hints %d, %d", name, j, x, js, xs)
		}
	}
}
