package stores

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// fileStore keeps objects as files under one directory. It keeps no metadata: a gzip
// object must have a ".gz" key to be read back as one, and its ETag is made of the
// file's modification time and size (a rename by Put changes both in practice).
type fileStore struct{ spec Spec }

func newFileStore(s Spec) *fileStore { return &fileStore{spec: s} }

func (f *fileStore) String() string { return "file:" + f.spec.Dir }

// openRoot confines every access to the directory: os.Root refuses symlinks and paths
// that lead out of it.
func (f *fileStore) openRoot() (*os.Root, error) {
	return os.OpenRoot(f.spec.Dir)
}

func (f *fileStore) Get(ctx context.Context, key, ifNoneMatch string) (io.ReadCloser, Info, error) {
	obj := f.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, err)
	}
	root, err := f.openRoot()
	if err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, fileErr(err))
	}
	defer root.Close()
	fh, err := root.Open(key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, fileErr(err))
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		fh.Close()
		if err == nil {
			return nil, Info{}, fmt.Errorf("get %s: not a regular file: %w", obj, ErrNotFound)
		}
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, err)
	}
	info := Info{
		ETag:         fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()),
		Size:         st.Size(),
		LastModified: st.ModTime().UTC(),
	}
	if ifNoneMatch != "" && ifNoneMatch == info.ETag {
		fh.Close()
		return nil, info, ErrNotModified
	}
	if strings.HasSuffix(key, ".gz") {
		info.ContentEncoding = "gzip"
	}
	return &ctxReader{ctx: ctx, f: fh}, info, nil
}

// ctxReader stops a long local read once the caller's deadline has passed, as a network
// body would.
type ctxReader struct {
	ctx context.Context
	f   *os.File
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.f.Read(p)
}

func (r *ctxReader) Close() error { return r.f.Close() }

func (f *fileStore) Put(ctx context.Context, key string, r io.Reader, contentType, contentEncoding string) error {
	obj := f.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	if contentEncoding != "" && !(contentEncoding == "gzip" && strings.HasSuffix(key, ".gz")) {
		return fmt.Errorf("put %s: a file store keeps no Content-Encoding (%q): name a gzip object *.gz", obj, contentEncoding)
	}
	if err := os.MkdirAll(f.spec.Dir, 0o755); err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	root, err := f.openRoot()
	if err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	defer root.Close()
	if dir := path.Dir(key); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("put %s: %w", obj, err)
		}
	}
	if err := writeAtomic(ctx, root, key, r); err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	return nil
}

// writeAtomic writes a temporary file beside key, syncs it and renames it over key, then
// syncs the directory so that the rename survives a crash. On any failure the temporary
// file goes and key keeps its previous content.
func writeAtomic(ctx context.Context, root *os.Root, key string, r io.Reader) (err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(path.Dir(key), "."+path.Base(key)+".tmp-"+hex.EncodeToString(rnd[:]))
	fh, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			fh.Close()
			root.Remove(tmp)
		}
	}()
	if _, err = io.Copy(fh, &ctxWriterSource{ctx: ctx, r: r}); err != nil {
		return err
	}
	if err = fh.Sync(); err != nil {
		return err
	}
	if err = fh.Close(); err != nil {
		return err
	}
	if err = root.Rename(tmp, key); err != nil {
		return err
	}
	if d, derr := root.Open(path.Dir(key)); derr == nil {
		// Best effort: some file systems refuse to sync a directory.
		d.Sync()
		d.Close()
	}
	return nil
}

// ctxWriterSource lets a cancelled Put stop between reads of its source.
type ctxWriterSource struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxWriterSource) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func fileErr(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ErrNotFound
	case errors.Is(err, fs.ErrPermission):
		return ErrForbidden
	}
	return err
}
