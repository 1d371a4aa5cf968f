package stores

import (
	"context"
	"errors"
	"io"
	"time"
)

// Outcomes of Get that callers act on; test them with errors.Is.
var (
	// ErrNotModified: the object still has the ETag the caller passed; no body was sent.
	ErrNotModified = errors.New("not modified")
	// ErrNotFound: no object under the key (or, for a file store, no such file).
	ErrNotFound = errors.New("object not found")
	// ErrForbidden: the store refused the credentials or the action (HTTP 403). S3 answers
	// 403 for a missing key too when the caller may not list the bucket.
	ErrForbidden = errors.New("access denied")
	// ErrTooLarge: an object's (decompressed) content passed the caller's limit.
	ErrTooLarge = errors.New("object too large")
)

// Info describes the object a Get returned.
type Info struct {
	// ETag is the store's entity tag, quotes included, to pass back to Get as is.
	ETag string
	// Size is the stored (possibly compressed) size in bytes, -1 when unknown.
	Size            int64
	ContentEncoding string
	LastModified    time.Time
}

// Store is one bucket (or directory). Keys are relative, "/"-separated.
type Store interface {
	// Get opens the object under key. With a non-empty ifNoneMatch equal to the object's
	// ETag it returns ErrNotModified and no body. The body honours ctx until it is closed.
	Get(ctx context.Context, key, ifNoneMatch string) (io.ReadCloser, Info, error)
	// Put writes r as the whole object under key: a reader of the key sees the previous
	// object or this one, never part of it; a failed Put leaves the previous object.
	Put(ctx context.Context, key string, r io.Reader, contentType, contentEncoding string) error
	// String names the store for log lines (never with credentials).
	String() string
}
