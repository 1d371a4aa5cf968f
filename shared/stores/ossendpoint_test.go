package stores

import (
	"context"
	"net/url"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// TestOSSEndpoint checks which host the SDK addresses for each spec form, through a
// presigned URL (no request is sent).
func TestOSSEndpoint(t *testing.T) {
	cases := map[string]struct{ spec, host string }{
		"public":   {"oss://snaps/k.json?region=cn-hangzhou", "snaps.oss-cn-hangzhou.aliyuncs.com"},
		"internal": {"oss://snaps/k.json?region=cn-hangzhou&internal=true", "snaps.oss-cn-hangzhou-internal.aliyuncs.com"},
		"endpoint": {"oss://snaps/k.json?region=cn-hangzhou&endpoint=https://oss-cn-hangzhou.example.com", "snaps.oss-cn-hangzhou.example.com"},
		"loopback": {"oss://snaps/k.json?region=cn-hangzhou&endpoint=http://127.0.0.1:9", "127.0.0.1:9"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, key, err := Open(context.Background(), tc.spec, Options{
				OSSCredentials: func(context.Context) (Credentials, error) { return goodOSSCreds, nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			o := st.(*ossStore)
			res, err := o.client.Presign(context.Background(), &oss.GetObjectRequest{Bucket: oss.Ptr(o.spec.Bucket), Key: oss.Ptr(key)})
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(res.URL)
			if err != nil {
				t.Fatal(err)
			}
			if u.Host != tc.host {
				t.Fatalf("host=%s, want %s", u.Host, tc.host)
			}
		})
	}
}
