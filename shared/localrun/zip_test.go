package localrun_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"sgref/shared/localrun"
)

// TestZipKeepsTheExecutableBit: FC and Lambda run the file in the zip as it is; without
// the executable bit the function cannot start.
func TestZipKeepsTheExecutableBit(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "built")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := localrun.Zip(&buf, "bootstrap", bin); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("zip holds %v, want one executable named bootstrap", zr.File)
	}
	rc, _ := zr.File[0].Open()
	got, _ := io.ReadAll(rc)
	if string(got) != "#!/bin/sh\necho hi\n" {
		t.Errorf("content %q", got)
	}
	if err := localrun.Zip(io.Discard, "main", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("zipping a missing binary succeeded")
	}
}
