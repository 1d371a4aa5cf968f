package inventory

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"strings"
)

//go:embed sample.json
var sample []byte

// Source yields an inventory. Every way sgref obtains its data (the embedded sample, a
// snapshot file, the live ECS API, object storage) is a Source; Load returns a complete,
// validated inventory or an error, never a partial one.
type Source interface {
	Load(ctx context.Context) (*Inventory, error)
	String() string // for logs: where the data comes from, never a secret
}

// Sample is the inventory compiled into every binary.
type Sample struct{}

// Load decodes the embedded sample.
func (Sample) Load(context.Context) (*Inventory, error) { return Decode(bytes.NewReader(sample)) }

func (Sample) String() string { return "embedded sample" }

// SampleJSON returns the embedded sample document.
func SampleJSON() []byte { return bytes.Clone(sample) }

// File is a snapshot file on disk.
type File string

// Load reads and decodes the snapshot.
func (f File) Load(context.Context) (*Inventory, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	defer fh.Close()
	inv, err := Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("load snapshot %s: %w", string(f), err)
	}
	return inv, nil
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
