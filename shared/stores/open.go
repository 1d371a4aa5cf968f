package stores

import (
	"context"
	"fmt"
)

// Credentials are an Alibaba Cloud AccessKey, temporary (with a SecurityToken) or not.
type Credentials struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// Options carry what a spec cannot: where credentials come from.
type Options struct {
	// OSSCredentials is asked before every OSS request (it may rotate). Nil: the
	// ALIBABA_CLOUD_* environment variables, read at each request.
	OSSCredentials func(ctx context.Context) (Credentials, error)
}

// Open parses spec and returns its store and the key (or prefix) it names. It does no
// I/O beyond loading the SDK's configuration: a missing object shows at the first Get.
func Open(ctx context.Context, spec string, opt Options) (Store, string, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, "", err
	}
	var st Store
	switch s.Scheme {
	case "file":
		st = newFileStore(s)
	case "s3":
		st, err = newS3Store(ctx, s)
	case "oss":
		st, err = newOSSStore(s, opt.OSSCredentials)
	}
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", s.object(s.Key), err)
	}
	return st, s.Key, nil
}
