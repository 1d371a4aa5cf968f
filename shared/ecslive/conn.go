package ecslive

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
)

// conn is one caller's client that follows its credential source: before each try it
// asks for the current credentials and builds a new client when they changed (renewed
// role credentials, a new invocation's). Not safe for concurrent use, as the SDK's Client
// is not: each worker has its own.
type conn struct {
	s     *Source
	creds CredentialSource
	cur   Credentials
	c     *sdk.Client
	calls *atomic.Int64 // the account's count, beside the source's
}

func (s *Source) newConn(creds CredentialSource, calls *atomic.Int64) *conn {
	return &conn{s: s, creds: creds, calls: calls}
}

func (cn *conn) client(ctx context.Context) (*sdk.Client, error) {
	c, err := cn.creds.Credentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("ecs: %w", redact(err))
	}
	if cn.c == nil || c != cn.cur {
		cl, err := cn.s.client(c)
		if err != nil {
			return nil, err
		}
		cn.c, cn.cur = cl, c
	}
	return cn.c, nil
}

// renew has the credentials in use renewed at the next try, when their source can renew
// them (an assumed role); false when it cannot.
func (cn *conn) renew() bool {
	r, ok := cn.creds.(interface{ expire(Credentials) })
	if ok {
		r.expire(cn.cur)
	}
	return ok
}
