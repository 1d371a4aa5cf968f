package stores

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadGzip marks a compressed object that is not valid gzip, truncated included.
var ErrBadGzip = errors.New("bad gzip")

// Decoded returns the content of an object opened by Get: gunzipped as it is read when
// info.ContentEncoding is gzip or key ends in ".gz" (one layer: both say the same thing),
// as is otherwise. Reading more than max content bytes fails with ErrTooLarge, so a gzip
// bomb stops at the limit; a truncated or corrupt gzip stream fails with ErrBadGzip
// rather than ending early. Closing the result closes body.
func Decoded(body io.ReadCloser, key string, info Info, max int64) (io.ReadCloser, error) {
	d := &decoded{body: body, key: key, max: max, src: body}
	if !strings.EqualFold(info.ContentEncoding, "gzip") && !strings.HasSuffix(key, ".gz") {
		return d, nil
	}
	if ce := info.ContentEncoding; ce != "" && !strings.EqualFold(ce, "gzip") && !strings.EqualFold(ce, "identity") {
		body.Close()
		return nil, fmt.Errorf("read %s: unsupported Content-Encoding %q", key, clip(ce))
	}
	zr, err := gzip.NewReader(body)
	if err != nil {
		body.Close()
		return nil, d.gzipErr(err)
	}
	d.zr, d.src = zr, zr
	return d, nil
}

type decoded struct {
	body io.ReadCloser
	zr   *gzip.Reader
	src  io.Reader
	key  string
	n    int64
	max  int64
}

func (d *decoded) Read(p []byte) (int, error) {
	if d.n > d.max {
		return 0, d.tooLarge()
	}
	// Ask for at most one byte past the limit: enough to tell "exactly max" from "more".
	if room := d.max - d.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := d.src.Read(p)
	d.n += int64(n)
	if d.n > d.max {
		return n - int(d.n-d.max), d.tooLarge()
	}
	if err != nil && err != io.EOF && d.zr != nil {
		err = d.gzipErr(err)
	}
	return n, err
}

func (d *decoded) tooLarge() error {
	return fmt.Errorf("read %s: %w: content passes the limit of %d bytes", d.key, ErrTooLarge, d.max)
}

// gzipErr names truncation for what it is; errors of the body itself (a deadline, a
// reset connection) pass through so that callers can tell them apart.
func (d *decoded) gzipErr(err error) error {
	switch {
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("gunzip %s: %w: stream truncated", d.key, ErrBadGzip)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("gunzip %s: %w: %v", d.key, ErrBadGzip, err)
	}
	var ce flate.CorruptInputError
	if errors.As(err, &ce) {
		return fmt.Errorf("gunzip %s: %w: %v", d.key, ErrBadGzip, err)
	}
	return fmt.Errorf("gunzip %s: %w", d.key, err)
}

func (d *decoded) Close() error {
	if d.zr != nil {
		d.zr.Close()
	}
	return d.body.Close()
}
