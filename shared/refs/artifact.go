package refs

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sgref/shared/inventory"
	"slices"
	"time"
)

// The index artifact is an Index written out whole, so that a describe instance loads in
// milliseconds what building from the snapshot takes a second for (README, Performance).
// Layout: ArtifactMagic, the format version (4 bytes, big-endian), the CRC-32C of the
// payload (4 bytes, big-endian: it catches damage and truncation at memory speed), the
// payload: an artifact value in encoding/gob. Each region's strings are held once in one
// string, referred to by number, and every other member is a column of numbers packed in
// a []byte, which gob copies in bulk: a load allocates a few large slices rather than a
// value per group and rule.

// ArtifactMagic opens every index artifact.
const ArtifactMagic = "sgref-index\n"

// ArtifactVersion is the artifact format this build writes and reads. Bump it with any
// change to the artifact types below or to what an Index holds.
const ArtifactVersion = 3

const headerSize = len(ArtifactMagic) + 4 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ArtifactSuffix is added to a snapshot object's key to name its artifact:
// snapshot.json.gz.index beside snapshot.json.gz.
const ArtifactSuffix = ".index"

// ErrNotArtifact is returned by ReadArtifact for data that is no index artifact at all.
var ErrNotArtifact = errors.New("not an sgref index artifact")

// SnapshotID names the snapshot an artifact was built from, as the describe path checks
// it against the snapshot in the store before using the artifact.
type SnapshotID struct {
	CapturedAt time.Time // the snapshot header's CapturedAt
	Size       int64     // the stored (compressed) snapshot's size in bytes; -1: unknown
}

// IsArtifact reports whether data (its first bytes suffice) opens an index artifact.
func IsArtifact(prefix []byte) bool { return bytes.HasPrefix(prefix, []byte(ArtifactMagic)) }

type artifact struct {
	Snapshot   SnapshotID
	CapturedAt time.Time
	Coverage   *inventory.Coverage // the snapshot header's Source; nil when it says nothing
	Stats      Stats
	Owners     []string
	Regions    []artifactRegion
}

type artifactRegion struct {
	ID      string
	Strings string // every distinct string of the region, concatenated
	// The columns, each packed little-endian, 4 bytes a number (gob copies a []byte in
	// bulk, where it decodes a []int32 number by number: ten times slower).
	Ends col // string k is Strings[Ends[k-1]:Ends[k]] (Ends[-1] = 0)

	// Groups, sorted by ID.
	GroupID, GroupOwner, GroupName col // string numbers
	EcsCount, NicCount             col
	ServiceManaged                 []byte // 0 or 1

	Off, Edges col

	// Unresolved rules, in index order.
	UHolder                                              col
	URule, UDirection, UGroup, UOwner, UAccount, UPolicy col
	UProtocol, UPorts                                    col

	// The rule table.
	RuleID, RuleDesc                       col
	RuleHolder, RuleTarget, RulePos        col
	RuleAttrs                              col
	ADirection, APolicy, AProtocol, APorts col
	APriority                              col
	ToOff, From, FromOf                    col
}

// col is a column of 32-bit numbers, packed.
type col []byte

func (c col) len() int { return len(c) / 4 }

func (c col) u(i int) uint32 { return binary.LittleEndian.Uint32(c[4*i:]) }

func (c col) i(i int) int32 { return int32(binary.LittleEndian.Uint32(c[4*i:])) }

func (c *col) add(v uint32) { *c = binary.LittleEndian.AppendUint32(*c, v) }

func (c *col) addInt(v int32) { c.add(uint32(v)) }

func packInts(s []int32) col {
	c := make(col, 0, 4*len(s))
	for _, v := range s {
		c.addInt(v)
	}
	return c
}

func (c col) ints() []int32 {
	out := make([]int32, c.len())
	for k := range out {
		out[k] = c.i(k)
	}
	return out
}

// WriteArtifact writes ix as an index artifact naming the snapshot it was built from.
func (ix *Index) WriteArtifact(w io.Writer, snap SnapshotID) error {
	a := artifact{Snapshot: snap, CapturedAt: ix.capturedAt, Coverage: ix.header, Stats: ix.stats}
	for o := range ix.owners {
		a.Owners = append(a.Owners, o)
	}
	slices.Sort(a.Owners) // the same index, the same bytes
	for _, id := range ix.Regions() {
		a.Regions = append(a.Regions, encodeRegion(ix.regions[id]))
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(&a); err != nil {
		return fmt.Errorf("encode index artifact: %w", err)
	}
	head := make([]byte, 0, headerSize)
	head = append(head, ArtifactMagic...)
	head = binary.BigEndian.AppendUint32(head, ArtifactVersion)
	head = binary.BigEndian.AppendUint32(head, crc32.Checksum(payload.Bytes(), castagnoli))
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("write index artifact: %w", err)
	}
	if _, err := w.Write(payload.Bytes()); err != nil {
		return fmt.Errorf("write index artifact: %w", err)
	}
	return nil
}

// ReadArtifact reads an index artifact whole: the index, and the snapshot it names. Data
// that is no artifact is ErrNotArtifact; another format version, a checksum that does
// not match or a payload that does not decode is an error saying so.
func ReadArtifact(r io.Reader) (*Index, SnapshotID, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, SnapshotID{}, fmt.Errorf("read index artifact: %w", err)
	}
	return DecodeArtifact(data)
}

// DecodeArtifact is ReadArtifact of bytes in memory.
func DecodeArtifact(data []byte) (*Index, SnapshotID, error) {
	if !IsArtifact(data) {
		return nil, SnapshotID{}, ErrNotArtifact
	}
	data = data[len(ArtifactMagic):]
	if len(data) < headerSize-len(ArtifactMagic) {
		return nil, SnapshotID{}, errors.New("index artifact: truncated")
	}
	if v := binary.BigEndian.Uint32(data); v != ArtifactVersion {
		return nil, SnapshotID{}, fmt.Errorf("index artifact: format version %d, this build reads %d", v, ArtifactVersion)
	}
	payload := data[8:]
	if crc32.Checksum(payload, castagnoli) != binary.BigEndian.Uint32(data[4:]) {
		return nil, SnapshotID{}, errors.New("index artifact: checksum mismatch (truncated or damaged)")
	}
	var a artifact
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&a); err != nil {
		return nil, SnapshotID{}, fmt.Errorf("index artifact: decode: %w", err)
	}
	ix := &Index{regions: make(map[string]*Region, len(a.Regions)), owners: make(map[string]bool, len(a.Owners)),
		stats: a.Stats, capturedAt: a.CapturedAt}
	for _, o := range a.Owners {
		ix.owners[o] = true
	}
	(&Builder{ix: ix}).SetCoverage(a.Coverage)
	for i := range a.Regions {
		r, err := decodeRegion(&a.Regions[i])
		if err != nil {
			return nil, SnapshotID{}, fmt.Errorf("index artifact: region %q: %w", a.Regions[i].ID, err)
		}
		ix.regions[r.ID] = r
	}
	return ix, a.Snapshot, nil
}

// stringTable numbers a region's distinct strings.
type stringTable struct {
	num  map[string]uint32
	buf  []byte
	ends []uint32
}

func (t *stringTable) add(s string) uint32 {
	if n, ok := t.num[s]; ok {
		return n
	}
	n := uint32(len(t.ends))
	t.num[s] = n
	t.buf = append(t.buf, s...)
	t.ends = append(t.ends, uint32(len(t.buf)))
	return n
}

func encodeRegion(r *Region) artifactRegion {
	t := &stringTable{num: map[string]uint32{}}
	a := artifactRegion{ID: r.ID, Off: packInts(r.off), Edges: packInts(r.edges),
		ToOff: packInts(r.rules.toOff), From: packInts(r.rules.from), FromOf: packInts(r.rules.fromOf)}
	for _, g := range r.groups {
		a.GroupID.add(t.add(g.ID))
		a.GroupOwner.add(t.add(g.OwnerID))
		a.GroupName.add(t.add(g.Name))
		a.EcsCount.addInt(g.EcsCount)
		a.NicCount.addInt(g.NicCount)
		managed := byte(0)
		if g.ServiceManaged {
			managed = 1
		}
		a.ServiceManaged = append(a.ServiceManaged, managed)
	}
	for _, u := range r.unresolved {
		a.UHolder.addInt(u.Holder)
		a.URule.add(t.add(u.RuleID))
		a.UDirection.add(t.add(u.Direction))
		a.UGroup.add(t.add(u.GroupID))
		a.UOwner.add(t.add(u.OwnerID))
		a.UAccount.add(t.add(u.OwnerAccount))
		a.UPolicy.add(t.add(u.Policy))
		a.UProtocol.add(t.add(u.IpProtocol))
		a.UPorts.add(t.add(u.PortRange))
	}
	for _, rec := range r.rules.recs {
		a.RuleID.add(t.add(rec.id))
		a.RuleDesc.add(t.add(rec.desc))
		a.RuleHolder.addInt(rec.holder)
		a.RuleTarget.addInt(rec.target)
		a.RulePos.addInt(rec.pos)
		a.RuleAttrs.add(rec.attrs)
	}
	for _, at := range r.rules.attrs {
		a.ADirection.add(t.add(at.Direction))
		a.APolicy.add(t.add(at.Policy))
		a.AProtocol.add(t.add(at.IpProtocol))
		a.APorts.add(t.add(at.PortRange))
		a.APriority.add(t.add(at.Priority))
	}
	a.Strings = string(t.buf)
	for _, e := range t.ends {
		a.Ends.add(e)
	}
	return a
}

func decodeRegion(a *artifactRegion) (*Region, error) {
	n := a.GroupID.len()
	bad := func(what string) error { return fmt.Errorf("%s out of range", what) }
	for _, c := range []col{a.Ends, a.GroupID, a.GroupOwner, a.GroupName, a.EcsCount, a.NicCount, a.Off, a.Edges,
		a.UHolder, a.URule, a.UDirection, a.UGroup, a.UOwner, a.UAccount, a.UPolicy, a.UProtocol, a.UPorts,
		a.RuleID, a.RuleDesc, a.RuleHolder, a.RuleTarget, a.RulePos, a.RuleAttrs,
		a.ADirection, a.APolicy, a.AProtocol, a.APorts, a.APriority, a.ToOff, a.From, a.FromOf} {
		if len(c)%4 != 0 {
			return nil, errors.New("a column of partial numbers")
		}
	}
	if a.GroupOwner.len() != n || a.GroupName.len() != n || a.EcsCount.len() != n || a.NicCount.len() != n ||
		len(a.ServiceManaged) != n || a.Off.len() != n+1 || a.ToOff.len() != n+1 || a.FromOf.len() != n+1 {
		return nil, errors.New("group columns of different lengths")
	}
	strs := make([]string, a.Ends.len())
	var prev uint32
	for k := range strs {
		e := a.Ends.u(k)
		if e < prev || int(e) > len(a.Strings) {
			return nil, bad("string table")
		}
		strs[k] = a.Strings[prev:e] // shares the one string: no copy
		prev = e
	}
	var err error
	str := func(c col, k int) string {
		v := c.u(k)
		if int(v) >= len(strs) {
			err = bad("string number")
			return ""
		}
		return strs[v]
	}
	pos := func(p int32, limit int, what string) int32 {
		if p < 0 || int(p) >= limit {
			err = bad(what)
		}
		return p
	}
	r := &Region{ID: a.ID, ids: make(map[string]int32, n), groups: make([]Group, n)}
	for i := range r.groups {
		g := &r.groups[i]
		*g = Group{ID: str(a.GroupID, i), OwnerID: str(a.GroupOwner, i), Name: str(a.GroupName, i),
			EcsCount: a.EcsCount.i(i), NicCount: a.NicCount.i(i), ServiceManaged: a.ServiceManaged[i] != 0}
		r.ids[g.ID] = int32(i)
	}
	r.off, r.edges = a.Off.ints(), a.Edges.ints()
	if err := checkOffsets(r.off, len(r.edges)); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	for _, e := range r.edges {
		pos(e, n, "edge")
	}
	u := a.UHolder.len()
	if a.URule.len() != u || a.UDirection.len() != u || a.UGroup.len() != u || a.UOwner.len() != u ||
		a.UAccount.len() != u || a.UPolicy.len() != u || a.UProtocol.len() != u || a.UPorts.len() != u {
		return nil, errors.New("unresolved columns of different lengths")
	}
	if u > 0 {
		r.unresolved = make([]Unresolved, u)
	}
	for k := range r.unresolved {
		r.unresolved[k] = Unresolved{Holder: pos(a.UHolder.i(k), n, "unresolved holder"), RuleID: str(a.URule, k),
			Direction: str(a.UDirection, k), GroupID: str(a.UGroup, k), OwnerID: str(a.UOwner, k),
			OwnerAccount: str(a.UAccount, k), Policy: str(a.UPolicy, k), IpProtocol: str(a.UProtocol, k), PortRange: str(a.UPorts, k)}
	}
	na := a.ADirection.len()
	if a.APolicy.len() != na || a.AProtocol.len() != na || a.APorts.len() != na || a.APriority.len() != na {
		return nil, errors.New("rule attribute columns of different lengths")
	}
	if na > 0 {
		r.rules.attrs = make([]ruleAttrs, na)
	}
	for k := range r.rules.attrs {
		r.rules.attrs[k] = ruleAttrs{str(a.ADirection, k), str(a.APolicy, k), str(a.AProtocol, k), str(a.APorts, k), str(a.APriority, k)}
	}
	m := a.RuleID.len()
	if a.RuleDesc.len() != m || a.RuleHolder.len() != m || a.RuleTarget.len() != m || a.RulePos.len() != m ||
		a.RuleAttrs.len() != m || a.From.len() != m {
		return nil, errors.New("rule columns of different lengths")
	}
	if m > 0 {
		r.rules.recs = make([]ruleRec, m)
	}
	for k := range r.rules.recs {
		if int(a.RuleAttrs.u(k)) >= na {
			return nil, bad("rule attributes")
		}
		r.rules.recs[k] = ruleRec{id: str(a.RuleID, k), desc: str(a.RuleDesc, k), holder: pos(a.RuleHolder.i(k), n, "rule holder"),
			target: pos(a.RuleTarget.i(k), n, "rule target"), pos: a.RulePos.i(k), attrs: a.RuleAttrs.u(k)}
	}
	r.rules.toOff, r.rules.from, r.rules.fromOf = a.ToOff.ints(), a.From.ints(), a.FromOf.ints()
	for _, f := range r.rules.from {
		pos(f, m, "rule permutation")
	}
	if err := checkOffsets(r.rules.toOff, m); err != nil {
		return nil, fmt.Errorf("rules by target: %w", err)
	}
	if err := checkOffsets(r.rules.fromOf, m); err != nil {
		return nil, fmt.Errorf("rules by holder: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if len(r.ids) != n {
		return nil, errors.New("group IDs not distinct")
	}
	return r, nil
}

// checkOffsets: off starts at 0, never decreases and ends at n.
func checkOffsets(off []int32, n int) error {
	if len(off) == 0 || off[0] != 0 || int(off[len(off)-1]) != n {
		return errors.New("offsets do not span the list")
	}
	for i := 1; i < len(off); i++ {
		if off[i] < off[i-1] {
			return errors.New("offsets decrease")
		}
	}
	return nil
}
