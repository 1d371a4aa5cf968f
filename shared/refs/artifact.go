package refs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sgref/shared/inventory"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// The index artifact is an Index written out whole, so that a describe instance loads in
// milliseconds what building from the snapshot takes seconds for (README, Performance).
// Layout: ArtifactMagic, the format version (4 bytes, big-endian), the CRC-32C of the
// payload (4 bytes, big-endian: it catches damage and truncation at memory speed), the
// payload: the length of the directory (4 bytes, little-endian), the directory (an
// artifact value in encoding/json: the header's facts and each column's length), then
// every region's columns (columns.go), one after the other. A load checks every column
// and reads the numbers in place: nothing is built per group or rule.

// ArtifactMagic opens every index artifact.
const ArtifactMagic = "sgref-index\n"

// ArtifactVersion is the artifact format this build writes and reads. Bump it with any
// change to the artifact types below or to what an Index holds.
const ArtifactVersion = 4

const headerSize = len(ArtifactMagic) + 4 + 4

var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

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
	ID   string
	Lens []int // the byte length of each member of its columns, in the order of columns.list
}

// WriteArtifact writes ix as an index artifact naming the snapshot it was built from.
func (ix *Index) WriteArtifact(w io.Writer, snap SnapshotID) error {
	a := artifact{Snapshot: snap, CapturedAt: ix.capturedAt, Coverage: ix.header, Stats: ix.stats}
	for o := range ix.owners {
		a.Owners = append(a.Owners, o)
	}
	slices.Sort(a.Owners) // the same index, the same bytes
	var blobs [][]byte
	for _, id := range ix.Regions() {
		r := ix.regions[id]
		c := r.c
		c.Strings = []byte(r.strs)
		ar := artifactRegion{ID: id}
		for _, m := range c.list() {
			ar.Lens = append(ar.Lens, len(*m))
			blobs = append(blobs, *m)
		}
		a.Regions = append(a.Regions, ar)
	}
	dir, err := json.Marshal(&a)
	if err != nil {
		return fmt.Errorf("encode index artifact: %w", err)
	}
	payload := append([][]byte{binary.LittleEndian.AppendUint32(nil, uint32(len(dir))), dir}, blobs...)
	var crc uint32
	for _, b := range payload {
		crc = crc32.Update(crc, castagnoli(), b)
	}
	head := append([]byte(ArtifactMagic), make([]byte, 8)...)
	binary.BigEndian.PutUint32(head[len(ArtifactMagic):], ArtifactVersion)
	binary.BigEndian.PutUint32(head[len(ArtifactMagic)+4:], crc)
	for _, b := range append([][]byte{head}, payload...) {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("write index artifact: %w", err)
		}
	}
	return nil
}

// ReadArtifact reads an index artifact whole: the index, and the snapshot it names. Data
// that is no artifact is ErrNotArtifact; another format version, a checksum that does
// not match or a payload that does not decode is an error saying so. size is the
// artifact's size when the store told it (-1: unknown): the bytes are then read into one
// buffer of that size rather than a growing one.
func ReadArtifact(r io.Reader, size int64) (*Index, SnapshotID, error) {
	var buf bytes.Buffer
	if size > 0 && size < 1<<40 {
		buf.Grow(int(size) + bytes.MinRead) // the extra: ReadFrom sees the end without growing
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, SnapshotID{}, fmt.Errorf("read index artifact: %w", err)
	}
	return DecodeArtifact(buf.Bytes())
}

// DecodeArtifact is ReadArtifact of bytes in memory. The index reads its numbers in
// place in data, which must not change afterwards.
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
	if crc32.Checksum(payload, castagnoli()) != binary.BigEndian.Uint32(data[4:]) {
		return nil, SnapshotID{}, errors.New("index artifact: checksum mismatch (truncated or damaged)")
	}
	if len(payload) < 4 || uint64(binary.LittleEndian.Uint32(payload)) > uint64(len(payload)-4) {
		return nil, SnapshotID{}, errors.New("index artifact: directory out of range")
	}
	dirEnd := 4 + int(binary.LittleEndian.Uint32(payload))
	var a artifact
	if err := json.Unmarshal(payload[4:dirEnd], &a); err != nil {
		return nil, SnapshotID{}, fmt.Errorf("index artifact: decode: %w", err)
	}
	ix := &Index{regions: make(map[string]*Region, len(a.Regions)), owners: make(map[string]bool, len(a.Owners)),
		stats: a.Stats, capturedAt: a.CapturedAt}
	for _, o := range a.Owners {
		ix.owners[o] = true
	}
	(&Builder{ix: ix}).SetCoverage(a.Coverage)
	blob := payload[dirEnd:]
	for i := range a.Regions {
		ar := &a.Regions[i]
		var c columns
		members := c.list()
		if len(ar.Lens) != len(members) {
			return nil, SnapshotID{}, fmt.Errorf("index artifact: region %q: %d columns, this build reads %d", ar.ID, len(ar.Lens), len(members))
		}
		for k, m := range members {
			n := ar.Lens[k]
			if n < 0 || n > len(blob) {
				return nil, SnapshotID{}, fmt.Errorf("index artifact: region %q: columns out of range", ar.ID)
			}
			*m, blob = blob[:n:n], blob[n:]
		}
		if _, dup := ix.regions[ar.ID]; dup {
			return nil, SnapshotID{}, fmt.Errorf("index artifact: region %q twice", ar.ID)
		}
		if err := c.check(); err != nil {
			return nil, SnapshotID{}, fmt.Errorf("index artifact: region %q: %w", ar.ID, err)
		}
		// The strings are read in place too: data does not change (DecodeArtifact's
		// contract), and a copy of the table costs as much as the rest of a load.
		ix.regions[ar.ID] = newRegion(ar.ID, unsafe.String(unsafe.SliceData(c.Strings), len(c.Strings)), c)
	}
	if len(blob) != 0 {
		return nil, SnapshotID{}, errors.New("index artifact: bytes after the last region")
	}
	return ix, a.Snapshot, nil
}

// newRegion makes a region of checked columns, reading out the two small tables that
// are kept as values: the unresolved rules and the rule attributes.
func newRegion(id, strs string, c columns) *Region {
	c.Strings = nil
	r := &Region{ID: id, strs: strs, c: c}
	if u := c.UHolder.len(); u > 0 {
		r.unresolved = make([]Unresolved, u)
	}
	for k := range r.unresolved {
		r.unresolved[k] = Unresolved{Holder: c.UHolder.i(k), RuleID: r.str(c.URule.u(k)), Direction: r.str(c.UDirection.u(k)),
			GroupID: r.str(c.UGroup.u(k)), OwnerID: r.str(c.UOwner.u(k)), OwnerAccount: r.str(c.UAccount.u(k)),
			Policy: r.str(c.UPolicy.u(k)), IpProtocol: r.str(c.UProtocol.u(k)), PortRange: r.str(c.UPorts.u(k))}
	}
	if na := c.ADirection.len(); na > 0 {
		r.attrs = make([]ruleAttrs, na)
	}
	for k := range r.attrs {
		r.attrs[k] = ruleAttrs{r.str(c.ADirection.u(k)), r.str(c.APolicy.u(k)), r.str(c.AProtocol.u(k)), r.str(c.APorts.u(k)), r.str(c.APriority.u(k))}
	}
	return r
}

// check verifies that every number of c is in range and every list in order, so that no
// accessor can fail on a loaded region.
func (c *columns) check() error {
	for _, m := range c.list()[2:] { // the two byte columns first
		if len(*m)%4 != 0 {
			return errors.New("a column of partial numbers")
		}
	}
	strs, ends := len(c.Strings), c.Ends.len()
	if last, ok := ascending(c.Ends); !ok || int(last) != strs {
		return errors.New("string table out of order, or not spanning its strings")
	}
	n := c.GroupID.len()
	if c.GroupOwner.len() != n || c.GroupName.len() != n || c.EcsCount.len() != n || c.NicCount.len() != n ||
		len(c.ServiceManaged) != n || c.Off.len() != n+1 || c.ToOff.len() != n+1 || c.FromOf.len() != n+1 {
		return errors.New("group columns of different lengths")
	}
	u := c.UHolder.len()
	if c.URule.len() != u || c.UDirection.len() != u || c.UGroup.len() != u || c.UOwner.len() != u ||
		c.UAccount.len() != u || c.UPolicy.len() != u || c.UProtocol.len() != u || c.UPorts.len() != u {
		return errors.New("unresolved columns of different lengths")
	}
	na := c.ADirection.len()
	if c.APolicy.len() != na || c.AProtocol.len() != na || c.APorts.len() != na || c.APriority.len() != na {
		return errors.New("rule attribute columns of different lengths")
	}
	m := c.RuleID.len()
	if c.RuleDesc.len() != m || c.RuleHolder.len() != m || c.RuleTarget.len() != m || c.RulePos.len() != m ||
		c.RuleAttrs.len() != m || c.From.len() != m {
		return errors.New("rule columns of different lengths")
	}
	for _, s := range []column{c.GroupID, c.GroupOwner, c.GroupName, c.URule, c.UDirection, c.UGroup, c.UOwner, c.UAccount,
		c.UPolicy, c.UProtocol, c.UPorts, c.RuleID, c.RuleDesc, c.ADirection, c.APolicy, c.AProtocol, c.APorts, c.APriority} {
		if !below(s, ends) {
			return errors.New("string number out of range")
		}
	}
	if !below(c.Edges, n) || !below(c.UHolder, n) || !below(c.RuleHolder, n) || !below(c.RuleTarget, n) {
		return errors.New("group position out of range")
	}
	if !below(c.RuleAttrs, na) || !below(c.From, m) {
		return errors.New("rule number out of range")
	}
	for _, o := range []struct {
		off column
		n   int
	}{{c.Off, c.Edges.len()}, {c.ToOff, m}, {c.FromOf, m}} {
		if err := checkOffsets(o.off, o.n); err != nil {
			return err
		}
	}
	// Group IDs ascend strictly: sorted, and distinct.
	str := func(k uint32) []byte {
		start := uint32(0)
		if k > 0 {
			start = c.Ends.u(int(k - 1))
		}
		return c.Strings[start:c.Ends.u(int(k))]
	}
	for i := 1; i < n; i++ {
		if bytes.Compare(str(c.GroupID.u(i-1)), str(c.GroupID.u(i))) >= 0 {
			return errors.New("group IDs not sorted and distinct")
		}
	}
	size := c.Slots.len()
	if n > 0 && (size < n+1 || size&(size-1) != 0) || n == 0 && size != 0 || !below(c.Slots, n+1) {
		return errors.New("group ID table out of shape")
	}
	return nil
}

// below reports whether every number of c is under limit.
func below(c column, limit int) bool {
	lim := uint64(limit)
	for i := 0; i+4 <= len(c); i += 4 {
		if uint64(binary.LittleEndian.Uint32(c[i:i+4])) >= lim {
			return false
		}
	}
	return true
}

// ascending reports whether the numbers of c never decrease, and returns the last.
func ascending(c column) (last uint32, ok bool) {
	for i := 0; i+4 <= len(c); i += 4 {
		v := binary.LittleEndian.Uint32(c[i : i+4])
		if v < last {
			return 0, false
		}
		last = v
	}
	return last, true
}

// checkOffsets: off starts at 0, never decreases and ends at n.
func checkOffsets(off column, n int) error {
	if last, ok := ascending(off); off.len() == 0 || off.u(0) != 0 || !ok || int(last) != n {
		return errors.New("offsets out of order, or not spanning their list")
	}
	return nil
}
