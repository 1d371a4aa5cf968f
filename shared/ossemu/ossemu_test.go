package ossemu

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

const (
	region = "cn-hangzhou"
	bucket = "snaps"
	akID   = "LTAI5tEmuTest"
	secret = "emu-secret"
	token  = "emu-sts-token"
)

func newServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	emu := New(region)
	emu.AddKey(akID, secret, token)
	emu.CreateBucket(bucket)
	emu.SetObject(bucket, "dir/a b+c~é.json", []byte(`{"ok":true}`), "")
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv
}

// signed builds a request to key signed by the SDK's own V4 signer, then lets edit change
// it (after signing, as a tampering proxy would).
type reqCase struct {
	method, key, query string
	body               string
	header             map[string]string
	additional         []string
	creds              credentials.Credentials
	signRegion         string
	at                 time.Time
	edit               func(*http.Request)
}

func do(t *testing.T, srv *httptest.Server, c reqCase) *http.Response {
	t.Helper()
	u := srv.URL + "/" + bucket + "/" + escapePath(c.key)
	if c.query != "" {
		u += "?" + c.query
	}
	req, err := http.NewRequest(c.method, u, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	if c.creds.AccessKeyID == "" {
		c.creds = credentials.Credentials{AccessKeyID: akID, AccessKeySecret: secret, SecurityToken: token}
	}
	if c.signRegion == "" {
		c.signRegion = region
	}
	product, b, k := "oss", bucket, c.key
	sc := &signer.SigningContext{
		Product: &product, Region: &c.signRegion, Bucket: &b, Key: &k,
		Request: req, Credentials: &c.creds, AdditionalHeaders: c.additional, Time: c.at,
	}
	if err := (&signer.SignerV4{}).Sign(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	if c.edit != nil {
		c.edit(req)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// rawClient leaves Content-Encoding alone, as the stores' clients do.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func errorCode(t *testing.T, resp *http.Response) string {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if len(body) == 0 {
		if h := resp.Header.Get("x-oss-err"); h != "" {
			body, _ = base64.StdEncoding.DecodeString(h)
		}
	}
	var e ossError
	if err := xml.Unmarshal(body, &e); err != nil {
		return ""
	}
	if e.RequestID == "" || e.RequestID != resp.Header.Get("x-oss-request-id") {
		t.Errorf("error RequestId %q, header %q: want the same, non-empty", e.RequestID, resp.Header.Get("x-oss-request-id"))
	}
	return e.Code
}

func TestSignatureVerification(t *testing.T) {
	const key = "dir/a b+c~é.json"
	cases := map[string]struct {
		c      reqCase
		status int
		code   string
	}{
		"get":                   {c: reqCase{method: "GET", key: key}, status: 200},
		"head":                  {c: reqCase{method: "HEAD", key: key}, status: 200},
		"query and headers":     {c: reqCase{method: "GET", key: key, query: "response-content-type=text%2Fplain&x-oss-process", header: map[string]string{"Content-Type": "text/plain", "X-Oss-Meta-A": " v "}}, status: 200},
		"additional header":     {c: reqCase{method: "GET", key: key, header: map[string]string{"Content-Disposition": "inline"}, additional: []string{"content-disposition"}}, status: 200},
		"missing key":           {c: reqCase{method: "GET", key: "nope.json"}, status: 404, code: "NoSuchKey"},
		"missing key, head":     {c: reqCase{method: "HEAD", key: "nope.json"}, status: 404, code: "NoSuchKey"},
		"wrong secret":          {c: reqCase{method: "GET", key: key, creds: credentials.Credentials{AccessKeyID: akID, AccessKeySecret: "x", SecurityToken: token}}, status: 403, code: "SignatureDoesNotMatch"},
		"wrong secret, head":    {c: reqCase{method: "HEAD", key: key, creds: credentials.Credentials{AccessKeyID: akID, AccessKeySecret: "x", SecurityToken: token}}, status: 403, code: "SignatureDoesNotMatch"},
		"unknown key id":        {c: reqCase{method: "GET", key: key, creds: credentials.Credentials{AccessKeyID: "LTAI5tOther", AccessKeySecret: secret}}, status: 403, code: "InvalidAccessKeyId"},
		"no token":              {c: reqCase{method: "GET", key: key, creds: credentials.Credentials{AccessKeyID: akID, AccessKeySecret: secret}}, status: 403, code: "InvalidSecurityToken"},
		"other region":          {c: reqCase{method: "GET", key: key, signRegion: "cn-beijing"}, status: 403, code: "SignatureDoesNotMatch"},
		"an hour old":           {c: reqCase{method: "GET", key: key, at: time.Now().Add(-time.Hour)}, status: 403, code: "RequestTimeTooSkewed"},
		"no authorization":      {c: reqCase{method: "GET", key: key, edit: func(r *http.Request) { r.Header.Del("Authorization") }}, status: 403, code: "AccessDenied"},
		"tampered method":       {c: reqCase{method: "GET", key: key, edit: func(r *http.Request) { r.Method = "HEAD" }}, status: 403, code: "SignatureDoesNotMatch"},
		"tampered key":          {c: reqCase{method: "GET", key: key, edit: func(r *http.Request) { r.URL.Path = "/" + bucket + "/other.json" }}, status: 403, code: "SignatureDoesNotMatch"},
		"tampered query":        {c: reqCase{method: "GET", key: key, query: "a=1", edit: func(r *http.Request) { r.URL.RawQuery = "a=2" }}, status: 403, code: "SignatureDoesNotMatch"},
		"tampered content-type": {c: reqCase{method: "GET", key: key, header: map[string]string{"Content-Type": "a/b"}, edit: func(r *http.Request) { r.Header.Set("Content-Type", "a/c") }}, status: 403, code: "SignatureDoesNotMatch"},
		"added x-oss header":    {c: reqCase{method: "GET", key: key, edit: func(r *http.Request) { r.Header.Set("X-Oss-Meta-B", "1") }}, status: 403, code: "SignatureDoesNotMatch"},
		"tampered additional":   {c: reqCase{method: "GET", key: key, header: map[string]string{"Content-Disposition": "inline"}, additional: []string{"content-disposition"}, edit: func(r *http.Request) { r.Header.Set("Content-Disposition", "attachment") }}, status: 403, code: "SignatureDoesNotMatch"},
		"garbled authorization": {c: reqCase{method: "GET", key: key, edit: func(r *http.Request) { r.Header.Set("Authorization", "OSS4-HMAC-SHA256 Credential=x") }}, status: 403, code: "InvalidArgument"},
		"put":                   {c: reqCase{method: "PUT", key: "new.json", body: "{}", header: map[string]string{"Content-Type": "application/json"}}, status: 200},
		"put, bad content-md5":  {c: reqCase{method: "PUT", key: "new.json", body: "{}", header: map[string]string{"Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="}}, status: 400, code: "InvalidDigest"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, srv := newServer(t)
			resp := do(t, srv, tc.c)
			if resp.StatusCode != tc.status {
				t.Fatalf("status=%d, want %d (code %s)", resp.StatusCode, tc.status, errorCode(t, resp))
			}
			if tc.code != "" {
				if got := errorCode(t, resp); got != tc.code {
					t.Fatalf("code=%q, want %q", got, tc.code)
				}
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	emu, srv := newServer(t)
	const key = "dir/a b+c~é.json"
	resp := do(t, srv, reqCase{method: "GET", key: key})
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || resp.Header.Get("x-oss-hash-crc64ecma") == "" {
		t.Fatalf("GET: status %d, ETag %q, CRC %q", resp.StatusCode, etag, resp.Header.Get("x-oss-hash-crc64ecma"))
	}
	before := emu.Stats().BodyBytes
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		resp = do(t, srv, reqCase{method: "GET", key: key, header: map[string]string{"If-None-Match": inm}})
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: status %d, ETag %q; want 304 and %s", inm, resp.StatusCode, resp.Header.Get("ETag"), etag)
		}
	}
	if got := emu.Stats().BodyBytes - before; got != 0 {
		t.Errorf("304s sent %d body bytes, want 0", got)
	}
	emu.SetObject(bucket, key, []byte("changed"), "gzip")
	resp = do(t, srv, reqCase{method: "GET", key: key, header: map[string]string{"If-None-Match": etag}})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "changed" || resp.Header.Get("ETag") == etag || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("changed: status %d, body %q, ETag %q, CE %q", resp.StatusCode, body, resp.Header.Get("ETag"), resp.Header.Get("Content-Encoding"))
	}
}

func TestParseAuthV4Malformed(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	cases := map[string]string{
		"empty":              "",
		"other algorithm":    "OSS ak:sig",
		"no signature":       "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request",
		"no credential":      "OSS4-HMAC-SHA256 Signature=" + sig,
		"short credential":   "OSS4-HMAC-SHA256 Credential=ak/20250101/oss/aliyun_v4_request,Signature=" + sig,
		"bad terminator":     "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/v4,Signature=" + sig,
		"short signature":    "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=abcd",
		"non-hex signature":  "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + strings.Repeat("zz", 32),
		"repeated part":      "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + sig + ",Signature=" + sig,
		"unknown part":       "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Foo=bar,Signature=" + sig,
		"upper-case header":  "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=Host,Signature=" + sig,
		"empty header name":  "OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=a;;b,Signature=" + sig,
		"part without value": "OSS4-HMAC-SHA256 Credential=,Signature=" + sig,
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			if a, err := parseAuthV4(h); err == nil {
				t.Fatalf("parseAuthV4(%q) = %+v, want an error", h, a)
			}
		})
	}
}

// FuzzParseAuthV4: never panics; what parses formats back to an equal header.
func FuzzParseAuthV4(f *testing.F) {
	f.Add("OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host;x,Signature=" + strings.Repeat("0f", 32))
	f.Add("OSS4-HMAC-SHA256 Credential=a/b/c/d/e,Signature=x")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthV4(h)
		if err != nil {
			return
		}
		s := algorithmV4 + " Credential=" + a.AccessKeyID + "/" + a.Date + "/" + a.Region + "/" + a.Product + "/aliyun_v4_request"
		if len(a.AdditionalHeaders) > 0 {
			s += ",AdditionalHeaders=" + strings.Join(a.AdditionalHeaders, ";")
		}
		s += ",Signature=" + a.Signature
		b, err := parseAuthV4(s)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("parseAuthV4(%q) = %+v; formatted %q parses to %+v, %v", h, a, s, b, err)
		}
	})
}
