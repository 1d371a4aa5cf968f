package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"testing"
	"time"

	"sgref/shared/auth"
	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

// BenchmarkSigned is one DescribeSecurityGroupReferences request end to end in process
// (parameters in, envelope bytes out): sgref is the request signed (v1 as the classic SDK
// sends it, or ACS3 as the generated SDKs do) against a handler that verifies it; base is
// the same request unsigned against a handler with authentication off. "ten" asks for ten
// groups of the synthetic inventory (a full page of 100 records), "one" for one group of
// the embedded sample (two records): the verification's fixed cost against a small answer.
func BenchmarkSigned(b *testing.B) {
	sample, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		b.Fatal(err)
	}
	var ten []string
	for _, i := range []int{0, 1, 501, 1234, 5000, 12345, 23456, 34567, 45679, 59999} {
		ten = append(ten, synth.GroupID(i)) // all account 123's (synth gives 456 every i%7 == 3)
	}
	cases := []struct {
		name string
		p    func() refs.Provider
		ids  []string
	}{
		{"ten", func() refs.Provider { return refs.Static(testkit.SynthIndex(b, 100_000)) }, ten},
		{"one", func() refs.Provider { return refs.Static(refs.Build(sample)) }, []string{"sg-1133aa"}},
	}
	keys := MustKeys(b)
	for _, tc := range cases {
		p := tc.p()
		for _, scheme := range []string{"v1", "acs3"} {
			var sign func(ts time.Time) *ecsapi.Request
			var unsigned *ecsapi.Request
			switch scheme {
			case "v1":
				sign = func(ts time.Time) *ecsapi.Request { r := newV1(tc.ids...); r.ts = ts; return r.request() }
				q := url.Values{"Action": {"DescribeSecurityGroupReferences"}, "RegionId": {"cn-hangzhou"}, "Format": {"JSON"}, "Version": {ecsapi.APIVersion}}
				for i, id := range tc.ids {
					q.Set(fmt.Sprintf("SecurityGroupId.%d", i+1), id)
				}
				unsigned = &ecsapi.Request{Method: "POST", Host: "ecs.example.com", Header: http.Header{}, RawQuery: q.Encode()}
			case "acs3":
				sign = func(ts time.Time) *ecsapi.Request { r := newACS3(tc.ids...); r.ts = ts; return r.request() }
				unsigned = newACS3(tc.ids...).request()
				unsigned.Header.Del("Authorization")
			}
			b.Run(tc.name+"/"+scheme+"/base", func(b *testing.B) {
				h := ecsapi.NewHandler(p, ecsapi.Options{})
				for b.Loop() {
					if resp := h.Serve(context.Background(), unsigned); resp.Status != 200 {
						b.Fatalf("Status=%d %s", resp.Status, resp.Body)
					}
				}
			})
			b.Run(tc.name+"/"+scheme+"/sgref", func(b *testing.B) {
				now := t0
				v := auth.New(keys, auth.Options{Now: func() time.Time { return now }})
				h := ecsapi.NewHandler(p, ecsapi.Options{Auth: v})
				// Each request needs its own nonce: sign small batches off the clock, each at a
				// clock 16 minutes on, so that the nonce cache holds a few batches, as an
				// instance under steady load does (BenchmarkNonceFlood measures a full one).
				var batch []*ecsapi.Request
				for i := 0; i < b.N; i++ {
					if len(batch) == 0 {
						b.StopTimer()
						now = now.Add(16 * time.Minute)
						for range min(b.N-i, 64) {
							batch = append(batch, sign(now))
						}
						if i%4096 == 0 {
							runtime.GC() // the signing's garbage, off the clock
						}
						b.StartTimer()
					}
					req := batch[len(batch)-1]
					batch = batch[:len(batch)-1]
					if resp := h.Serve(context.Background(), req); resp.Status != 200 {
						b.Fatalf("Status=%d %s", resp.Status, resp.Body)
					}
				}
			})
		}
	}
}
