package scanjob

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"sgref/shared/scan"
	"sgref/shared/stores"
)

// storeSink files each report as one complete object, <prefix><UTC start>-<ScanId>.json
// (the name the directory sink gives it), in an object store. The report is rendered
// whole before the Put: an object store takes an object in one request, and a reader
// sees the whole report or none.
type storeSink struct {
	store  stores.Store
	prefix string
}

// Check does no I/O: a bucket the function may not write shows at the first report,
// loudly (the scheduled run fails).
func (s storeSink) Check() error { return nil }

func (s storeSink) Write(ctx context.Context, rep *scan.Report) (string, error) {
	key := s.prefix + rep.FileName()
	where := s.store.String() + "/" + key
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		return "", fmt.Errorf("render report %s: %w", where, err)
	}
	if err := s.store.Put(ctx, key, &buf, "application/json", ""); err != nil {
		return "", fmt.Errorf("write report %s: %w", where, err)
	}
	return where, nil
}

// sinkFromSpec is scan.SinkFromSpec plus the object stores: oss://BUCKET/PREFIX/ and
// s3://BUCKET/PREFIX/ (the prefix ends in "/", or is empty for the bucket's top).
func sinkFromSpec(ctx context.Context, spec string, opts stores.Options) (scan.Sink, error) {
	if !strings.HasPrefix(spec, "oss://") && !strings.HasPrefix(spec, "s3://") {
		return scan.SinkFromSpec(spec)
	}
	st, prefix, err := stores.Open(ctx, spec, opts)
	if err != nil {
		return nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("%w: %q names an object, want a prefix ending in / (oss://BUCKET/PREFIX/)", scan.ErrSinkSpec, spec)
	}
	return storeSink{store: st, prefix: prefix}, nil
}
