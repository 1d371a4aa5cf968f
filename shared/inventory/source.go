package inventory

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed sample.json
var sample []byte

// Source yields an inventory. Every way sgref obtains its data (the embedded sample, a
// snapshot file, the live ECS API) is a Source. Read calls fn with each validated group;
// when it returns an error the inventory as a whole is invalid and the consumer discards
// what it was given, so nothing partial is ever served.
type Source interface {
	Read(ctx context.Context, fn func(*Group) error) error
	String() string // for logs: where the data comes from, never a secret
}

// Load reads a whole source into memory.
func Load(ctx context.Context, src Source) (*Inventory, error) {
	inv := &Inventory{}
	err := src.Read(ctx, func(g *Group) error {
		inv.SecurityGroups = append(inv.SecurityGroups, *g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Sample is the inventory compiled into every binary.
type Sample struct{}

// Read decodes the embedded sample.
func (Sample) Read(_ context.Context, fn func(*Group) error) error {
	return Stream(bytes.NewReader(sample), fn)
}

func (Sample) String() string { return "embedded sample" }

// SampleJSON returns the embedded sample document.
func SampleJSON() []byte { return bytes.Clone(sample) }

// File is a snapshot file on disk.
type File string

// Read streams the snapshot file.
func (f File) Read(ctx context.Context, fn func(*Group) error) error {
	_, err := f.ReadSnapshot(ctx, fn)
	return err
}

// ReadSnapshot is Read that also returns the snapshot's header. A file whose name ends in
// .gz is gunzipped as it is read.
func (f File) ReadSnapshot(_ context.Context, fn func(*Group) error) (Header, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return Header{}, fmt.Errorf("open snapshot: %w", err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if strings.HasSuffix(string(f), ".gz") {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return Header{}, fmt.Errorf("load snapshot %s: %w", string(f), err)
		}
		r = zr
	}
	h, err := StreamSnapshot(r, fn)
	if err != nil {
		return Header{}, fmt.Errorf("load snapshot %s: %w", string(f), err)
	}
	return h, nil
}

func (f File) String() string { return "snapshot file " + string(f) }

// ParseSpec turns the SGREF_INVENTORY setting into a Source: "" is the embedded sample,
// "file:PATH" or a plain path a snapshot file. Other schemes are handled by the caller
// (the live ECS source lives in a package of its own); ParseSpec refuses them.
func ParseSpec(spec string) (Source, error) {
	switch {
	case spec == "" || spec == "sample" || spec == "embedded":
		return Sample{}, nil
	case strings.HasPrefix(spec, "file:"):
		if p := strings.TrimPrefix(spec, "file:"); p != "" {
			return File(p), nil
		}
		return nil, fmt.Errorf("inventory %q: file: needs a path", spec)
	case !strings.Contains(spec, ":") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "."):
		return File(spec), nil
	}
	return nil, fmt.Errorf("inventory %q: unknown source (want empty for the embedded sample, file:PATH or a path)", spec)
}
