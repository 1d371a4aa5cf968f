package scan

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// TestWriteAtomicFailsMidway: a write that fails halfway leaves no file, hidden or not.
func TestWriteAtomicFailsMidway(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("disk full")
	err := writeAtomic(context.Background(), dir, "r.json", func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("{", 100_000))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("writeAtomic error %v, want %v", err, boom)
	}
	if list, _ := os.ReadDir(dir); len(list) != 0 {
		t.Errorf("directory holds %v, want nothing", list)
	}
}

func TestWriteAtomicNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"", ".", "..", ".hidden", "a/b", "../x"} {
		if err := writeAtomic(context.Background(), dir, name, func(io.Writer) error { return nil }); err == nil {
			t.Errorf("writeAtomic(%q) succeeded, want an error", name)
		}
	}
	if list, _ := os.ReadDir(dir); len(list) != 0 {
		t.Errorf("directory holds %v, want nothing", list)
	}
}

// TestWriteAtomicInvisibleUntilDone looks at the directory while the report is half
// written: nothing under the report's name, and only a hidden file.
func TestWriteAtomicInvisibleUntilDone(t *testing.T) {
	dir := t.TempDir()
	err := writeAtomic(context.Background(), dir, "r.json", func(w io.Writer) error {
		io.WriteString(w, `{"half":`)
		list, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		if len(list) != 1 || !strings.HasPrefix(list[0].Name(), ".r.json.") || !strings.HasSuffix(list[0].Name(), ".tmp") {
			t.Errorf("while writing, directory holds %v, want one hidden .r.json.*.tmp", list)
		}
		_, err = io.WriteString(w, `true}`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadDir(dir)
	if len(list) != 1 || list[0].Name() != "r.json" {
		t.Fatalf("directory holds %v, want r.json alone", list)
	}
	if b, _ := os.ReadFile(dir + "/r.json"); string(b) != `{"half":true}` {
		t.Errorf("r.json holds %q", b)
	}
}
