package testkit

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The root credentials of the MinIO the tests start; they reach sgref's S3 store through
// the AWS SDK's default chain (the environment), as on a developer's machine.
const (
	MinIOUser     = "sgref-test-root"
	MinIOPassword = "sgref-test-password-0001"
	MinIOBucket   = "sgref-snapshots"
)

// MinIO is a real S3 server (MinIO, pinned, built by `make tools`) on a loopback port
// with a temporary data directory.
type MinIO struct {
	Endpoint string
	Client   *s3.Client // root credentials, path style
}

// Spec is the store spec of key in the test bucket.
func (m *MinIO) Spec(key string) string {
	return "s3://" + MinIOBucket + "/" + key + "?region=us-east-1&endpoint=" + m.Endpoint + "&path_style=true"
}

// MinIOBinary finds MinIO: $SGREF_MINIO, else build/tools/minio at the module root.
// Without it the test skips, or fails under CI=true: CI must not pass by skipping the S3
// tests.
func MinIOBinary(tb testing.TB) string {
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

// StartMinIO starts MinIO, waits until it is ready, creates MinIOBucket, and stops it
// (removing its data) at cleanup. It sets the AWS_* environment for the test, so that
// sgref's S3 store signs with the root credentials through the SDK's default chain.
func StartMinIO(tb testing.TB) *MinIO {
	tb.Helper()
	bin := MinIOBinary(tb)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": MinIOUser, "AWS_SECRET_ACCESS_KEY": MinIOPassword, "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(tb.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(tb.TempDir(), "none"),
	} {
		Setenv(tb, k, v)
	}
	var lastErr error
	for range 3 { // a port picked free may be taken before MinIO binds it
		addr := freePort(tb)
		var logs bytes.Buffer
		cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", freePort(tb), tb.TempDir())
		cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+MinIOUser, "MINIO_ROOT_PASSWORD="+MinIOPassword,
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
		if lastErr = minioReady(endpoint, exited); lastErr != nil {
			stop()
			lastErr = fmt.Errorf("%w; minio output:\n%s", lastErr, logs.String())
			continue
		}
		tb.Cleanup(stop)
		m := &MinIO{Endpoint: endpoint, Client: s3.New(s3.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: MinIOUser, SecretAccessKey: MinIOPassword}, nil
			}),
		})}
		if _, err := m.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(MinIOBucket)}); err != nil {
			tb.Fatalf("create bucket: %v", err)
		}
		return m
	}
	tb.Fatalf("minio did not start: %v", lastErr)
	return nil
}

func minioReady(endpoint string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("minio exited: %v", err)
		default:
		}
		if resp, err := http.Get(endpoint + "/minio/health/ready"); err == nil {
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

// Setenv is t.Setenv for benchmarks too: it restores the variable at cleanup.
func Setenv(tb testing.TB, k, v string) {
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
