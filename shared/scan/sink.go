package scan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Sink files a report. Write streams the report there (Report.WriteJSON) and returns where
// it went, for logs. A Write that fails returns an error and leaves nothing behind that
// passes for a report. Check tells at start whether the sink can take a report at all, so
// that a mistyped mount path stops a function then rather than at its first scheduled
// run.
type Sink interface {
	Write(ctx context.Context, rep *Report) (location string, err error)
	Check() error
}

// Stream writes each report to W, one document after another: standard output, for the
// command line and small inventories (a function's standard output is its log, where a
// large report is cut into pieces).
type Stream struct {
	W    io.Writer
	Name string // the location Write returns
}

// Stdout is the default sink.
var Stdout Sink = Stream{W: os.Stdout, Name: "stdout"}

// Check accepts any stream: a writer cannot tell before it is written to.
func (s Stream) Check() error { return nil }

// Write writes the report to s.W.
func (s Stream) Write(_ context.Context, rep *Report) (string, error) {
	bw := bufio.NewWriterSize(s.W, 64<<10)
	if err := rep.WriteJSON(bw); err != nil {
		return "", fmt.Errorf("write report to %s: %w", s.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return "", fmt.Errorf("write report to %s: %w", s.Name, err)
	}
	return s.Name, nil
}

// Dir files each report in a directory of its own name (Report.FileName): a Function
// Compute NAS mount or a Lambda EFS mount, or any local directory. The report is written
// to a hidden temporary file in the directory, synced, then renamed, so a reader listing
// *.json sees either the whole report or nothing; a failed write removes the temporary
// file.
type Dir string

// Check requires the directory to exist already.
func (d Dir) Check() error {
	st, err := os.Stat(string(d))
	if err == nil && !st.IsDir() {
		err = fmt.Errorf("%s is not a directory", d)
	}
	if err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	return nil
}

// Write files the report and returns its path.
func (d Dir) Write(ctx context.Context, rep *Report) (string, error) {
	path := filepath.Join(string(d), rep.FileName())
	err := writeAtomic(ctx, string(d), rep.FileName(), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := rep.WriteJSON(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return "", fmt.Errorf("write report %s: %w", path, err)
	}
	return path, nil
}

// writeAtomic creates dir/name with what write writes, through a temporary file in dir
// (so that the rename stays within one file system) that is removed on any failure.
func writeAtomic(ctx context.Context, dir, name string, write func(io.Writer) error) (err error) {
	if name == "" || filepath.Base(name) != name || strings.HasPrefix(name, ".") {
		return fmt.Errorf("%q is not a plain file name", name)
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil { // the invocation gave up: do not publish
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	// Make the rename itself durable. Best effort: some network file systems refuse to
	// sync a directory, and the file is complete either way.
	if df, err := os.Open(dir); err == nil {
		df.Sync()
		df.Close()
	}
	return nil
}

// ErrSinkSpec is the error SinkFromSpec wraps for a spec it cannot use.
var ErrSinkSpec = errors.New("invalid report sink")

// SinkFromSpec turns the SGREF_REPORT setting into a Sink: "" or "stdout" for standard
// output, "file:DIR" for a directory (which must exist when a report is written). Any
// other value is an error wrapping ErrSinkSpec.
func SinkFromSpec(spec string) (Sink, error) {
	switch {
	case spec == "" || spec == "stdout":
		return Stdout, nil
	case strings.HasPrefix(spec, "file:"):
		dir := strings.TrimPrefix(spec, "file:")
		if dir == "" || strings.ContainsRune(dir, 0) {
			return nil, fmt.Errorf("%w %q: file: needs a directory", ErrSinkSpec, spec)
		}
		return Dir(filepath.Clean(dir)), nil
	}
	return nil, fmt.Errorf("%w %q: want stdout or file:DIR", ErrSinkSpec, spec)
}
