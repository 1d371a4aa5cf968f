// Package capture is the scheduled capture job: read the inventory live (ECS), write it as
// one gzip-compressed snapshot object, which every describe instance then serves. All or
// nothing: a read that fails anywhere writes nothing, and the previous snapshot stays.
package capture

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"sgref/shared/inventory"
)

// Store is where the snapshot goes: one complete object per Put (a reader sees the old
// snapshot or the new one, never a mix). stores.Store is one.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, contentType, contentEncoding string) error
	String() string
}

// Regioned is a source that knows the regions it reads, so that a region with no group
// is still recorded as covered. ecslive.Source is one.
type Regioned interface {
	Regions() []string
}

// Job captures Source into Store under Key.
type Job struct {
	Source inventory.Source
	Store  Store
	Key    string
	Log    *slog.Logger
	Now    func() time.Time // time.Now when nil
	// Plain writes the snapshot uncompressed, for a local file a person reads; stores
	// get it gzip-compressed, with Content-Encoding: gzip.
	Plain bool
}

// Summary is what a capture did, for its log line and the function's result.
type Summary struct {
	Object          string  // where the snapshot went
	Groups, Rules   int     // what it holds
	Accounts        int     // accounts covered
	Bytes, RawBytes int64   // compressed and uncompressed size
	Seconds         float64 // the whole capture, read and write
	Index           string  // where the index artifact went; "" if it could not be written
	// Coverage has one record per account when the source reads several.
	Coverage []inventory.AccountCoverage `json:",omitempty"`
}

// Run reads the whole source, then writes the snapshot. Memory: the source's own (a live
// read holds what it read until it is whole) plus the compressed snapshot, never the
// uncompressed document.
func (j *Job) Run(ctx context.Context) (Summary, error) {
	now := j.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	var buf bytes.Buffer
	var out io.Writer = &buf
	zw := gzip.NewWriter(&buf)
	if !j.Plain {
		out = zw
	}
	raw := &counter{w: out}
	enc := inventory.NewEncoder(raw, start)
	sum := Summary{Object: j.Store.String() + "/" + j.Key}
	var src inventory.Source = j.Source
	var multi *accounts // the accounts read, when the source reads several
	if a, ok := j.Source.(AccountSource); ok && a.MultiAccount() {
		var err error
		if multi, err = j.readAccounts(ctx, a); err != nil {
			j.Log.Error("capture failed: nothing written, the previous snapshot stays", "source", j.Source.String(), "object", sum.Object, "err", err)
			return Summary{}, fmt.Errorf("capture: read %s: %w", j.Source.String(), err)
		}
		src = multi
	}
	accounts, regions := map[string]bool{}, map[string]bool{}
	ix := newIndexer()
	err := src.Read(ctx, func(g *inventory.Group) error {
		ix.add(g)
		sum.Groups++
		sum.Rules += len(g.Permissions.Permission)
		accounts[g.OwnerId], regions[g.RegionId] = true, true
		return enc.Encode(g)
	})
	if err != nil {
		j.Log.Error("capture failed: nothing written, the previous snapshot stays", "source", j.Source.String(), "object", sum.Object, "err", err)
		return Summary{}, fmt.Errorf("capture: read %s: %w", j.Source.String(), err)
	}
	if r, ok := j.Source.(Regioned); ok {
		for _, id := range r.Regions() {
			regions[id] = true
		}
	}
	cov := &inventory.Coverage{Accounts: sorted(accounts), Regions: sorted(regions)}
	if multi != nil {
		cov = multi.coverage(regions)
		sum.Coverage = cov.Coverage
		j.logAccounts(slog.LevelInfo, cov.Coverage)
	}
	if err := enc.Close(cov); err != nil {
		return Summary{}, fmt.Errorf("capture: %w", err)
	}
	encoding := ""
	if !j.Plain {
		if err := zw.Close(); err != nil {
			return Summary{}, fmt.Errorf("capture: compress: %w", err)
		}
		encoding = "gzip"
	}
	sum.Accounts, sum.RawBytes, sum.Bytes = len(cov.Accounts), raw.n, int64(buf.Len())
	if err := j.Store.Put(ctx, j.Key, bytes.NewReader(buf.Bytes()), "application/json", encoding); err != nil {
		j.Log.Error("capture not written: the previous snapshot stays", "object", sum.Object, "err", err)
		return Summary{}, fmt.Errorf("capture: write %s: %w", sum.Object, err)
	}
	sum.Index = j.writeArtifact(ctx, ix, start, sum.Bytes, cov)
	sum.Seconds = now().Sub(start).Seconds()
	j.Log.Info("capture written", "object", sum.Object, "groups", sum.Groups, "rules", sum.Rules,
		"accounts", cov.Accounts, "regions", cov.Regions, "bytes", sum.Bytes, "rawBytes", sum.RawBytes, "seconds", sum.Seconds)
	return sum, nil
}

// Handle is Run in the shape jobs.Runner takes: the function's result is the Summary.
func (j *Job) Handle(ctx context.Context) (any, error) {
	s, err := j.Run(ctx)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
