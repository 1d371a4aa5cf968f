package stores

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// harness is one store under test and the ways a test reaches around it, as another
// writer or an operator would.
type harness struct {
	store Store
	// plant stores raw bytes under key, bypassing Put's checks (a hostile object).
	plant func(t *testing.T, key string, data []byte, contentEncoding string)
	// remove deletes key behind the reader's back.
	remove func(t *testing.T, key string)
}

// testStore runs the faults every store must survive; each subtest uses its own key.
func testStore(t *testing.T, h harness) {
	ctx := context.Background()

	t.Run("missing", func(t *testing.T) {
		_, _, err := h.store.Get(ctx, "missing/snapshot.json", "")
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get missing: err=%v, want ErrNotFound", err)
		}
	})

	t.Run("etag round trip", func(t *testing.T) {
		const key = "etag/snapshot.json"
		mustPut(t, h.store, key, "first", "")
		body, info := mustGet(t, h.store, key, "")
		if body != "first" || info.ETag == "" {
			t.Fatalf("Get = %q, ETag %q; want first and an ETag", body, info.ETag)
		}
		if info.Size != 5 {
			t.Errorf("Size=%d, want 5", info.Size)
		}
		rc, _, err := h.store.Get(ctx, key, info.ETag)
		if !errors.Is(err, ErrNotModified) || rc != nil {
			t.Fatalf("Get unchanged: body %v, err=%v; want no body, ErrNotModified", rc != nil, err)
		}
		// Some stores' ETags come from the modification time: let it move.
		time.Sleep(10 * time.Millisecond)
		mustPut(t, h.store, key, "second!", "")
		body, info2 := mustGet(t, h.store, key, info.ETag)
		if body != "second!" || info2.ETag == info.ETag || info2.ETag == "" {
			t.Fatalf("Get changed = %q, ETag %q (old %q); want second! and a new ETag", body, info2.ETag, info.ETag)
		}
	})

	t.Run("deleted after a good read", func(t *testing.T) {
		const key = "deleted/snapshot.json"
		mustPut(t, h.store, key, "here", "")
		_, info := mustGet(t, h.store, key, "")
		h.remove(t, key)
		if _, _, err := h.store.Get(ctx, key, info.ETag); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get deleted: err=%v, want ErrNotFound", err)
		}
	})

	t.Run("gzip round trip", func(t *testing.T) {
		const key = "gz/snapshot.json.gz"
		want := strings.Repeat(`{"SecurityGroupId":"sg-1"}`, 1000)
		if err := h.store.Put(ctx, key, bytes.NewReader(gz(t, want)), "application/json", "gzip"); err != nil {
			t.Fatal(err)
		}
		rc, info, err := h.store.Get(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		if info.ContentEncoding != "gzip" {
			t.Errorf("ContentEncoding=%q, want gzip", info.ContentEncoding)
		}
		got := mustReadDecoded(t, rc, key, info, 1<<20)
		if got != want {
			t.Fatalf("decoded %d bytes, want %d", len(got), len(want))
		}
	})

	t.Run("replaced by truncated gzip", func(t *testing.T) {
		const key = "trunc/snapshot.json.gz"
		full := gz(t, strings.Repeat("0123456789", 10000))
		h.plant(t, key, full[:len(full)/2], "gzip")
		rc, info, err := h.store.Get(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		d, err := Decoded(rc, key, info, 1<<20)
		if err == nil {
			_, err = io.ReadAll(d)
			d.Close()
		}
		if !errors.Is(err, ErrBadGzip) {
			t.Fatalf("read truncated gzip: err=%v, want ErrBadGzip", err)
		}
	})

	t.Run("gzip bomb", func(t *testing.T) {
		const key = "bomb/snapshot.json.gz"
		h.plant(t, key, gz(t, strings.Repeat("\x00", 8<<20)), "gzip")
		rc, info, err := h.store.Get(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		d, err := Decoded(rc, key, info, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		n, err := io.Copy(io.Discard, d)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1048576") {
			t.Fatalf("read bomb: err=%v, want ErrTooLarge naming the limit", err)
		}
		if n != 1<<20 {
			t.Errorf("read %d bytes before refusing, want the limit %d", n, 1<<20)
		}
	})

	t.Run("failed put keeps the old object", func(t *testing.T) {
		const key = "atomic/snapshot.json"
		mustPut(t, h.store, key, "old", "")
		bad := io.MultiReader(strings.NewReader(strings.Repeat("new", 1000)), errReader{})
		if err := h.store.Put(ctx, key, bad, "application/json", ""); err == nil {
			t.Fatal("Put with a failing reader: err=nil, want an error")
		}
		if body, _ := mustGet(t, h.store, key, ""); body != "old" {
			t.Fatalf("after failed Put: %q, want old", body)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := h.store.Put(cctx, key, strings.NewReader("new"), "", ""); err == nil {
			t.Fatal("Put cancelled: err=nil, want an error")
		}
		if body, _ := mustGet(t, h.store, key, ""); body != "old" {
			t.Fatalf("after cancelled Put: %q, want old", body)
		}
	})

	t.Run("bad keys", func(t *testing.T) {
		for _, k := range []string{"", "a/../b", "/abs", "dir/"} {
			if _, _, err := h.store.Get(ctx, k, ""); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%q): err=%v, want a key error", k, err)
			}
			if err := h.store.Put(ctx, k, strings.NewReader("x"), "", ""); err == nil {
				t.Errorf("Put(%q): err=nil, want a key error", k)
			}
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("source failed") }

func mustPut(t *testing.T, s Store, key, body, ce string) {
	t.Helper()
	if err := s.Put(context.Background(), key, strings.NewReader(body), "application/json", ce); err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
}

func mustGet(t *testing.T, s Store, key, etag string) (string, Info) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key, etag)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b), info
}

func mustReadDecoded(t *testing.T, rc io.ReadCloser, key string, info Info, max int64) string {
	t.Helper()
	d, err := Decoded(rc, key, info, max)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	if err != nil {
		t.Fatalf("read decoded %s: %v", key, err)
	}
	return string(b)
}

func gz(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// unreachable returns a loopback address nothing listens on.
func unreachable(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// blackhole returns a loopback address that accepts connections and never answers: a
// store slow past any deadline.
func blackhole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	t.Cleanup(func() { close(done); l.Close() })
	return "http://" + l.Addr().String()
}

// testUnreachable checks that Get against a dead or silent endpoint fails within the
// caller's deadline, for a store opened from spec (with %s for the endpoint).
func testUnreachable(t *testing.T, specFormat string, opt Options) {
	for name, endpoint := range map[string]string{"refused": unreachable(t), "slow": blackhole(t)} {
		t.Run(name, func(t *testing.T) {
			st, key, err := Open(context.Background(), fmt.Sprintf(specFormat, endpoint), opt)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, _, err = st.Get(ctx, key, "")
			if err == nil {
				t.Fatal("Get: err=nil, want an error")
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Fatalf("Get took %v past a 300ms deadline", el)
			}
			if name == "slow" && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Get slow: err=%v, want context.DeadlineExceeded", err)
			}
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) {
				t.Errorf("Get %s: err=%v, want neither ErrNotFound nor ErrForbidden", name, err)
			}
		})
	}
}
