package ecslive

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"sgref/shared/internal/testkit"
)

func TestRedactString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"query", "Post http://h/?AccessKeyId=LTAI5tAbCdEf&Signature=abc%2Fdef%3D&SecurityToken=tok123&X=1",
			"Post http://h/?AccessKeyId=LTAI***&Signature=***&SecurityToken=***&X=1"},
		{"encoded once", "u=AccessKeyId%3DLTAI5tAbCdEf%26Signature%3Dxyz", "u=AccessKeyId%3DLTAI***"},
		{"acs3 header", "Authorization: ACS3-HMAC-SHA256 Credential=LTAI5tAbCdEf,SignedHeaders=host,Signature=0123abcd",
			"Authorization: ACS3-HMAC-SHA256 Credential=LTAI***,SignedHeaders=host,Signature=***"},
		{"token header", "x-acs-security-token: CAIS123abc", "x-acs-security-token: ***"},
		{"short key id", "AccessKeyId=abc", "AccessKeyId=***"},
		{"nothing", "dial tcp 127.0.0.1:1: connect: connection refused", "dial tcp 127.0.0.1:1: connect: connection refused"},
		{"empty value", "AccessKeyId=&x=1", "AccessKeyId=&x=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactString(tt.in); got != tt.want {
				t.Errorf("redactString(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// fixedCreds is a credential source for the tests: temporary credentials that must never
// be printed.
type fixedCreds Credentials

func (f fixedCreds) Credentials(context.Context) (Credentials, error) { return Credentials(f), nil }

const (
	testKeyID  = "LTAI5tRedactTestKey0001"
	testSecret = "redact-test-secret-0001"
	testToken  = "redact-test-sts-token-0001"
)

// TestErrorsCarryNoSecrets drives every way a live read can fail and checks that the
// error (what the refresher and the CLI log) names no AccessKeyId in full, no secret, no
// STS token and no signature the server was sent.
func TestErrorsCarryNoSecrets(t *testing.T) {
	var mu sync.Mutex
	var signatures []string
	record := func(r *http.Request) {
		r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		for _, k := range []string{"Signature", "SignatureNonce"} {
			if v := r.Form.Get(k); v != "" {
				signatures = append(signatures, v, url.QueryEscape(v))
			}
		}
	}
	echo := func(status int, body func(r *http.Request) string) string {
		return testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			record(r)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(body(r)))
		})).String()
	}
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}()
	// The server echoes the whole signed request back in its error message, as a proxy's
	// error page may.
	echoURL := echo(400, func(r *http.Request) string {
		return `{"Code":"InvalidParameter","Message":"bad request ` + strings.ReplaceAll(r.URL.String(), `"`, "") + `","RequestId":"x"}`
	})
	throttled := echo(503, func(r *http.Request) string {
		return `{"Code":"Throttling","Message":"` + strings.ReplaceAll(r.URL.String(), `"`, "") + `","RequestId":"x"}`
	})
	garbage := echo(200, func(*http.Request) string { return "<html>not json</html>" })
	hang := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})).String()
	cut := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Acc"))
			conn.Close()
		}
	})).String()

	for _, tc := range []struct {
		name, endpoint string
		timeout        time.Duration
	}{
		{"unreachable", closed, 10 * time.Second},
		{"server error echoing the request", echoURL, 10 * time.Second},
		{"throttled past the retries", throttled, 10 * time.Second},
		{"answer not JSON", garbage, 10 * time.Second},
		{"deadline", hang, 300 * time.Millisecond},
		{"connection cut", cut, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := New(Options{Regions: []string{"cn-hangzhou"}, Endpoint: tc.endpoint, Retries: 1, Backoff: time.Millisecond,
				CallTimeout: 2 * time.Second, Credentials: fixedCreds{testKeyID, testSecret, testToken}})
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			_, err := src.Fetch(ctx)
			if err == nil {
				t.Fatal("Fetch succeeded, want an error")
			}
			msg := err.Error()
			// The same through an assumed role: the account's coverage record says why.
			org := New(Options{Regions: []string{"cn-hangzhou"}, Accounts: []string{"456"}, Endpoint: tc.endpoint, Retries: 1, Backoff: time.Millisecond,
				CallTimeout: 2 * time.Second, Credentials: fixedCreds{testKeyID, testSecret, testToken}})
			octx, ocancel := context.WithTimeout(context.Background(), tc.timeout)
			defer ocancel()
			if accounts, err := org.FetchAccounts(octx); err != nil {
				msg += "\n" + err.Error()
			} else if len(accounts) != 1 || accounts[0].Error == "" {
				t.Errorf("accounts %+v, want 456 missing with its error", accounts)
			} else {
				msg += "\n" + accounts[0].Error
			}
			secrets := []string{testKeyID, testSecret, testToken, url.QueryEscape(testToken)}
			mu.Lock()
			secrets = append(secrets, signatures...)
			mu.Unlock()
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					t.Errorf("error carries a secret %q:\n%s", s, msg)
				}
			}
		})
	}
}
