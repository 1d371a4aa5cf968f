package stores

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sgref/shared/internal/testkit"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The tests' MinIO is testkit's: a real S3 server on loopback, credentials in the
// environment, one bucket.
const (
	minioUser   = testkit.MinIOUser
	minioBucket = testkit.MinIOBucket
)

// setenv is testkit.Setenv: t.Setenv for benchmarks too.
var setenv = testkit.Setenv

func TestS3Store(t *testing.T) {
	m := testkit.StartMinIO(t)
	st, key, err := Open(context.Background(), m.Spec(""), Options{})
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
			if _, err := m.Client.PutObject(ctx, in); err != nil {
				t.Fatal(err)
			}
		},
		remove: func(t *testing.T, key string) {
			if _, err := m.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(minioBucket), Key: aws.String(key)}); err != nil {
				t.Fatal(err)
			}
		},
	})

	t.Run("forbidden", func(t *testing.T) {
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-password")
		bad, _, err := Open(ctx, m.Spec(""), Options{})
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
