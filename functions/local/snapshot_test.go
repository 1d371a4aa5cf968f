package main

import (
	"context"
	"strings"
	"testing"
)

// A stored snapshot is no source to capture from: a clear error, not a panic.
func TestSnapshotRefusesAStoredSource(t *testing.T) {
	t.Setenv("SGREF_INVENTORY", "s3://b/k.json.gz?region=us-east-1")
	err := snapshot(context.Background(), []string{"-o", t.TempDir() + "/x.json"})
	if err == nil || !strings.Contains(err.Error(), "stored snapshot") {
		t.Fatalf("snapshot = %v, want an error saying the source is a stored snapshot", err)
	}
}
