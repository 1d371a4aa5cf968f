package stores

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDecoded(t *testing.T) {
	text := strings.Repeat("sg-0123456789 ", 100) // 1400 bytes
	good := gz(t, text)
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xff
	badLen := bytes.Clone(good)
	badLen[len(badLen)-1] ^= 0xff
	corrupt := bytes.Clone(good)
	corrupt[12] ^= 0xff
	two := append(gz(t, "ab"), gz(t, "cd")...)

	cases := map[string]struct {
		body    []byte
		key, ce string
		max     int64
		want    string
		err     error
	}{
		"plain":                {body: []byte("{}"), key: "s.json", max: 10, want: "{}"},
		"plain at the limit":   {body: []byte("0123456789"), key: "s.json", max: 10, want: "0123456789"},
		"plain past the limit": {body: []byte("0123456789x"), key: "s.json", max: 10, err: ErrTooLarge},
		"gzip by key":          {body: good, key: "s.json.gz", max: 1 << 20, want: text},
		"gzip by header":       {body: good, key: "s.json", ce: "gzip", max: 1 << 20, want: text},
		"gzip by both, once":   {body: good, key: "s.json.gz", ce: "GZIP", max: 1 << 20, want: text},
		"gzip at the limit":    {body: good, key: "s.gz", max: int64(len(text)), want: text},
		"gzip bomb":            {body: gz(t, strings.Repeat("\x00", 1<<20)), key: "s.gz", max: 1000, err: ErrTooLarge},
		"multistream":          {body: two, key: "s.gz", max: 10, want: "abcd"},
		"empty gzip":           {body: nil, key: "s.gz", max: 10, err: ErrBadGzip},
		"not gzip":             {body: []byte(`{"a":1}`), key: "s.gz", max: 10, err: ErrBadGzip},
		"header only":          {body: good[:10], key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"truncated mid-data":   {body: good[:len(good)/2], key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"truncated trailer":    {body: good[:len(good)-4], key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"bad checksum":         {body: badCRC, key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"bad length":           {body: badLen, key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"corrupt deflate":      {body: corrupt, key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"trailing garbage":     {body: append(bytes.Clone(good), "junk"...), key: "s.gz", max: 1 << 20, err: ErrBadGzip},
		"unknown encoding":     {body: good, key: "s.gz", ce: "br", max: 1 << 20, err: errAny},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			body := &closeCounter{Reader: bytes.NewReader(tc.body)}
			got, err := readDecoded(body, tc.key, Info{ContentEncoding: tc.ce}, tc.max)
			switch {
			case tc.err == nil && err != nil:
				t.Fatalf("err=%v, want none", err)
			case tc.err == errAny && err == nil, tc.err != nil && tc.err != errAny && !errors.Is(err, tc.err):
				t.Fatalf("err=%v, want %v", err, tc.err)
			case tc.err == nil && got != tc.want:
				t.Fatalf("got %d bytes, want %d", len(got), len(tc.want))
			}
			if body.closed != 1 {
				t.Errorf("body closed %d times, want 1", body.closed)
			}
		})
	}
}

var errAny = errors.New("any error")

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func readDecoded(body io.ReadCloser, key string, info Info, max int64) (string, error) {
	d, err := Decoded(body, key, info, max)
	if err != nil {
		return "", err
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	return string(b), err
}

// FuzzDecoded: never panics, and agrees with compress/gzip read whole: what gzip reads
// within the limit comes out the same; what it refuses is refused.
func FuzzDecoded(f *testing.F) {
	f.Add(gz(f, "hello"), int64(10))
	f.Add(gz(f, strings.Repeat("a", 100)), int64(50))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"), int64(10))
	f.Add(append(gz(f, "a"), gz(f, "b")...), int64(2))
	f.Fuzz(func(t *testing.T, data []byte, max int64) {
		if max < 0 || max > 1<<20 {
			return
		}
		got, err := readDecoded(io.NopCloser(bytes.NewReader(data)), "f.gz", Info{}, max)
		var want []byte
		zr, rerr := gzip.NewReader(bytes.NewReader(data))
		if rerr == nil {
			want, rerr = io.ReadAll(io.LimitReader(zr, max+1))
			if rerr == nil && int64(len(want)) <= max {
				_, rerr = io.Copy(io.Discard, zr) // nothing more, but the trailer must check out
			}
		}
		switch {
		case rerr == nil && int64(len(want)) > max:
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("content of %d bytes over limit %d: err=%v, want ErrTooLarge", len(want), max, err)
			}
		case rerr == nil:
			if err != nil || got != string(want) {
				t.Fatalf("gzip reads %d bytes; Decoded: %d bytes, err=%v", len(want), len(got), err)
			}
		default:
			if err == nil {
				t.Fatalf("gzip refuses (%v); Decoded accepted %d bytes", rerr, len(got))
			}
			if !errors.Is(err, ErrBadGzip) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err=%v, want ErrBadGzip or ErrTooLarge", err)
			}
		}
	})
}
