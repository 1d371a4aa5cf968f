package scanjob_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sgref/shared/config"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
	"sgref/shared/scanjob"
	"sgref/shared/stores"
)

func TestNew(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	ix := refs.Static(refs.Build(&inventory.Inventory{}))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for spec, want := range map[string]scan.Sink{
		"":                                   scan.Stdout,
		"stdout":                             scan.Stdout,
		"file:" + dir:                        scan.Dir(dir),
		"file:" + filepath.Join(dir, "nope"): nil, // must exist at start
		"file:" + file:                       nil, // must be a directory
		"oss://bucket":                       nil,
	} {
		job, err := scanjob.New(context.Background(), config.Config{Report: spec}, ix, stores.Options{}, log)
		if want == nil {
			if err == nil || !strings.Contains(err.Error(), config.EnvReport) {
				t.Errorf("ScanJob(%q) error %v, want one naming %s", spec, err, config.EnvReport)
			}
			continue
		}
		if err != nil || job.Sink != want || job.Index != ix || job.Log != log {
			t.Errorf("ScanJob(%q) = %+v, %v; want sink %v", spec, job, err, want)
		}
	}
}
