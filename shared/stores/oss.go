package stores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscred "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"
)

type ossStore struct {
	spec   Spec
	client *oss.Client
}

func newOSSStore(s Spec, creds func(context.Context) (Credentials, error)) (*ossStore, error) {
	if creds == nil {
		creds = envCredentials
	}
	provider := osscred.CredentialsProviderFunc(func(ctx context.Context) (osscred.Credentials, error) {
		c, err := creds(ctx)
		if err != nil {
			return osscred.Credentials{}, fmt.Errorf("oss credentials: %w", err)
		}
		return osscred.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
	})
	// Go's transport would gunzip a Content-Encoding: gzip body on its own, unbounded
	// and behind Decoded's back: the object's bytes must arrive as stored.
	hc := transport.NewHttpClient(&transport.Config{}, func(t *http.Transport) { t.DisableCompression = true })
	cfg := oss.LoadDefaultConfig().
		WithRegion(s.Region).
		WithCredentialsProvider(provider).
		WithHttpClient(hc).
		WithSignatureVersion(oss.SignatureVersionV4)
	if s.Endpoint != "" {
		cfg = cfg.WithEndpoint(s.Endpoint)
	}
	if s.Internal {
		cfg = cfg.WithUseInternalEndpoint(true)
	}
	return &ossStore{spec: s, client: oss.NewClient(cfg)}, nil
}

// envCredentials maps sgref's Alibaba Cloud variables onto the OSS SDK, whose own
// environment provider reads OSS_* names.
func envCredentials(context.Context) (Credentials, error) {
	c := Credentials{
		AccessKeyID:     os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
		AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
		SecurityToken:   os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN"),
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return Credentials{}, errors.New("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set")
	}
	return c, nil
}

func (s *ossStore) String() string { return "oss://" + s.spec.Bucket }

func (s *ossStore) Get(ctx context.Context, key, ifNoneMatch string) (io.ReadCloser, Info, error) {
	obj := s.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, err)
	}
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(s.spec.Bucket), Key: oss.Ptr(key)}
	if ifNoneMatch != "" {
		req.IfNoneMatch = oss.Ptr(ifNoneMatch)
	}
	out, err := s.client.GetObject(ctx, req)
	if err != nil {
		if errors.Is(ossErr(err), ErrNotModified) {
			return nil, Info{ETag: ifNoneMatch, Size: -1}, ErrNotModified
		}
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, ossErr(err))
	}
	info := Info{
		ETag:            oss.ToString(out.ETag),
		Size:            out.ContentLength,
		ContentEncoding: out.Headers.Get("Content-Encoding"),
		LastModified:    oss.ToTime(out.LastModified),
	}
	return out.Body, info, nil
}

func (s *ossStore) Put(ctx context.Context, key string, r io.Reader, contentType, contentEncoding string) error {
	obj := s.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	req := &oss.PutObjectRequest{Bucket: oss.Ptr(s.spec.Bucket), Key: oss.Ptr(key), Body: r}
	if contentType != "" {
		req.ContentType = oss.Ptr(contentType)
	}
	if contentEncoding != "" {
		req.ContentEncoding = oss.Ptr(contentEncoding)
	}
	// One PutObject: OSS stores the object only once its whole body has arrived (the
	// SDK checks the CRC-64 OSS computes against its own), so a failed or cancelled
	// write leaves the previous object.
	if _, err := s.client.PutObject(ctx, req); err != nil {
		return fmt.Errorf("put %s: %w", obj, ossErr(err))
	}
	return nil
}

// ossErr maps the statuses callers act on to this package's errors, keeping OSS's code
// and request ID. The SDK's own message is not kept for them: it is several lines long.
func ossErr(err error) error {
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		return err
	}
	detail := fmt.Sprintf("%d %s, request %s", se.StatusCode, se.Code, se.RequestID)
	switch se.StatusCode {
	case 304:
		return ErrNotModified
	case 404:
		return fmt.Errorf("%w (%s)", ErrNotFound, detail)
	case 403:
		return fmt.Errorf("%w (%s: %s)", ErrForbidden, detail, clip(se.Message))
	}
	return fmt.Errorf("oss error (%s: %s)", detail, clip(se.Message))
}
