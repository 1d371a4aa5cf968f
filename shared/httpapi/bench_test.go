package httpapi_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"context"

	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// BenchmarkHTTP measures requests per second through the local server against a trivial
// net/http handler on the same loopback, in the same run: the ratio is what the ECS
// handler, its logging and its envelope cost on top of net/http.
func BenchmarkHTTP(b *testing.B) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		b.Fatal(err)
	}
	const query = "/?Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"base", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"RequestId":"CEF72CEB-54B6-4AE8-B225-F876FF7BA984"}`))
		})},
		{"sgref", httpapi.Handler{
			API: ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{}),
			Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewUnstartedServer(tc.h)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv.Listener = ln
			srv.Start()
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(srv.URL + query)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}
