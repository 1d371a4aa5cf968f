package provider

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sgref/shared/config"
	"sgref/shared/internal/testkit"
	"sgref/shared/refs"
)

// syncBuffer is a log sink safe for the refresher's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// artifactOf is the artifact of the sample captured at at, naming the snapshot id.
func artifactOf(tb testing.TB, at time.Time, id refs.SnapshotID) []byte {
	tb.Helper()
	inv := testkit.Sample(tb)
	b := refs.NewBuilder()
	for i := range inv.SecurityGroups {
		b.Add(&inv.SecurityGroups[i])
	}
	b.SetCapturedAt(at)
	ix := b.Index()
	var buf bytes.Buffer
	if err := ix.WriteArtifact(&buf, id); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestStoredArtifact: a describe instance loads the artifact beside the snapshot when it
// names that snapshot, and builds from the snapshot, saying why, when it is missing,
// stale, damaged or of another version.
func TestStoredArtifact(t *testing.T) {
	srv, spec := ossStore(t)
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	at := time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC)
	snap := snapshotGz(t, at, nil)
	good := artifactOf(t, at, refs.SnapshotID{CapturedAt: at, Size: int64(len(snap))})
	damaged := bytes.Clone(good)
	damaged[len(damaged)-3] ^= 0xff
	for _, c := range []struct {
		name     string
		artifact []byte // nil: none
		want     string // in the log
		used     bool
	}{
		{"matching", good, `"artifact":true`, true},
		{"missing", nil, "no index artifact beside the snapshot", false},
		{"stale", artifactOf(t, at.Add(-10*time.Minute), refs.SnapshotID{CapturedAt: at.Add(-10 * time.Minute), Size: int64(len(snap))}), "names another snapshot", false},
		{"other size", artifactOf(t, at, refs.SnapshotID{CapturedAt: at, Size: 1}), "names another snapshot", false},
		{"damaged", damaged, "checksum mismatch", false},
		{"other version", append([]byte(refs.ArtifactMagic), 0, 0, 0, 9, 1, 2, 3, 4), "format version 9", false},
		{"not an artifact", []byte("{}"), "not an sgref index artifact", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv.SetObject(bucket, key, snap, "gzip")
			srv.DeleteObject(bucket, key+refs.ArtifactSuffix)
			if c.artifact != nil {
				srv.SetObject(bucket, key+refs.ArtifactSuffix, c.artifact, "")
			}
			logs.take()
			p, _, err := New(context.Background(), config.Config{Inventory: spec, Refresh: time.Hour}, log)
			if err != nil {
				t.Fatal(err)
			}
			ix, err := p.Current(context.Background())
			if err != nil || ix.Stats().Groups != 27 || !ix.CapturedAt().Equal(at) {
				t.Fatalf("Current = %v groups, captured %v, %v", ix.Stats().Groups, ix.CapturedAt(), err)
			}
			got := logs.take()
			if !strings.Contains(got, c.want) || strings.Contains(got, `"artifact":true`) != c.used {
				t.Errorf("log %s\nwant %q, artifact used %v", got, c.want, c.used)
			}
		})
	}
}

// TestArtifactFile: SGREF_INVENTORY=file: takes an artifact file as it takes a snapshot.
func TestArtifactFile(t *testing.T) {
	at := time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "snapshot.json.gz.index")
	if err := os.WriteFile(path, artifactOf(t, at, refs.SnapshotID{CapturedAt: at, Size: -1}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"file:" + path, path} {
		p, _, err := New(context.Background(), config.Config{Inventory: spec}, testkit.Quiet)
		if err != nil {
			t.Fatal(err)
		}
		if ix, err := p.Current(context.Background()); err != nil || ix.Stats().Groups != 27 || !ix.CapturedAt().Equal(at) {
			t.Errorf("%s: %v", spec, err)
		}
	}
	os.WriteFile(path, []byte("sgref-index\ngarbage"), 0o644)
	if _, _, err := New(context.Background(), config.Config{Inventory: "file:" + path}, testkit.Quiet); err == nil {
		t.Error("a damaged artifact file loaded")
	}
}
