package scan

import (
	"crypto/rand"
	"fmt"
	"iter"
	"slices"
	"time"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// Kind is what an unresolved rule is found to be.
type Kind uint8

// Kinds of reference findings.
const (
	Dangling Kind = iota + 1
	Unverifiable
)

// Classify says whether a rule of holder naming a group its region does not hold is
// dangling or unverifiable (see the package documentation).
func Classify(ix *refs.Index, holder refs.Group, u *refs.Unresolved) Kind {
	owner := u.OwnerID
	if owner == "" && u.OwnerAccount == "" {
		owner = holder.OwnerID
	}
	if owner != "" && ix.Covers(owner) {
		return Dangling
	}
	if _, elsewhere := ix.RegionOf(u.GroupID); elsewhere {
		return Dangling
	}
	return Unverifiable
}

// Reference is one rule naming a group that is not where the rule says, as the report and
// the API render it. ReferencedOwnerId is the owner the rule names, or the holder's own
// when it names neither an ID nor an account; ReferencedOwnerAccount, present only when
// the rule gives one, is the owner's account name.
type Reference struct {
	RegionId               string
	OwnerId                string // the holding group's owner
	SecurityGroupId        string // the holding group
	SecurityGroupRuleId    string
	Direction              string
	ReferencedGroupId      string
	ReferencedOwnerId      string
	ReferencedOwnerAccount string `json:",omitempty" xml:",omitempty"`
	Policy                 string
	IpProtocol             string
	PortRange              string
	// ReferencedOwnerCapturedAt is the proof of a dangling reference in a report: when the
	// referenced group's account was read and had no such group (RFC 3339; absent when
	// the snapshot does not say).
	ReferencedOwnerCapturedAt string `json:",omitempty" xml:",omitempty"`
}

// ReferenceOf returns the record of an unresolved rule of region r.
func ReferenceOf(r *refs.Region, u *refs.Unresolved) Reference {
	g := r.Group(u.Holder)
	owner := u.OwnerID
	if owner == "" && u.OwnerAccount == "" {
		owner = g.OwnerID
	}
	return Reference{RegionId: r.ID, OwnerId: g.OwnerID, SecurityGroupId: g.ID, SecurityGroupRuleId: u.RuleID,
		Direction: u.Direction, ReferencedGroupId: u.GroupID, ReferencedOwnerId: owner,
		ReferencedOwnerAccount: u.OwnerAccount, Policy: u.Policy, IpProtocol: u.IpProtocol, PortRange: u.PortRange}
}

// UnreferencedGroup is a group nothing references and nothing uses: a deletion candidate.
// Reason says why it qualified, from the counts the inventory recorded.
type UnreferencedGroup struct {
	RegionId          string
	OwnerId           string
	SecurityGroupId   string
	SecurityGroupName string
	Reason            string
}

// UnreferencedReason is the Reason of every deletion candidate: the conditions it met.
const UnreferencedReason = "EcsCount 0, NetworkInterfaceCount 0, no rule of another group names it, not service-managed"

// Unreferenced reports whether group i of region r is a deletion candidate: no instance
// and no network interface uses it (both counts known and 0), it is not service-managed,
// and no other group's rule names it.
func Unreferenced(r *refs.Region, i int32) bool {
	g := r.Group(i)
	return g.EcsCount == 0 && g.NicCount == 0 && !g.ServiceManaged && r.Referrers(i).Len() == 0
}

// Inventory counts what the scanned index was built from, the whole inventory whatever
// the scope.
type Inventory struct {
	Groups     int // security groups
	Rules      int // rules of every kind
	References int // distinct group-to-group references, self-references excluded
}

// Summary counts a scan's findings, within its scope.
type Summary struct {
	ScannedRegions         int // regions in scope that the inventory holds
	ScannedGroups          int // groups in scope
	DanglingReferences     int
	UnverifiableReferences int
	UnreferencedGroups     int
}

// Options make a scan reproducible in tests. The zero value is what production uses.
type Options struct {
	Now   func() time.Time // time.Now when nil
	NewID func() string    // a random UUID when nil
}

// Report is the result of one scan. The findings are kept as positions in the index, not
// as records, so a report costs little more than the index it was made from; records are
// built one at a time as they are read or written.
type Report struct {
	ScanID     string
	StartedAt  time.Time // UTC
	FinishedAt time.Time // UTC, when the findings were known (before the report is written)
	Scope      Request   // sorted, duplicates removed, empty lists rather than nil
	Inventory  Inventory
	Summary    Summary
	// Coverage is the snapshot's coverage, per account when it was captured account by
	// account; nil when the snapshot says nothing.
	Coverage *inventory.Coverage

	regions []findings
	ix      *refs.Index
}

// findings are one region's, as positions: in r.Unresolved() for references, in the
// region's groups for unreferenced groups.
type findings struct {
	r                      *refs.Region
	dangling, unverifiable []int32
	unreferenced           []int32
}

// Run scans ix within the scope req asks for. It cannot fail: an index is always
// consistent, and a region or account the inventory does not hold simply has no findings.
func Run(ix *refs.Index, req Request, o Options) *Report {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	newID := o.NewID
	if newID == nil {
		newID = newScanID
	}
	st := ix.Stats()
	rep := &Report{ScanID: newID(), StartedAt: now().UTC(), Scope: normalize(req),
		Inventory: Inventory{Groups: st.Groups, Rules: st.Rules, References: st.References}, Coverage: ix.Coverage(), ix: ix}
	accounts := make(map[string]bool, len(rep.Scope.Accounts))
	for _, a := range rep.Scope.Accounts {
		accounts[a] = true
	}
	inScope := func(owner string) bool { return len(accounts) == 0 || accounts[owner] }
	for _, id := range ix.Regions() {
		if len(rep.Scope.Regions) > 0 {
			if _, ok := slices.BinarySearch(rep.Scope.Regions, id); !ok {
				continue
			}
		}
		r, _ := ix.Region(id)
		f := findings{r: r}
		for i := range int32(r.Len()) {
			if !inScope(r.Group(i).OwnerID) {
				continue
			}
			rep.Summary.ScannedGroups++
			if Unreferenced(r, i) {
				f.unreferenced = append(f.unreferenced, i)
			}
		}
		us := r.Unresolved()
		for k := range us {
			u := &us[k]
			holder := r.Group(u.Holder)
			if !inScope(holder.OwnerID) {
				continue
			}
			if Classify(ix, holder, u) == Dangling {
				f.dangling = append(f.dangling, int32(k))
			} else {
				f.unverifiable = append(f.unverifiable, int32(k))
			}
		}
		rep.Summary.ScannedRegions++
		rep.Summary.DanglingReferences += len(f.dangling)
		rep.Summary.UnverifiableReferences += len(f.unverifiable)
		rep.Summary.UnreferencedGroups += len(f.unreferenced)
		rep.regions = append(rep.regions, f)
	}
	rep.FinishedAt = now().UTC()
	return rep
}

// normalize sorts and deduplicates the scope's lists, and makes them empty rather than nil
// so that the report says [] for "everything".
func normalize(req Request) Request {
	clean := func(list []string) []string {
		out := slices.Clone(list)
		if out == nil {
			out = []string{}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return Request{Regions: clean(req.Regions), Accounts: clean(req.Accounts)}
}

// DanglingReferences yields the dangling references by region, holding group and rule ID.
func (rep *Report) DanglingReferences() iter.Seq[Reference] {
	return func(yield func(Reference) bool) {
		for ref := range rep.references(func(f *findings) []int32 { return f.dangling }) {
			if rep.ix != nil {
				if t := rep.ix.CapturedAtOf(ref.ReferencedOwnerId); !t.IsZero() {
					ref.ReferencedOwnerCapturedAt = t.UTC().Format(time.RFC3339)
				}
			}
			if !yield(ref) {
				return
			}
		}
	}
}

// UnverifiableReferences yields the unverifiable references by region, holding group and
// rule ID.
func (rep *Report) UnverifiableReferences() iter.Seq[Reference] {
	return rep.references(func(f *findings) []int32 { return f.unverifiable })
}

func (rep *Report) references(list func(*findings) []int32) iter.Seq[Reference] {
	return func(yield func(Reference) bool) {
		for i := range rep.regions {
			f := &rep.regions[i]
			us := f.r.Unresolved()
			for _, k := range list(f) {
				if !yield(ReferenceOf(f.r, &us[k])) {
					return
				}
			}
		}
	}
}

// UnreferencedGroups yields the deletion candidates by region and group ID.
func (rep *Report) UnreferencedGroups() iter.Seq[UnreferencedGroup] {
	return func(yield func(UnreferencedGroup) bool) {
		for i := range rep.regions {
			f := &rep.regions[i]
			for _, p := range f.unreferenced {
				g := f.r.Group(p)
				if !yield(UnreferencedGroup{RegionId: f.r.ID, OwnerId: g.OwnerID, SecurityGroupId: g.ID, SecurityGroupName: g.Name, Reason: UnreferencedReason}) {
					return
				}
			}
		}
	}
}

// newScanID returns a random UUID (version 4), lower case.
func newScanID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
