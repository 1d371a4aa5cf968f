package ecslive

import (
	"context"
	"errors"
	"os"
	"sync/atomic"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
)

// Credentials are an AccessKey, temporary (with a SecurityToken) or not.
type Credentials struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// A CredentialSource hands out the credentials to sign with; it is asked before every read,
// so rotating credentials are picked up.
type CredentialSource interface {
	Credentials(ctx context.Context) (Credentials, error)
}

// Env reads the standard Alibaba Cloud variables ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN at each call.
type Env struct{}

func (Env) Credentials(context.Context) (Credentials, error) {
	c := Credentials{
		AccessKeyID:     os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
		AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
		SecurityToken:   os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN"),
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return Credentials{}, errors.New("no credentials: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set")
	}
	return c, nil
}

// DefaultChain is the SDK's default credentials chain (environment, OIDC, CLI profile,
// profile file, ECS instance RAM role, credentials URI). Opt in with credentials=default:
// its instance-metadata step calls a link-local address.
type DefaultChain struct{}

func (DefaultChain) Credentials(context.Context) (Credentials, error) {
	c, err := credentials.NewDefaultCredentialsProvider().GetCredentials()
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
}

// Rotating holds credentials another part of the program keeps current: on Function
// Compute, the function role's temporary credentials that come with every invocation.
// Until the first Set it falls back to Fallback, if any.
type Rotating struct {
	cur      atomic.Pointer[Credentials]
	Fallback CredentialSource
}

// Set installs the newest credentials; empty ones are ignored.
func (r *Rotating) Set(c Credentials) {
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return
	}
	// FC sends the same credentials with every request until they rotate: the common
	// case stores (and allocates) nothing.
	if cur := r.cur.Load(); cur != nil && *cur == c {
		return
	}
	n := c
	r.cur.Store(&n)
}

// SetKeys is Set in the shape the FC adapters hand credentials over. On a nil Rotating
// (an inventory that is not live) it does nothing.
func (r *Rotating) SetKeys(accessKeyID, accessKeySecret, securityToken string) {
	if r != nil {
		r.Set(Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, SecurityToken: securityToken})
	}
}

func (r *Rotating) Credentials(ctx context.Context) (Credentials, error) {
	if c := r.cur.Load(); c != nil {
		return *c, nil
	}
	if r.Fallback != nil {
		return r.Fallback.Credentials(ctx)
	}
	return Credentials{}, errors.New("no credentials yet: none came with an invocation")
}
