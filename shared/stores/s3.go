package stores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

type s3Store struct {
	spec   Spec
	client *s3.Client
	up     *transfermanager.Client
}

// s3PartSize and s3Concurrency bound what an upload holds in memory (parts are buffered
// so that each can be retried): at most a few parts of a large body.
const (
	s3PartSize    = 8 << 20
	s3Concurrency = 2
)

func newS3Store(ctx context.Context, s Spec) (*s3Store, error) {
	var opts []func(*config.LoadOptions) error
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no region: add ?region= to the spec or set AWS_REGION")
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if s.Endpoint != "" {
			o.BaseEndpoint = aws.String(s.Endpoint)
		}
		o.UsePathStyle = s.PathStyle
		// A multipart object has no whole-object checksum to validate, and the SDK says
		// so on standard error at every Get: noise in a refresher's log.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	up := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = s3PartSize
		o.Concurrency = s3Concurrency
	})
	return &s3Store{spec: s, client: client, up: up}, nil
}

func (s *s3Store) String() string { return "s3://" + s.spec.Bucket }

func (s *s3Store) Get(ctx context.Context, key, ifNoneMatch string) (io.ReadCloser, Info, error) {
	obj := s.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, err)
	}
	in := &s3.GetObjectInput{Bucket: aws.String(s.spec.Bucket), Key: aws.String(key)}
	if ifNoneMatch != "" {
		in.IfNoneMatch = aws.String(ifNoneMatch)
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		if errors.Is(s3Err(err), ErrNotModified) {
			return nil, Info{ETag: ifNoneMatch, Size: -1}, ErrNotModified
		}
		return nil, Info{}, fmt.Errorf("get %s: %w", obj, s3Err(err))
	}
	info := Info{
		ETag:            aws.ToString(out.ETag),
		Size:            -1,
		ContentEncoding: aws.ToString(out.ContentEncoding),
		LastModified:    aws.ToTime(out.LastModified),
	}
	if out.ContentLength != nil {
		info.Size = *out.ContentLength
	}
	return out.Body, info, nil
}

func (s *s3Store) Put(ctx context.Context, key string, r io.Reader, contentType, contentEncoding string) error {
	obj := s.spec.object(key)
	if err := checkKey(key, false); err != nil {
		return fmt.Errorf("put %s: %w", obj, err)
	}
	in := &transfermanager.UploadObjectInput{
		Bucket: aws.String(s.spec.Bucket),
		Key:    aws.String(key),
		Body:   r,
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if contentEncoding != "" {
		in.ContentEncoding = aws.String(contentEncoding)
	}
	// A multipart upload becomes visible only at CompleteMultipartUpload, and the
	// uploader aborts it on failure: the previous object stays.
	if _, err := s.up.UploadObject(ctx, in); err != nil {
		return fmt.Errorf("put %s: %w", obj, s3Err(err))
	}
	return nil
}

// s3Err maps the statuses callers act on to this package's errors, keeping S3's code and
// request ID; anything else (a deadline, a refused connection) passes through wrapped.
func s3Err(err error) error {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	detail := strings.TrimSpace(fmt.Sprintf("%d %s, request %s", re.HTTPStatusCode(), code, re.ServiceRequestID()))
	switch re.HTTPStatusCode() {
	case 304:
		return ErrNotModified
	case 404:
		return fmt.Errorf("%w (%s)", ErrNotFound, detail)
	case 403:
		return fmt.Errorf("%w (%s)", ErrForbidden, detail)
	}
	return fmt.Errorf("%w (%s)", err, detail)
}
