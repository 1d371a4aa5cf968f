package capture_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"testing"
	"time"

	"sgref/shared/capture"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// TestCaptureWritesArtifact: beside the snapshot, the artifact of the very index a
// describe instance would build from that snapshot, naming it by CapturedAt and size.
func TestCaptureWritesArtifact(t *testing.T) {
	at := time.Date(2026, 11, 27, 3, 10, 0, 123, time.UTC)
	st := &memStore{objects: map[string][]byte{}, enc: map[string]string{}}
	job := &capture.Job{Store: st, Key: "snap.json.gz", Log: testkit.Quiet, Now: func() time.Time { return at },
		Source: source{inv: testkit.Sample(t), failAfter: -1}}
	sum, err := job.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	art, snap := st.objects["snap.json.gz"+refs.ArtifactSuffix], st.objects["snap.json.gz"]
	if sum.Index != "mem://bucket/snap.json.gz.index" || art == nil {
		t.Fatalf("summary Index %q, artifact of %d bytes", sum.Index, len(art))
	}
	_, id, err := refs.DecodeArtifact(art)
	if err != nil {
		t.Fatal(err)
	}
	if want := (refs.SnapshotID{CapturedAt: at.Truncate(time.Second), Size: int64(len(snap))}); !id.CapturedAt.Equal(want.CapturedAt) || id.Size != want.Size {
		t.Errorf("artifact names %+v, want %+v", id, want)
	}
	zr, err := gzip.NewReader(bytes.NewReader(snap))
	if err != nil {
		t.Fatal(err)
	}
	b := refs.NewBuilder()
	h, err := inventory.StreamSnapshot(zr, func(g *inventory.Group) error { b.Add(g); return nil })
	if err != nil {
		t.Fatal(err)
	}
	b.SetCapturedAt(h.CapturedAt)
	b.SetCoverage(h.Source)
	var fromSnapshot bytes.Buffer
	if err := b.Index().WriteArtifact(&fromSnapshot, id); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromSnapshot.Bytes(), art) {
		t.Error("the artifact holds another index than the one built from the snapshot")
	}
}
