package stores

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	st, key, err := Open(context.Background(), "file:"+dir+"/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		t.Fatalf("key=%q, want empty for a directory spec", key)
	}
	testStore(t, harness{
		store: st,
		plant: func(t *testing.T, key string, data []byte, _ string) {
			p := filepath.Join(dir, filepath.FromSlash(key))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		remove: func(t *testing.T, key string) {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(key))); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestFileStoreNoTempLeft(t *testing.T) {
	dir := t.TempDir()
	st, _, _ := Open(context.Background(), "file:"+dir+"/", Options{})
	mustPut(t, st, "a.json", "old", "")
	if err := st.Put(context.Background(), "a.json", errReaderAfter("new"), "", ""); err == nil {
		t.Fatal("Put: err=nil, want the source's error")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "a.json" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only a.json", names)
	}
}

func TestFileStoreRefusesEncodingItCannotKeep(t *testing.T) {
	st, _, _ := Open(context.Background(), "file:"+t.TempDir()+"/", Options{})
	err := st.Put(context.Background(), "snapshot.json", strings.NewReader("x"), "", "gzip")
	if err == nil || !strings.Contains(err.Error(), "*.gz") {
		t.Fatalf("Put gzip to a .json key: err=%v, want a refusal naming *.gz", err)
	}
}

func TestFileStoreStaysInItsDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(parent, "secret"), []byte("s"), 0o644)
	if err := os.Symlink(filepath.Join(parent, "secret"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	st, _, _ := Open(context.Background(), "file:"+dir+"/", Options{})
	if _, _, err := st.Get(context.Background(), "link", ""); err == nil {
		t.Fatal("Get through a symlink out of the store: err=nil, want an error")
	}
}

// errReaderAfter yields s, then fails.
func errReaderAfter(s string) io.Reader { return io.MultiReader(strings.NewReader(s), errReader{}) }
