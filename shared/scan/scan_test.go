package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"testing"
	"time"

	"sgref/shared/internal/golden"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

func group(region, owner, id string, ecs *int, rules ...inventory.Permission) inventory.Group {
	return inventory.Group{RegionId: region, OwnerId: owner, SecurityGroupId: id, SecurityGroupName: "name-" + id, EcsCount: ecs,
		NetworkInterfaceCount: ecs, // as many interfaces as instances, unless a test says otherwise
		Permissions:           inventory.Permissions{Permission: rules}}
}

func count(n int) *int { return &n }

var zero, some = count(0), count(3)

// in is an ingress rule naming src, with owner ID and account as given.
func in(rule, src, ownerID, ownerAccount string) inventory.Permission {
	return inventory.Permission{SecurityGroupRuleId: rule, Direction: inventory.Ingress, SourceGroupId: src,
		SourceGroupOwnerId: ownerID, SourceGroupOwnerAccount: ownerAccount, Policy: "Accept", IpProtocol: "TCP", PortRange: "22/22"}
}

func out(rule, dst, ownerID, ownerAccount string) inventory.Permission {
	return inventory.Permission{SecurityGroupRuleId: rule, Direction: inventory.Egress, DestGroupId: dst,
		DestGroupOwnerId: ownerID, DestGroupOwnerAccount: ownerAccount, Policy: "Drop", IpProtocol: "UDP", PortRange: "53/53"}
}

// findings renders a report's three lists as short strings:
// D/U region holder rule->group@owner, G region group.
func findings(rep *scan.Report) []string {
	list := []string{}
	for kind, seq := range map[string]func() iter.Seq[scan.Reference]{"D": rep.DanglingReferences, "U": rep.UnverifiableReferences} {
		for r := range seq() {
			owner := r.ReferencedOwnerId
			if r.ReferencedOwnerAccount != "" {
				owner += "(" + r.ReferencedOwnerAccount + ")"
			}
			list = append(list, fmt.Sprintf("%s %s %s/%s %s->%s@%s", kind, r.RegionId, r.OwnerId, r.SecurityGroupId, r.SecurityGroupRuleId, r.ReferencedGroupId, owner))
		}
	}
	for g := range rep.UnreferencedGroups() {
		list = append(list, fmt.Sprintf("G %s %s/%s", g.RegionId, g.OwnerId, g.SecurityGroupId))
	}
	slices.Sort(list) // the kinds come from a map; the order within a kind is tested apart
	return list
}

func TestDefinitions(t *testing.T) {
	for name, tc := range map[string]struct {
		groups []inventory.Group
		req    scan.Request
		want   []string
	}{
		"dangling ingress, owner implied": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-x", "", ""))},
			want:   []string{"D r 1/sg-b r1->sg-x@1"},
		},
		"dangling egress, owner implied": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, out("r1", "sg-x", "", ""))},
			want:   []string{"D r 1/sg-b r1->sg-x@1"},
		},
		"dangling, named owner covered": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-x", "2", "")), group("q", "2", "sg-c", some)},
			want:   []string{"D r 1/sg-b r1->sg-x@2"},
		},
		"dangling: X only in another region": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-a", "", "")), group("q", "1", "sg-a", some)},
			want:   []string{"D r 1/sg-b r1->sg-a@1"},
		},
		"dangling: X in another region, named owner not covered": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-a", "9", "")), group("q", "1", "sg-a", some)},
			want:   []string{"D r 1/sg-b r1->sg-a@9"},
		},
		"dangling: X in another region, owner by account only": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, out("r1", "sg-a", "", "x@example.com")), group("q", "1", "sg-a", some)},
			want:   []string{"D r 1/sg-b r1->sg-a@(x@example.com)"},
		},
		"unverifiable: account not covered": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-x", "9", ""))},
			want:   []string{"U r 1/sg-b r1->sg-x@9"},
		},
		"unverifiable: egress, account not covered": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, out("r1", "sg-x", "9", ""))},
			want:   []string{"U r 1/sg-b r1->sg-x@9"},
		},
		"unverifiable: owner by account name only": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-x", "", "x@example.com"))},
			want:   []string{"U r 1/sg-b r1->sg-x@(x@example.com)"},
		},
		"owner ID wins over account name": {
			groups: []inventory.Group{group("r", "1", "sg-b", some, in("r1", "sg-x", "1", "x@example.com"))},
			want:   []string{"D r 1/sg-b r1->sg-x@1(x@example.com)"},
		},
		"resolved references are no finding, across accounts too": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero), group("r", "2", "sg-b", some, in("r1", "sg-a", "1", ""), out("r2", "sg-a", "", ""))},
			want:   []string{},
		},
		"self rule: no finding, and not a reference": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero, in("r1", "sg-a", "", ""), out("r2", "sg-a", "", ""))},
			want:   []string{"G r 1/sg-a"},
		},
		"cidr rule is no reference": {
			groups: []inventory.Group{group("r", "1", "sg-a", some, inventory.Permission{Direction: "ingress", SourceCidrIp: "10.0.0.0/8"})},
			want:   []string{},
		},
		"ingress naming a destination is no reference": {
			groups: []inventory.Group{group("r", "1", "sg-a", some, inventory.Permission{Direction: "ingress", DestGroupId: "sg-x"})},
			want:   []string{},
		},
		"EcsCount 0, unreferenced: candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero)},
			want:   []string{"G r 1/sg-a"},
		},
		"EcsCount absent: unknown, not a candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", nil)},
			want:   []string{},
		},
		"EcsCount 0, an interface attached: not a candidate": {
			groups: func() []inventory.Group {
				g := group("r", "1", "sg-a", zero)
				g.NetworkInterfaceCount = count(1)
				return []inventory.Group{g}
			}(),
			want: []string{},
		},
		"EcsCount 0, interfaces unknown: not a candidate": {
			groups: func() []inventory.Group {
				g := group("r", "1", "sg-a", zero)
				g.NetworkInterfaceCount = nil
				return []inventory.Group{g}
			}(),
			want: []string{},
		},
		"EcsCount non-zero: not a candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", some)},
			want:   []string{},
		},
		"ServiceManaged: not a candidate": {
			groups: func() []inventory.Group {
				g := group("r", "1", "sg-a", zero)
				g.ServiceManaged = true
				return []inventory.Group{g}
			}(),
			want: []string{},
		},
		"referenced by another account's group: not a candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero), group("r", "2", "sg-b", some, in("r1", "sg-a", "1", ""))},
			want:   []string{},
		},
		"referenced by a Drop rule: not a candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero), group("r", "1", "sg-b", some, out("r1", "sg-a", "", ""))},
			want:   []string{},
		},
		"a rule of another region does not reference": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero), group("q", "1", "sg-b", some, in("r1", "sg-a", "", ""))},
			want:   []string{"D q 1/sg-b r1->sg-a@1", "G r 1/sg-a"},
		},
		"a group referencing others can be a candidate": {
			groups: []inventory.Group{group("r", "1", "sg-a", some), group("r", "1", "sg-b", zero, in("r1", "sg-a", "", ""))},
			want:   []string{"G r 1/sg-b"},
		},
		"scope: regions": {
			groups: []inventory.Group{
				group("r", "1", "sg-a", zero, in("r1", "sg-x", "", "")), group("q", "1", "sg-b", zero, in("r2", "sg-y", "", "")),
				group("p", "1", "sg-c", zero, in("r3", "sg-z", "", "")),
			},
			req:  scan.Request{Regions: []string{"r", "p", "r", "nowhere"}},
			want: []string{"D p 1/sg-c r3->sg-z@1", "D r 1/sg-a r1->sg-x@1", "G p 1/sg-c", "G r 1/sg-a"},
		},
		"scope: accounts keep the rules their groups hold": {
			groups: []inventory.Group{
				group("r", "1", "sg-a", zero, in("r1", "sg-x", "2", "")),
				group("r", "2", "sg-b", zero, in("r2", "sg-y", "1", ""), in("r3", "sg-z", "9", "")),
			},
			req:  scan.Request{Accounts: []string{"2"}},
			want: []string{"D r 2/sg-b r2->sg-y@1", "G r 2/sg-b", "U r 2/sg-b r3->sg-z@9"},
		},
		"scope: an out-of-scope referrer still references": {
			groups: []inventory.Group{group("r", "1", "sg-a", zero), group("r", "2", "sg-b", some, in("r1", "sg-a", "1", ""))},
			req:    scan.Request{Accounts: []string{"1"}},
			want:   []string{},
		},
		"scope: coverage is the whole inventory's": {
			groups: []inventory.Group{group("r", "1", "sg-a", some), group("q", "2", "sg-b", some, in("r1", "sg-x", "1", ""))},
			req:    scan.Request{Regions: []string{"q"}, Accounts: []string{"2"}},
			want:   []string{"D q 2/sg-b r1->sg-x@1"},
		},
		"scope: regions and accounts together": {
			groups: []inventory.Group{
				group("r", "1", "sg-a", zero, in("r1", "sg-x", "", "")), group("r", "2", "sg-b", zero, in("r2", "sg-y", "", "")),
				group("q", "2", "sg-c", zero, in("r3", "sg-z", "", "")),
			},
			req:  scan.Request{Regions: []string{"r"}, Accounts: []string{"2"}},
			want: []string{"D r 2/sg-b r2->sg-y@2", "G r 2/sg-b"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			ix := refs.Build(&inventory.Inventory{SecurityGroups: tc.groups})
			rep := scan.Run(ix, tc.req, scan.Options{})
			if got := findings(rep); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings\n got %q\nwant %q", got, tc.want)
			}
			s := rep.Summary
			if n := s.DanglingReferences + s.UnverifiableReferences + s.UnreferencedGroups; n != len(tc.want) {
				t.Errorf("Summary %+v counts %d findings, want %d", s, n, len(tc.want))
			}
		})
	}
}

func TestOrderAndSummary(t *testing.T) {
	// Given out of order: regions, groups and rules come out sorted whatever the input.
	groups := []inventory.Group{
		group("r2", "1", "sg-b", zero, in("r9", "sg-x", "", ""), in("r1", "sg-x", "", ""), in("r5", "sg-e", "9", "")),
		group("r1", "1", "sg-z", zero, out("r3", "sg-y", "", "")),
		group("r2", "1", "sg-a", zero, in("r7", "sg-y", "", ""), in("r2", "sg-e", "9", "")),
		group("r1", "2", "sg-c", nil, out("r2", "sg-y", "", "")),
	}
	rep := scan.Run(refs.Build(&inventory.Inventory{SecurityGroups: groups}), scan.Request{}, scan.Options{})
	var got []string
	for r := range rep.DanglingReferences() {
		got = append(got, r.RegionId+"/"+r.SecurityGroupId+"/"+r.SecurityGroupRuleId)
	}
	for r := range rep.UnverifiableReferences() {
		got = append(got, "U "+r.RegionId+"/"+r.SecurityGroupId+"/"+r.SecurityGroupRuleId)
	}
	for g := range rep.UnreferencedGroups() {
		got = append(got, "G "+g.RegionId+"/"+g.SecurityGroupId)
	}
	want := []string{"r1/sg-c/r2", "r1/sg-z/r3", "r2/sg-a/r7", "r2/sg-b/r1", "r2/sg-b/r9",
		"U r2/sg-a/r2", "U r2/sg-b/r5", "G r1/sg-z", "G r2/sg-a", "G r2/sg-b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
	if s, want := rep.Summary, (scan.Summary{ScannedRegions: 2, ScannedGroups: 4, DanglingReferences: 5, UnverifiableReferences: 2, UnreferencedGroups: 3}); s != want {
		t.Errorf("Summary %+v, want %+v", s, want)
	}
	if inv, want := rep.Inventory, (scan.Inventory{Groups: 4, Rules: 7, References: 0}); inv != want {
		t.Errorf("Inventory %+v, want %+v", inv, want)
	}
}

// clock returns a fake time.Now that starts at 2025-03-01T08:00:00Z and moves on 250ms a call.
func clock() func() time.Time {
	t := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		now := t
		t = t.Add(250 * time.Millisecond)
		return now
	}
}

func fixed() scan.Options {
	return scan.Options{Now: clock(), NewID: func() string { return "00000000-0000-4000-8000-000000000001" }}
}

// MustSample indexes the embedded sample inventory.
func MustSample(tb testing.TB) *refs.Index {
	tb.Helper()
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		tb.Fatal(err)
	}
	return refs.Build(inv)
}

// document is the report as a consumer decodes it.
type document struct {
	ScanId                 string
	StartedAt, FinishedAt  time.Time
	Scope                  scan.Request
	Inventory              scan.Inventory
	Summary                scan.Summary
	DanglingReferences     []scan.Reference
	UnverifiableReferences []scan.Reference
	UnreferencedGroups     []scan.UnreferencedGroup
}

func decodeReport(t *testing.T, b []byte) document {
	t.Helper()
	var d document
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("report is not the documented JSON: %v\n%s", err, b)
	}
	return d
}

func TestSampleReportGolden(t *testing.T) {
	ix := MustSample(t)
	for name, req := range map[string]scan.Request{
		"sample.json":        {},
		"sample-scoped.json": {Regions: []string{"cn-hangzhou", "ap-southeast-1"}, Accounts: []string{"456"}},
	} {
		t.Run(name, func(t *testing.T) {
			rep := scan.Run(ix, req, fixed())
			var buf bytes.Buffer
			if err := rep.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, name, buf.Bytes())
			d := decodeReport(t, buf.Bytes())
			if d.ScanId != rep.ScanID || !d.StartedAt.Equal(rep.StartedAt) || !d.FinishedAt.After(d.StartedAt) {
				t.Errorf("header %q %v %v, want %q from %v on", d.ScanId, d.StartedAt, d.FinishedAt, rep.ScanID, rep.StartedAt)
			}
			s := d.Summary
			if s != rep.Summary || s.DanglingReferences != len(d.DanglingReferences) ||
				s.UnverifiableReferences != len(d.UnverifiableReferences) || s.UnreferencedGroups != len(d.UnreferencedGroups) {
				t.Errorf("Summary %+v does not count the lists (%d, %d, %d)", s, len(d.DanglingReferences), len(d.UnverifiableReferences), len(d.UnreferencedGroups))
			}
		})
	}
}

// TestSampleFindings pins what the sample holds against the definitions, apart from the
// golden file's layout.
func TestSampleFindings(t *testing.T) {
	rep := scan.Run(MustSample(t), scan.Request{}, scan.Options{})
	want := []string{
		"D ap-southeast-1 456/sg-sg-ops01 sgr-000051->sg-sg-old01@456", // gone, owner implied
		"D cn-hangzhou 123/sg-legacy001 sgr-000024->sg-gone0001@123",
		"D cn-hangzhou 123/sg-legacy001 sgr-000025->sg-gone0002@123", // egress
		"D cn-hangzhou 123/sg-monitor01 sgr-000023->sg-deleted77@123",
		"D cn-hangzhou 456/sg-partner03 sgr-000039->sg-classic99@123", // named owner, covered
		"D cn-shanghai 123/sg-sh-web01 sgr-000041->sg-1133aa@123",     // exists in cn-hangzhou only
		"G ap-southeast-1 456/sg-sg-etl01",
		// sg-legacy001: EcsCount 0 but an interface attached; sg-unused02: interfaces unknown.
		"G cn-hangzhou 123/sg-unused01",
		"G cn-hangzhou 456/sg-partner03",
		"G cn-shanghai 123/sg-sh-idle01",
		"U cn-hangzhou 123/sg-classic01 sgr-000033->sg-ext0789@789",
		"U cn-hangzhou 123/sg-classic01 sgr-000034->sg-vendor01@(vendor@example.com)",
	}
	if got := findings(rep); !reflect.DeepEqual(got, want) {
		t.Errorf("sample findings\n got %q\nwant %q", got, want)
	}
}

func TestEmptyReport(t *testing.T) {
	rep := scan.Run(refs.Build(&inventory.Inventory{}), scan.Request{}, fixed())
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	d := decodeReport(t, buf.Bytes())
	if d.DanglingReferences == nil || d.UnverifiableReferences == nil || d.UnreferencedGroups == nil || d.Scope.Regions == nil {
		t.Errorf("an empty list is not []:\n%s", buf.Bytes())
	}
	if want := "20250301T080000Z-00000000-0000-4000-8000-000000000001.json"; rep.FileName() != want {
		t.Errorf("FileName()=%q, want %q", rep.FileName(), want)
	}
}

func TestScanIDs(t *testing.T) {
	ix := refs.Build(&inventory.Inventory{})
	a, b := scan.Run(ix, scan.Request{}, scan.Options{}), scan.Run(ix, scan.Request{}, scan.Options{})
	if a.ScanID == b.ScanID || len(a.ScanID) != 36 {
		t.Errorf("scan IDs %q and %q: want two distinct UUIDs", a.ScanID, b.ScanID)
	}
	if a.StartedAt.Location() != time.UTC || a.FinishedAt.Before(a.StartedAt) {
		t.Errorf("times %v .. %v: want UTC, in order", a.StartedAt, a.FinishedAt)
	}
}

func TestDecodeRequest(t *testing.T) {
	for doc, ok := range map[string]bool{
		``:     true,
		`null`: true,
		`{}`:   true,
		`{"Regions":["cn-hangzhou"],"Accounts":["123"]}`: true,
		`{"Regions":[""]}`:           false,
		`{"Region":["cn-hangzhou"]}`: false, // misspelt: refused, never a wider scan
		`{"Regions":"cn-hangzhou"}`:  false,
		`{} {}`:                      false,
		`[`:                          false,
	} {
		if _, err := scan.DecodeRequest([]byte(doc)); (err == nil) != ok {
			t.Errorf("DecodeRequest(%q) error %v, want ok=%v", doc, err, ok)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"Regions":["cn-hangzhou"],"Accounts":["123"]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"Regions":[""]} x`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := scan.DecodeRequest(b)
		if err != nil {
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("DecodeRequest accepted %q, which Validate refuses: %v", b, err)
		}
	})
}
