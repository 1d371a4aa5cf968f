package refs

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"
)

// The index artifact is an Index written out whole, so that a describe instance loads in
// milliseconds what building from the snapshot takes a second for (README, Performance).
// Layout: ArtifactMagic, the format version (4 bytes, big-endian), the CRC-32C of the
// payload (4 bytes, big-endian: damage and truncation, at memory speed), the payload: an artifact value in encoding/gob. Each region's strings are held
// once in one string, referred to by number, and every other member is a column of
// numbers: gob decodes those in bulk, and a load allocates a few large slices rather than
// a value per group and rule.

// ArtifactMagic opens every index artifact.
const ArtifactMagic = "sgref-index\n"

// ArtifactVersion is the artifact format this build writes and reads. Bump it with any
// change to the artifact types below or to what an Index holds.
const ArtifactVersion = 1

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
	Stats      Stats
	Owners     []string
	Regions    []artifactRegion
}

type artifactRegion struct {
	ID      string
	Strings string   // every distinct string of the region, concatenated
	Ends    []uint32 // string k is Strings[Ends[k-1]:Ends[k]] (Ends[-1] = 0)

	// Groups, sorted by ID.
	GroupID, GroupOwner, GroupName []uint32 // string numbers
	EcsCount, NicCount             []int32
	ServiceManaged                 []bool

	Off, Edges []int32

	// Unresolved rules, in index order.
	UHolder                                              []int32
	URule, UDirection, UGroup, UOwner, UAccount, UPolicy []uint32
	UProtocol, UPorts                                    []uint32

	// The rule table.
	RuleID, RuleDesc                       []uint32
	RuleHolder, RuleTarget, RulePos        []int32
	RuleAttrs                              []uint32
	ADirection, APolicy, AProtocol, APorts []uint32
	APriority                              []uint32
	ToOff, From, FromOf                    []int32
}

// WriteArtifact writes ix as an index artifact naming the snapshot it was built from.
func (ix *Index) WriteArtifact(w io.Writer, snap SnapshotID) error {
	a := artifact{Snapshot: snap, CapturedAt: ix.capturedAt, Stats: ix.stats}
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
	a := artifactRegion{ID: r.ID, Off: r.off, Edges: r.edges, ToOff: r.rules.toOff, From: r.rules.from, FromOf: r.rules.fromOf}
	for _, g := range r.groups {
		a.GroupID = append(a.GroupID, t.add(g.ID))
		a.GroupOwner = append(a.GroupOwner, t.add(g.OwnerID))
		a.GroupName = append(a.GroupName, t.add(g.Name))
		a.EcsCount = append(a.EcsCount, g.EcsCount)
		a.NicCount = append(a.NicCount, g.NicCount)
		a.ServiceManaged = append(a.ServiceManaged, g.ServiceManaged)
	}
	for _, u := range r.unresolved {
		a.UHolder = append(a.UHolder, u.Holder)
		a.URule = append(a.URule, t.add(u.RuleID))
		a.UDirection = append(a.UDirection, t.add(u.Direction))
		a.UGroup = append(a.UGroup, t.add(u.GroupID))
		a.UOwner = append(a.UOwner, t.add(u.OwnerID))
		a.UAccount = append(a.UAccount, t.add(u.OwnerAccount))
		a.UPolicy = append(a.UPolicy, t.add(u.Policy))
		a.UProtocol = append(a.UProtocol, t.add(u.IpProtocol))
		a.UPorts = append(a.UPorts, t.add(u.PortRange))
	}
	for _, rec := range r.rules.recs {
		a.RuleID = append(a.RuleID, t.add(rec.id))
		a.RuleDesc = append(a.RuleDesc, t.add(rec.desc))
		a.RuleHolder = append(a.RuleHolder, rec.holder)
		a.RuleTarget = append(a.RuleTarget, rec.target)
		a.RulePos = append(a.RulePos, rec.pos)
		a.RuleAttrs = append(a.RuleAttrs, rec.attrs)
	}
	for _, at := range r.rules.attrs {
		a.ADirection = append(a.ADirection, t.add(at.Direction))
		a.APolicy = append(a.APolicy, t.add(at.Policy))
		a.AProtocol = append(a.AProtocol, t.add(at.IpProtocol))
		a.APorts = append(a.APorts, t.add(at.PortRange))
		a.APriority = append(a.APriority, t.add(at.Priority))
	}
	a.Strings, a.Ends = string(t.buf), t.ends
	return a
}

func decodeRegion(a *artifactRegion) (*Region, error) {
	n := len(a.GroupID)
	bad := func(what string) error { return fmt.Errorf("%s out of range", what) }
	if len(a.GroupOwner) != n || len(a.GroupName) != n || len(a.EcsCount) != n || len(a.NicCount) != n ||
		len(a.ServiceManaged) != n || len(a.Off) != n+1 || len(a.ToOff) != n+1 || len(a.FromOf) != n+1 {
		return nil, errors.New("group columns of different lengths")
	}
	var prev uint32
	for _, e := range a.Ends {
		if e < prev || int(e) > len(a.Strings) {
			return nil, bad("string table")
		}
		prev = e
	}
	strs := make([]string, len(a.Ends))
	for k, e := range a.Ends {
		start := uint32(0)
		if k > 0 {
			start = a.Ends[k-1]
		}
		strs[k] = a.Strings[start:e] // shares the one string: no copy
	}
	var err error
	str := func(k uint32) string {
		if int(k) >= len(strs) {
			err = bad("string number")
			return ""
		}
		return strs[k]
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
		*g = Group{ID: str(a.GroupID[i]), OwnerID: str(a.GroupOwner[i]), Name: str(a.GroupName[i]),
			EcsCount: a.EcsCount[i], NicCount: a.NicCount[i], ServiceManaged: a.ServiceManaged[i]}
		r.ids[g.ID] = int32(i)
	}
	r.off, r.edges = a.Off, a.Edges
	if err := checkOffsets(r.off, len(r.edges)); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	for _, e := range r.edges {
		pos(e, n, "edge")
	}
	if u := len(a.UHolder); len(a.URule) != u || len(a.UDirection) != u || len(a.UGroup) != u || len(a.UOwner) != u ||
		len(a.UAccount) != u || len(a.UPolicy) != u || len(a.UProtocol) != u || len(a.UPorts) != u {
		return nil, errors.New("unresolved columns of different lengths")
	}
	if len(a.UHolder) > 0 {
		r.unresolved = make([]Unresolved, len(a.UHolder))
	}
	for k := range r.unresolved {
		r.unresolved[k] = Unresolved{Holder: pos(a.UHolder[k], n, "unresolved holder"), RuleID: str(a.URule[k]),
			Direction: str(a.UDirection[k]), GroupID: str(a.UGroup[k]), OwnerID: str(a.UOwner[k]),
			OwnerAccount: str(a.UAccount[k]), Policy: str(a.UPolicy[k]), IpProtocol: str(a.UProtocol[k]), PortRange: str(a.UPorts[k])}
	}
	if m := len(a.ADirection); len(a.APolicy) != m || len(a.AProtocol) != m || len(a.APorts) != m || len(a.APriority) != m {
		return nil, errors.New("rule attribute columns of different lengths")
	}
	if len(a.ADirection) > 0 {
		r.rules.attrs = make([]ruleAttrs, len(a.ADirection))
	}
	for k := range r.rules.attrs {
		r.rules.attrs[k] = ruleAttrs{str(a.ADirection[k]), str(a.APolicy[k]), str(a.AProtocol[k]), str(a.APorts[k]), str(a.APriority[k])}
	}
	m := len(a.RuleID)
	if len(a.RuleDesc) != m || len(a.RuleHolder) != m || len(a.RuleTarget) != m || len(a.RulePos) != m || len(a.RuleAttrs) != m || len(a.From) != m {
		return nil, errors.New("rule columns of different lengths")
	}
	if m > 0 {
		r.rules.recs = make([]ruleRec, m)
	}
	for k := range r.rules.recs {
		if int(a.RuleAttrs[k]) >= len(r.rules.attrs) {
			return nil, bad("rule attributes")
		}
		r.rules.recs[k] = ruleRec{id: str(a.RuleID[k]), desc: str(a.RuleDesc[k]), holder: pos(a.RuleHolder[k], n, "rule holder"),
			target: pos(a.RuleTarget[k], n, "rule target"), pos: a.RulePos[k], attrs: a.RuleAttrs[k]}
	}
	for _, f := range a.From {
		pos(f, m, "rule permutation")
	}
	r.rules.toOff, r.rules.from, r.rules.fromOf = a.ToOff, a.From, a.FromOf
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
