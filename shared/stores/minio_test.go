package stores

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The root credentials of the MinIO the tests start; they reach the store through the
// AWS SDK's default chain (the environment), as on a developer's machine.
const (
	minioUser     = "sgref-test-root"
	minioPassword = "sgref-test-password-0001"
	minioBucket   = "sgref-snapshots"
)

// minioBinary finds MinIO: $SGREF_MINIO, else build/tools/minio at the module root
// (make tools installs it there). Without it the test skips, or fails under CI=true:
// CI must not pass by skipping the S3 tests.
func minioBinary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("SGREF_MINIO"); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("SGREF_MINIO=%s: %v (run `make tools`)", p, err)
		}
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "build", "tools", "minio")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	msg := "MinIO not found: run `make tools` (installs build/tools/minio) or set SGREF_MINIO"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// minio is a MinIO server on a loopback port with a temporary data directory.
type minio struct {
	endpoint string
	client   *s3.Client
}

// startMinIO starts MinIO, waits until it is ready, creates minioBucket and stops it
// (and removes its data) at cleanup. It sets the AWS_* environment for the test.
func startMinIO(tb testing.TB) *minio {
	tb.Helper()
	bin := minioBinary(tb)
	setenv(tb, "AWS_ACCESS_KEY_ID", minioUser)
	setenv(tb, "AWS_SECRET_ACCESS_KEY", minioPassword)
	setenv(tb, "AWS_SESSION_TOKEN", "")
	setenv(tb, "AWS_REGION", "")
	setenv(tb, "AWS_PROFILE", "")
	setenv(tb, "AWS_CONFIG_FILE", filepath.Join(tb.TempDir(), "none"))
	setenv(tb, "AWS_SHARED_CREDENTIALS_FILE", filepath.Join(tb.TempDir(), "none"))
	setenv(tb, "AWS_EC2_METADATA_DISABLED", "true")

	var lastErr error
	// A port picked free may be taken before MinIO binds it: try a few.
	for range 3 {
		addr := freePort(tb)
		var logs bytes.Buffer
		cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", freePort(tb), tb.TempDir())
		cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioPassword,
			"MINIO_BROWSER=off", "MINIO_UPDATE=off", "CI=")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		cmd.SysProcAttr = minioProcAttr()
		if err := cmd.Start(); err != nil {
			tb.Fatalf("start minio: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			cmd.Process.Kill()
			<-exited
		}
		endpoint := "http://" + addr
		if lastErr = waitReady(endpoint, exited); lastErr != nil {
			stop()
			lastErr = fmt.Errorf("%w; minio output:\n%s", lastErr, logs.String())
			continue
		}
		tb.Cleanup(stop)
		m := &minio{endpoint: endpoint}
		m.client = s3.New(s3.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(endpoint),
			UsePathStyle: true,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: minioUser, SecretAccessKey: minioPassword}, nil
			}),
		})
		if _, err := m.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(minioBucket)}); err != nil {
			tb.Fatalf("create bucket: %v", err)
		}
		return m
	}
	tb.Fatalf("minio did not start: %v", lastErr)
	return nil
}

func waitReady(endpoint string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("minio exited: %v", err)
		default:
		}
		resp, err := http.Get(endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("minio not ready after 30s")
}

func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// setenv is t.Setenv for benchmarks too.
func setenv(tb testing.TB, k, v string) {
	tb.Helper()
	old, had := os.LookupEnv(k)
	os.Setenv(k, v)
	tb.Cleanup(func() {
		if had {
			os.Setenv(k, old)
		} else {
			os.Unsetenv(k)
		}
	})
}

func (m *minio) spec(key string) string {
	return "s3://" + minioBucket + "/" + key + "?region=us-east-1&endpoint=" + m.endpoint + "&path_style=true"
}

func TestS3Store(t *testing.T) {
	m := startMinIO(t)
	st, key, err := Open(context.Background(), m.spec(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		t.Fatalf("key=%q, want empty", key)
	}
	ctx := context.Background()
	testStore(t, harness{
		store: st,
		plant: func(t *testing.T, key string, data []byte, ce string) {
			in := &s3.PutObjectInput{Bucket: aws.String(minioBucket), Key: aws.String(key), Body: bytes.NewReader(data)}
			if ce != "" {
				in.ContentEncoding = aws.String(ce)
			}
			if _, err := m.client.PutObject(ctx, in); err != nil {
				t.Fatal(err)
			}
		},
		remove: func(t *testing.T, key string) {
			if _, err := m.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(minioBucket), Key: aws.String(key)}); err != nil {
				t.Fatal(err)
			}
		},
	})

	t.Run("forbidden", func(t *testing.T) {
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-password")
		bad, _, err := Open(ctx, m.spec(""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		mustPut(t, st, "forbidden.json", "{}", "")
		_, _, err = bad.Get(ctx, "forbidden.json", "")
		if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
			t.Fatalf("Get with a wrong secret: err=%v, want ErrForbidden (SignatureDoesNotMatch)", err)
		}
		if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), minioUser) {
			t.Errorf("error carries a credential: %v", err)
		}
	})

	t.Run("multipart put, failed midway, keeps the old object", func(t *testing.T) {
		const key = "big/snapshot.json"
		mustPut(t, st, key, "old", "")
		// Past one part: the uploader has started a multipart upload when the source fails.
		src := errReaderAfter(strings.Repeat("x", s3PartSize+s3PartSize/2))
		if err := st.Put(ctx, key, src, "application/json", ""); err == nil {
			t.Fatal("Put: err=nil, want the source's error")
		}
		if body, _ := mustGet(t, st, key, ""); body != "old" {
			t.Fatalf("after failed multipart Put: %d bytes, want old", len(body))
		}
		// And a whole multipart upload lands as one object.
		big := strings.Repeat("y", s3PartSize+1)
		mustPut(t, st, key, big, "")
		if body, _ := mustGet(t, st, key, ""); body != big {
			t.Fatalf("after multipart Put: %d bytes, want %d", len(body), len(big))
		}
	})
}

func TestS3Unreachable(t *testing.T) {
	setenv(t, "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	setenv(t, "AWS_SECRET_ACCESS_KEY", "secret")
	setenv(t, "AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	setenv(t, "AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	testUnreachable(t, "s3://"+minioBucket+"/k.json?region=us-east-1&path_style=true&endpoint=%s", Options{})
}

func TestS3NeedsARegion(t *testing.T) {
	setenv(t, "AWS_REGION", "")
	setenv(t, "AWS_DEFAULT_REGION", "")
	setenv(t, "AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	_, _, err := Open(context.Background(), "s3://snaps/k.json", Options{})
	if err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Fatalf("Open without a region: err=%v, want one naming AWS_REGION", err)
	}
	setenv(t, "AWS_REGION", "eu-west-1")
	if _, _, err := Open(context.Background(), "s3://snaps/k.json", Options{}); err != nil {
		t.Fatalf("Open with AWS_REGION: %v", err)
	}
}
