package testkit

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// FCHeaders sets FC's common request headers on req, as FC sends them to a custom
// runtime with every invocation.
func FCHeaders(req *http.Request, requestID string) {
	req.Header.Set("x-fc-request-id", requestID)
	req.Header.Set("x-fc-access-key-id", "STS.test")
	req.Header.Set("x-fc-access-key-secret", "secret")
	req.Header.Set("x-fc-security-token", "token")
	req.Header.Set("x-fc-function-handler", "main")
	req.Header.Set("x-fc-function-memory", "512")
	req.Header.Set("x-fc-function-name", "describe-references")
	req.Header.Set("x-fc-region", "cn-hangzhou")
	req.Header.Set("x-fc-account-id", "1234567890")
	req.Header.Set("x-fc-qualifier", "LATEST")
}

// FCLoad sends b.N GET requests for url with FC's headers (each its own request ID) from
// clients goroutines at once, over keep-alive connections, and reports req/s. A
// transport error or a status other than 200 fails the benchmark.
func FCLoad(b *testing.B, url string, clients int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	var next, failed atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				req, _ := http.NewRequest("GET", url, nil)
				FCHeaders(req, "fc-req-"+strconv.FormatInt(i, 10))
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					first.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; the first: %v", n, b.N, *first.Load())
	}
}
