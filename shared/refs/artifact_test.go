package refs_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"slices"
	"testing"
	"time"

	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// dump is everything an Index answers with, through its exported methods.
func dump(ix *refs.Index) map[string]any {
	out := map[string]any{"stats": ix.Stats(), "capturedAt": ix.CapturedAt().UTC(), "regions": ix.Regions()}
	for _, id := range ix.Regions() {
		r, _ := ix.Region(id)
		var groups []any
		for i := int32(0); i < int32(r.Len()); i++ {
			var to, from []refs.Rule
			for rs, k := r.RulesTo(i), 0; k < rs.Len(); k++ {
				to = append(to, rs.At(k))
			}
			for rs, k := r.RulesFrom(i), 0; k < rs.Len(); k++ {
				from = append(from, rs.At(k))
			}
			g := r.Group(i)
			if id, owner := r.IDAndOwner(i); id != g.ID || owner != g.OwnerID {
				panic(fmt.Sprintf("IDAndOwner(%d) = %s, %s; Group says %s, %s", i, id, owner, g.ID, g.OwnerID))
			}
			p, ok := r.Lookup(g.ID)
			groups = append(groups, []any{g, p, ok, ix.Covers(g.OwnerID), slices.Collect(r.Referrers(i).All()), r.UnresolvedOf(i), to, from})
		}
		out[id] = []any{groups, append([]refs.Unresolved{}, r.Unresolved()...)}
	}
	return out
}

func TestArtifactRoundTrip(t *testing.T) {
	sample, err := inventory.Load(t.Context(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	for name, ix := range map[string]*refs.Index{"sample": refs.Build(sample), "synth 3000": testkit.SynthIndex(t, 3000)} {
		t.Run(name, func(t *testing.T) {
			snap := refs.SnapshotID{CapturedAt: time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC), Size: 1234}
			var buf bytes.Buffer
			if err := ix.WriteArtifact(&buf, snap); err != nil {
				t.Fatal(err)
			}
			if !refs.IsArtifact(buf.Bytes()) {
				t.Fatal("IsArtifact = false")
			}
			got, gotSnap, err := refs.ReadArtifact(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if !gotSnap.CapturedAt.Equal(snap.CapturedAt) || gotSnap.Size != snap.Size {
				t.Errorf("snapshot %+v, want %+v", gotSnap, snap)
			}
			if a, b := dump(got), dump(ix); !reflect.DeepEqual(a, b) {
				t.Errorf("the loaded index answers differently from the built one")
			}
			var again bytes.Buffer
			if err := got.WriteArtifact(&again, snap); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("writing the loaded index again gives other bytes (%v)", err)
			}
		})
	}
}

func TestArtifactRefusals(t *testing.T) {
	var buf bytes.Buffer
	if err := testkit.SynthIndex(t, 200).WriteArtifact(&buf, refs.SnapshotID{}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, data := range map[string][]byte{
		"snapshot json": []byte(`{"CapturedAt":"2026-11-27T03:10:00Z","SecurityGroups":[]}`),
		"empty":         nil,
		"truncated":     good[:len(good)-10],
		"header only":   good[:len(refs.ArtifactMagic)+3],
		"flipped byte":  edit(func(b []byte) []byte { b[len(b)/2] ^= 1; return b }),
		"other version": edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[len(refs.ArtifactMagic):], 99); return b }),
	} {
		if _, _, err := refs.DecodeArtifact(data); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "snapshot json" && !errors.Is(err, refs.ErrNotArtifact) {
			t.Errorf("%s: %v, want ErrNotArtifact", name, err)
		}
	}
}

// FuzzArtifactPayload: any payload under a valid header and checksum either loads or is
// an error, never a panic (the checksum keeps the fuzzer from reaching the decoder
// otherwise).
func FuzzArtifactPayload(f *testing.F) {
	var buf bytes.Buffer
	if err := testkit.SynthIndex(f, 50).WriteArtifact(&buf, refs.SnapshotID{}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes()[len(refs.ArtifactMagic)+8:])
	f.Fuzz(func(t *testing.T, payload []byte) {
		data := binary.BigEndian.AppendUint32([]byte(refs.ArtifactMagic), refs.ArtifactVersion)
		data = binary.BigEndian.AppendUint32(data, crc32.Checksum(payload, crc32.MakeTable(crc32.Castagnoli)))
		data = append(data, payload...)
		ix, _, err := refs.DecodeArtifact(data)
		if err == nil {
			dump(ix) // every accessor works on what loaded
		}
	})
}

// BenchmarkLoadArtifact loads the artifact of 10 000 and 100 000 groups (× 10 rules)
// against building the index from the snapshot's bytes in memory (base).
func BenchmarkLoadArtifact(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		var snap bytes.Buffer
		if err := synth.Write(&snap, synth.Options{Groups: n, Rules: 10, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		var art bytes.Buffer
		if err := testkit.SynthIndex(b, n).WriteArtifact(&art, refs.SnapshotID{}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dk/base", n/1000), func(b *testing.B) {
			for b.Loop() {
				bl := refs.NewBuilder()
				if err := inventory.Stream(bytes.NewReader(snap.Bytes()), func(g *inventory.Group) error { bl.Add(g); return nil }); err != nil {
					b.Fatal(err)
				}
				bl.Index()
			}
		})
		b.Run(fmt.Sprintf("%dk/sgref", n/1000), func(b *testing.B) {
			b.ReportMetric(float64(art.Len()), "artifact-bytes")
			for b.Loop() {
				if _, _, err := refs.DecodeArtifact(art.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestArtifactCoversIndex fails when Index, Region or the rule table gain or lose a
// member: the artifact must then carry it, and ArtifactVersion go up.
func TestArtifactCoversIndex(t *testing.T) {
	for name, c := range map[string]struct {
		v    any
		want int
	}{"Index": {refs.Index{}, 6}, "Region": {refs.Region{}, 5}, "Group": {refs.Group{}, 6}, "Unresolved": {refs.Unresolved{}, 9}} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.want {
			t.Errorf("%s has %d members, the artifact knows %d: carry the new ones in artifact.go and bump ArtifactVersion", name, n, c.want)
		}
	}
}
