package stores

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
)

// TestBodyStallHonoursDeadline: a store that sends the headers and part of the body, then
// stalls, fails the read at the caller's deadline rather than hanging (both SDKs).
func TestBodyStallHonoursDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.Write(make([]byte, 10))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	setenv(t, "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	setenv(t, "AWS_SECRET_ACCESS_KEY", "secret")
	setenv(t, "AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	setenv(t, "AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	specs := map[string]string{
		"s3":  "s3://snaps/k.json?region=us-east-1&path_style=true&endpoint=" + srv.URL,
		"oss": "oss://snaps/k.json?region=cn-hangzhou&endpoint=" + srv.URL,
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			st, key, err := Open(context.Background(), spec, Options{
				OSSCredentials: func(context.Context) (Credentials, error) { return goodOSSCreds, nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			rc, info, err := st.Get(ctx, key, "")
			if err != nil {
				t.Fatalf("Get: %v (the headers came)", err)
			}
			defer rc.Close()
			if info.ETag != `"abc"` {
				t.Errorf("ETag=%s, want \"abc\"", info.ETag)
			}
			start := time.Now()
			n, err := io.Copy(io.Discard, rc)
			if err == nil {
				t.Fatalf("read %d bytes of 1000 without an error", n)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("read: err=%v, want context.DeadlineExceeded", err)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Fatalf("read took %v past a 300ms deadline", el)
			}
		})
	}
}
