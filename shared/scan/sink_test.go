package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
	"sgref/shared/synth"
)

// entries lists a directory's names, hidden ones included.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

func TestDirSink(t *testing.T) {
	dir := t.TempDir()
	rep := scan.Run(MustSample(t), scan.Request{}, fixed())
	loc, err := scan.Dir(dir).Write(context.Background(), rep)
	if err != nil {
		t.Fatal(err)
	}
	const name = "20250301T080000Z-00000000-0000-4000-8000-000000000001.json"
	if want := filepath.Join(dir, name); loc != want {
		t.Errorf("location %q, want %q", loc, want)
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != name {
		t.Errorf("directory holds %q, want just %q", got, name)
	}
	got, err := os.ReadFile(loc)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if _, err := (scan.Stream{W: &want, Name: "buffer"}).Write(context.Background(), rep); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("file content differs from the stream's:\n%s", got)
	}
	if st, _ := os.Stat(loc); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

// TestDirSinkAtomic writes a large report while another goroutine keeps listing the
// directory: every *.json it ever sees must be a complete report.
func TestDirSinkAtomic(t *testing.T) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.Write(pw, synth.Options{Groups: 8_000, Rules: 10, Seed: 7})) }()
	b := refs.NewBuilder()
	if err := inventory.Stream(pr, func(g *inventory.Group) error { b.Add(g); return nil }); err != nil {
		t.Fatal(err)
	}
	ix := b.Index()
	dir := t.TempDir()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var seen, partial atomic.Int32
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			list, _ := os.ReadDir(dir)
			for _, e := range list {
				if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
					continue
				}
				seen.Add(1)
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil || !json.Valid(data) {
					partial.Add(1)
				}
			}
		}
	}()
	for i := range 3 {
		id := fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i)
		rep := scan.Run(ix, scan.Request{}, scan.Options{NewID: func() string { return id }})
		if rep.Summary.DanglingReferences < 1000 {
			t.Fatalf("only %d dangling references: the report is too small to test anything", rep.Summary.DanglingReferences)
		}
		if _, err := scan.Dir(dir).Write(context.Background(), rep); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if partial.Load() > 0 {
		t.Errorf("a reader saw %d incomplete reports", partial.Load())
	}
	if got := entries(t, dir); len(got) != 3 {
		t.Errorf("directory holds %q, want 3 reports and nothing else", got)
	}
	t.Logf("%d complete sightings", seen.Load())
}

func TestDirSinkFailures(t *testing.T) {
	rep := scan.Run(MustSample(t), scan.Request{}, fixed())
	for name, setup := range map[string]func(t *testing.T) (dir string){
		"missing directory": func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") },
		"not a directory": func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			os.WriteFile(f, []byte("x"), 0o644)
			return f
		},
		// The whole report is written, then the rename fails: the temporary file must go.
		"name taken by a directory": func(t *testing.T) string {
			dir := t.TempDir()
			taken := filepath.Join(dir, rep.FileName())
			os.Mkdir(taken, 0o755)
			os.WriteFile(filepath.Join(taken, "keep"), []byte("x"), 0o644)
			return dir
		},
		"unwritable directory": func(t *testing.T) string {
			if os.Geteuid() == 0 {
				// Permission bits do not stop root; /proc refuses new files to everyone.
				if _, err := os.Stat("/proc/self"); err != nil {
					t.Fatalf("running as root without /proc: no unwritable directory to test with: %v", err)
				}
				return "/proc/self"
			}
			dir := t.TempDir()
			os.Chmod(dir, 0o555)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return dir
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := setup(t)
			before := listing(dir)
			loc, err := scan.Dir(dir).Write(context.Background(), rep)
			if err == nil || loc != "" {
				t.Fatalf("Write = %q, %v; want an error", loc, err)
			}
			if !strings.Contains(err.Error(), rep.FileName()) {
				t.Errorf("error %q does not name the report", err)
			}
			if after := listing(dir); after != before {
				t.Errorf("directory changed from %q to %q", before, after)
			}
		})
	}
}

// listing returns the names in dir, or the error reading it.
func listing(dir string) string {
	list, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + errors.Unwrap(err).Error()
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return fmt.Sprint(names)
}

func TestDirSinkCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scan.Dir(dir).Write(ctx, scan.Run(MustSample(t), scan.Request{}, fixed())); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context: %v, want context.Canceled", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("directory holds %q, want nothing", got)
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestStreamFailure(t *testing.T) {
	rep := scan.Run(MustSample(t), scan.Request{}, fixed())
	for _, after := range []int{0, 100, 2000} {
		if _, err := (scan.Stream{W: &failingWriter{after: after}, Name: "test"}).Write(context.Background(), rep); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("after %d bytes: error %v, want disk full", after, err)
		}
	}
}

func TestSinkFromSpec(t *testing.T) {
	for spec, want := range map[string]scan.Sink{
		"":                   scan.Stdout,
		"stdout":             scan.Stdout,
		"file:/mnt/reports":  scan.Dir("/mnt/reports"),
		"file:/mnt/reports/": scan.Dir("/mnt/reports"),
		"file:reports":       scan.Dir("reports"),
		"file:":              nil,
		"oss://bucket/x":     nil,
		"s3://bucket/x":      nil,
		"/mnt/reports":       nil, // a bare path is refused: say file: to mean a directory
		"STDOUT":             nil,
	} {
		got, err := scan.SinkFromSpec(spec)
		if want == nil {
			if err == nil || !errors.Is(err, scan.ErrSinkSpec) {
				t.Errorf("SinkFromSpec(%q) = %v, %v; want an ErrSinkSpec", spec, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("SinkFromSpec(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
}

func FuzzSinkFromSpec(f *testing.F) {
	for _, s := range []string{"", "stdout", "file:/tmp", "file:", "oss://b", "file:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := scan.SinkFromSpec(spec)
		if err != nil {
			if !errors.Is(err, scan.ErrSinkSpec) || s != nil {
				t.Fatalf("SinkFromSpec(%q) = %v, %v: want nil and an ErrSinkSpec", spec, s, err)
			}
			return
		}
		if d, ok := s.(scan.Dir); ok && (d == "" || string(d) != filepath.Clean(string(d))) {
			t.Fatalf("SinkFromSpec(%q) = Dir(%q): not a clean path", spec, d)
		}
	})
}

// logged decodes the JSON log lines in buf.
func logged(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestJob(t *testing.T) {
	var logs, out bytes.Buffer
	job := &scan.Job{Index: refs.Static(MustSample(t)), Sink: scan.Stream{W: &out, Name: "stdout"}, Log: slog.New(slog.NewJSONHandler(&logs, nil)), Options: fixed()}
	res, err := job.Handle(context.Background(), scan.Request{Regions: []string{"cn-shanghai"}})
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Summary{ScannedRegions: 1, ScannedGroups: 5, DanglingReferences: 1, UnreferencedGroups: 1}
	if res != want {
		t.Errorf("result %+v, want %+v", res, want)
	}
	if d := decodeReport(t, out.Bytes()); d.Summary != want {
		t.Errorf("report Summary %+v, want %+v", d.Summary, want)
	}
	lines := logged(t, &logs)
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want one:\n%s", len(lines), logs.String())
	}
	l := lines[0]
	sum, _ := l["summary"].(map[string]any)
	if l["level"] != "INFO" || l["ScanId"] != "00000000-0000-4000-8000-000000000001" || l["report"] != "stdout" || sum["DanglingReferences"] != 1.0 {
		t.Errorf("summary line %v", l)
	}
}

// TestJobFailingSink: a report that cannot be filed fails the invocation, says so in the
// log, and leaves nothing in the directory.
func TestJobFailingSink(t *testing.T) {
	dir := t.TempDir()
	rep := scan.Run(MustSample(t), scan.Request{}, fixed())
	os.Mkdir(filepath.Join(dir, rep.FileName()), 0o755) // the rename will fail
	before := listing(dir)
	var logs bytes.Buffer
	job := &scan.Job{Index: refs.Static(MustSample(t)), Sink: scan.Dir(dir), Log: slog.New(slog.NewJSONHandler(&logs, nil)), Options: fixed()}
	res, err := job.Handle(context.Background(), scan.Request{})
	if err == nil || res != nil {
		t.Fatalf("Handle = %v, %v; want nil and an error", res, err)
	}
	if !strings.Contains(err.Error(), rep.ScanID) || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q names neither the scan nor the directory", err)
	}
	if after := listing(dir); after != before {
		t.Errorf("directory changed from %q to %q", before, after)
	}
	if lines := logged(t, &logs); len(lines) != 1 || lines[0]["level"] != "ERROR" {
		t.Errorf("log %s: want one ERROR line", logs.String())
	}
}

type noIndex struct{}

func (noIndex) Current(context.Context) (*refs.Index, error) {
	return nil, errors.New("inventory not loaded yet")
}

func TestJobWithoutIndex(t *testing.T) {
	var logs, out bytes.Buffer
	job := &scan.Job{Index: noIndex{}, Sink: scan.Stream{W: &out, Name: "stdout"}, Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	if res, err := job.Handle(context.Background(), scan.Request{}); err == nil || res != nil || out.Len() > 0 {
		t.Errorf("Handle = %v, %v, report %q; want an error and no report", res, err, out.String())
	}
	if lines := logged(t, &logs); len(lines) != 1 || lines[0]["level"] != "ERROR" {
		t.Errorf("log %s: want one ERROR line", logs.String())
	}
}
