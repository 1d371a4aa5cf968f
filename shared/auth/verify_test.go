package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sgref/shared/auth"
	"sgref/shared/ecsapi"
)

// TestHelpersOnPublicVector anchors this file's signing helpers (the classic SDK's
// algorithm) on the example of Alibaba Cloud's "Request signatures" page; the verifier
// itself is checked on it in vector_test.go.
func TestHelpersOnPublicVector(t *testing.T) {
	vals, err := url.ParseQuery(publicVectorQuery)
	if err != nil {
		t.Fatal(err)
	}
	sig := vals.Get("Signature")
	vals.Del("Signature")
	const wantSTS = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
		"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0" +
		"%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
	if got := v1StringToSign("GET", vals); got != wantSTS {
		t.Fatalf("the SDK's string to sign:\n got %s\nwant %s", got, wantSTS)
	}
	if got := v1Sign("testsecret", wantSTS); got != sig || sig != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("signature %s, want %s", got, sig)
	}
}

// publicVectorQuery is the example request of Alibaba Cloud's "Request signatures" page
// (ECS API reference, signature version 1.0): AccessKeyId testid, secret testsecret.
const publicVectorQuery = "Timestamp=2016-02-23T12%3A46%3A24Z&Format=XML&AccessKeyId=testid&Action=DescribeRegions" +
	"&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26" +
	"&SignatureVersion=1.0&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"

// serve sends req through h and decodes an error envelope (Code "" on success).
func serve(t *testing.T, h *ecsapi.Handler, req *ecsapi.Request) (*ecsapi.Response, envelope) {
	t.Helper()
	resp := h.Serve(context.Background(), req)
	var env envelope
	if resp.Status != 200 {
		if resp.ContentType != ecsapi.ContentTypeJSON {
			t.Fatalf("Status=%d ContentType=%q: want a JSON envelope; body %s", resp.Status, resp.ContentType, resp.Body)
		}
		if err := json.Unmarshal(resp.Body, &env); err != nil {
			t.Fatalf("decode %s: %v", resp.Body, err)
		}
	}
	return resp, env
}

// formBody moves every parameter of a request to a form body.
func formBody(req *ecsapi.Request) *ecsapi.Request {
	req.Body, req.RawQuery = []byte(req.RawQuery), ""
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestV1Refusals(t *testing.T) {
	h := MustHandler(t)
	sts := func(r v1) string { // what the server computes for r, its parameters decoded
		p := r.signed()
		p.Del("Signature")
		return v1StringToSign(r.method, p)
	}
	tests := []struct {
		name    string
		req     func() *ecsapi.Request
		status  int
		code    string
		message string // a part of the message, when it matters
	}{
		{"signed POST", func() *ecsapi.Request { return newV1("sg-1133aa").request() }, 200, "", ""},
		{"signed GET", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.method = "GET"; return r.request() }, 200, "", ""},
		{"signed form body", func() *ecsapi.Request { return formBody(newV1("sg-1133aa").request()) }, 200, "", ""},
		{"a space sent as %20", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("OwnerAccount", "a b*~")
			req := r.request()
			req.RawQuery = strings.ReplaceAll(req.RawQuery, "a+b", "a%20b")
			return req
		}, 200, "", ""},
		{"within the window, past", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.ts = t0.Add(-14 * time.Minute); return r.request() }, 200, "", ""},
		{"within the window, future", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.ts = t0.Add(14 * time.Minute); return r.request() }, 200, "", ""},
		{"own OwnerId", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.params.Set("OwnerId", "123"); return r.request() }, 200, "", ""},

		{"no signature", func() *ecsapi.Request {
			return &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"}
		}, 400, ecsapi.CodeIncompleteSignature, "not signed"},
		{"no nonce", func() *ecsapi.Request { return drop(newV1("sg-1133aa").request(), "SignatureNonce") }, 400, ecsapi.CodeIncompleteSignature, "Missing: SignatureNonce."},
		{"no signature parameter", func() *ecsapi.Request { return drop(newV1("sg-1133aa").request(), "Signature") }, 400, ecsapi.CodeIncompleteSignature, "Missing: Signature."},
		{"no timestamp", func() *ecsapi.Request { return drop(newV1("sg-1133aa").request(), "Timestamp") }, 400, ecsapi.CodeIncompleteSignature, "Timestamp"},
		{"another method", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("SignatureMethod", "HMAC-SHA256")
			return r.request()
		}, 400, ecsapi.CodeIncompleteSignature, "HMAC-SHA1"},
		{"action in a header only", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Del("Action")
			req := r.request()
			req.Header.Set("X-Acs-Action", "DescribeSecurityGroupReferences")
			return req
		}, 400, ecsapi.CodeIncompleteSignature, "Action"},
		{"unknown key", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.id = "key-999"; return r.request() }, 404, ecsapi.CodeAccessKeyNotFound, ""},
		{"wrong secret", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.secret = secret456; return r.request() }, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"another key's secret", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.id = id456; return r.request() }, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"tampered parameter", func() *ecsapi.Request {
			req := newV1("sg-1133aa").request()
			req.RawQuery = strings.Replace(req.RawQuery, "sg-1133aa", "sg-2255cc", 1)
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"added parameter", func() *ecsapi.Request {
			req := newV1("sg-1133aa").request()
			req.RawQuery += "&SecurityGroupId.2=sg-2255cc"
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"other method on the wire", func() *ecsapi.Request { req := newV1("sg-1133aa").request(); req.Method = "GET"; return req }, 400, ecsapi.CodeSignatureDoesNotMatch, "server string to sign is:GET&%2F&"},
		{"signature not base64", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("Signature", "%%%")
			return r.request()
		}, 400, ecsapi.CodeIncompleteSignature + "|" + ecsapi.CodeSignatureDoesNotMatch, ""},
		{"expired", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.ts = t0.Add(-16 * time.Minute); return r.request() }, 400, ecsapi.CodeTimestampExpired, ""},
		{"from the future", func() *ecsapi.Request { r := newV1("sg-1133aa"); r.ts = t0.Add(16 * time.Minute); return r.request() }, 400, ecsapi.CodeTimestampExpired, ""},
		{"timestamp not a time", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("Timestamp", "yesterday")
			return r.request()
		}, 400, ecsapi.CodeInvalidParameter, `"Timestamp"`},
		{"parameter twice in the query", func() *ecsapi.Request {
			req := newV1("sg-1133aa").request()
			req.RawQuery += "&RegionId=cn-shanghai"
			return req
		}, 400, ecsapi.CodeInvalidParameter, `"RegionId" is given more than once`},
		{"parameter in query and body", func() *ecsapi.Request {
			req := newV1("sg-1133aa").request()
			req.Body = []byte("RegionId=cn-shanghai")
			return req
		}, 400, ecsapi.CodeInvalidParameter, `"RegionId" is given more than once`},
		{"STS token", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("SecurityToken", "CAIS-example")
			return r.request()
		}, 400, ecsapi.CodeInvalidParameter, "STS tokens cannot be verified"},
		{"bearer token", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("SignatureType", "BEARERTOKEN")
			return r.request()
		}, 400, ecsapi.CodeInvalidParameter, "STS tokens cannot be verified"},
		{"another account's OwnerId", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("OwnerId", "456")
			return r.request()
		}, 403, ecsapi.CodeForbidden, ""},
		{"another account's ResourceOwnerId", func() *ecsapi.Request {
			r := newV1("sg-1133aa")
			r.params.Set("ResourceOwnerId", "456")
			return r.request()
		}, 403, ecsapi.CodeForbidden, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, env := serve(t, h, tc.req())
			if resp.Status != tc.status || !oneOf(env.Code, tc.code) || !strings.Contains(env.Message, tc.message) {
				t.Errorf("Status=%d Code=%q Message=%q, want %d %q containing %q", resp.Status, env.Code, env.Message, tc.status, tc.code, tc.message)
			}
		})
	}

	// A v1 mismatch ends with the server's string to sign, exactly as the SDK computes it.
	r := newV1("sg-1133aa")
	r.secret = "not-the-secret"
	r.params.Set("OwnerAccount", "ECSforCloud@Alibaba.com (*~)")
	_, env := serve(t, h, r.request())
	if want := "Specified signature is not matched with our calculation. server string to sign is:" + sts(r); env.Message != want {
		t.Errorf("Message=%q\nwant      %q", env.Message, want)
	}
}

func oneOf(code, want string) bool {
	for w := range strings.SplitSeq(want, "|") {
		if code == w {
			return true
		}
	}
	return false
}

// drop removes a parameter from the request's query.
func drop(req *ecsapi.Request, key string) *ecsapi.Request {
	q, _ := url.ParseQuery(req.RawQuery)
	q.Del(key)
	req.RawQuery = q.Encode()
	return req
}

func TestACS3Refusals(t *testing.T) {
	h := MustHandler(t)
	tests := []struct {
		name    string
		req     func() *ecsapi.Request
		status  int
		code    string
		message string
	}{
		{"signed", func() *ecsapi.Request { return newACS3("sg-1133aa").request() }, 200, "", ""},
		{"signed form body", func() *ecsapi.Request {
			r := newACS3()
			r.body = []byte("SecurityGroupId.1=sg-1133aa")
			r.headers["content-type"] = "application/x-www-form-urlencoded"
			return r.request()
		}, 200, "", ""},
		{"action and version as parameters", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			delete(r.headers, "x-acs-action")
			delete(r.headers, "x-acs-version")
			r.query["Action"], r.query["Version"] = "DescribeSecurityGroupReferences", ecsapi.APIVersion
			return r.request()
		}, 200, "", ""},
		{"values needing encoding", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.query["OwnerAccount"] = "a b*~/+=&é"
			return r.request()
		}, 200, "", ""},
		{"upper-case hex signature", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			a := req.Header.Get("Authorization")
			i := strings.LastIndex(a, "=")
			req.Header.Set("Authorization", a[:i+1]+strings.ToUpper(a[i+1:]))
			return req
		}, 200, "", ""},

		{"malformed Authorization", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=key-123")
			return req
		}, 400, ecsapi.CodeIncompleteSignature, "malformed"},
		{"two Authorization headers", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Header.Add("Authorization", req.Header.Get("Authorization"))
			return req
		}, 400, ecsapi.CodeIncompleteSignature, "more than one"},
		{"another algorithm", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", 1))
			return req
		}, 400, ecsapi.CodeIncompleteSignature, "ACS3-HMAC-SHA256"},
		{"nonce not signed", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.unsigned = []string{"x-acs-signature-nonce"}
			return r.request()
		}, 400, ecsapi.CodeIncompleteSignature, "SignedHeaders must name"},
		{"host not signed", func() *ecsapi.Request { r := newACS3("sg-1133aa"); r.unsigned = []string{"host"}; return r.request() }, 400, ecsapi.CodeIncompleteSignature, "SignedHeaders must name"},
		{"action header not signed", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.unsigned = []string{"x-acs-action"}
			return r.request()
		}, 400, ecsapi.CodeIncompleteSignature, "x-acs-action is sent but not signed"},
		{"content type not signed", func() *ecsapi.Request {
			r := newACS3()
			r.body = []byte("SecurityGroupId.1=sg-1133aa")
			r.headers["content-type"] = "application/x-www-form-urlencoded"
			r.unsigned = []string{"content-type"}
			return r.request()
		}, 400, ecsapi.CodeIncompleteSignature, "content-type is sent but not signed"},
		{"signed header missing", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Header.Del("X-Acs-Date")
			return req
		}, 400, ecsapi.CodeIncompleteSignature, "x-acs-date is missing"},
		{"empty nonce", func() *ecsapi.Request { r := newACS3("sg-1133aa"); r.nonce = ""; return r.request() }, 400, ecsapi.CodeIncompleteSignature, "empty"},
		{"unknown key", func() *ecsapi.Request { r := newACS3("sg-1133aa"); r.id = "key-999"; return r.request() }, 404, ecsapi.CodeAccessKeyNotFound, ""},
		{"wrong secret", func() *ecsapi.Request { r := newACS3("sg-1133aa"); r.secret = secret456; return r.request() }, 400, ecsapi.CodeSignatureDoesNotMatch, "server string to sign is:ACS3-HMAC-SHA256\n"},
		{"tampered query", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.RawQuery = strings.Replace(req.RawQuery, "sg-1133aa", "sg-2255cc", 1)
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"tampered signed header", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Header.Set("X-Acs-Action", ecsapi.ActionDangling)
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"another host", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Host = "evil.example.com"
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"tampered body", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.Body = []byte("RegionId=cn-shanghai")
			req.RawQuery = strings.Replace(req.RawQuery, "RegionId=cn-hangzhou&", "", 1)
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, ""},
		{"body other than its signed hash", func() *ecsapi.Request {
			r := newACS3()
			r.body = []byte("SecurityGroupId.1=sg-1133aa")
			req := r.request()
			req.Body = []byte("SecurityGroupId.1=sg-2255cc")
			return req
		}, 400, ecsapi.CodeSignatureDoesNotMatch, "x-acs-content-sha256 header does not match the request body"},
		{"expired", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.ts = t0.Add(-20 * time.Minute)
			return r.request()
		}, 400, ecsapi.CodeTimestampExpired, ""},
		{"from the future", func() *ecsapi.Request { r := newACS3("sg-1133aa"); r.ts = t0.Add(20 * time.Minute); return r.request() }, 400, ecsapi.CodeTimestampExpired, ""},
		{"date not a time", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.headers["x-acs-date"] = "Tue, 03 Mar 2026 05:06:07 GMT"
			return r.request()
		}, 400, ecsapi.CodeInvalidParameter, "x-acs-date"},
		{"parameter twice", func() *ecsapi.Request {
			req := newACS3("sg-1133aa").request()
			req.RawQuery += "&RegionId=cn-hangzhou"
			return req
		}, 400, ecsapi.CodeInvalidParameter, "more than once"},
		{"STS token", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.headers["x-acs-security-token"] = "CAIS-example"
			return r.request()
		}, 400, ecsapi.CodeInvalidParameter, "STS tokens cannot be verified"},
		{"another account's OwnerId", func() *ecsapi.Request {
			r := newACS3("sg-1133aa")
			r.query["OwnerId"] = "456"
			return r.request()
		}, 403, ecsapi.CodeForbidden, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, env := serve(t, h, tc.req())
			if resp.Status != tc.status || env.Code != tc.code || !strings.Contains(env.Message, tc.message) {
				t.Errorf("Status=%d Code=%q Message=%q, want %d %q containing %q", resp.Status, env.Code, env.Message, tc.status, tc.code, tc.message)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	h := MustHandler(t)
	for name, build := range map[string]func() *ecsapi.Request{
		"v1":   func() *ecsapi.Request { return newV1("sg-1133aa").request() },
		"ACS3": func() *ecsapi.Request { return newACS3("sg-1133aa").request() },
	} {
		t.Run(name, func(t *testing.T) {
			req := build()
			if resp, _ := serve(t, h, req); resp.Status != 200 {
				t.Fatalf("first: Status=%d %s", resp.Status, resp.Body)
			}
			resp, env := serve(t, h, req)
			if resp.Status != 400 || env.Code != ecsapi.CodeNonceUsed {
				t.Errorf("replay: Status=%d Code=%q, want 400 %s", resp.Status, env.Code, ecsapi.CodeNonceUsed)
			}
		})
	}
	// Nonces are per key: another key may use the same one.
	a, b := newV1("sg-1133aa"), newV1("sg-partner01")
	b.id, b.secret, b.nonce = id456, secret456, a.nonce
	for _, r := range []v1{a, b} {
		if resp, _ := serve(t, h, r.request()); resp.Status != 200 {
			t.Errorf("key %s, nonce %s: Status=%d %s", r.id, r.nonce, resp.Status, resp.Body)
		}
	}
	// A refused request does not spend its nonce.
	c := newV1("sg-1133aa")
	bad := c
	bad.secret = secret456
	serve(t, h, bad.request())
	if resp, _ := serve(t, h, c.request()); resp.Status != 200 {
		t.Errorf("after a refused request with its nonce: Status=%d %s", resp.Status, resp.Body)
	}
}

// TestNonceForgottenAfterWindow: once its timestamp is out of the window a nonce is
// forgotten, and its request is refused as expired, not replayed.
func TestNonceForgottenAfterWindow(t *testing.T) {
	now := t0
	v := auth.New(MustKeys(t), auth.Options{Now: func() time.Time { return now }, MaxNonces: 1, Log: slog.New(slog.DiscardHandler)})
	check := func(r v1, want string) {
		t.Helper()
		req := r.request()
		p, _ := ecsapi.ParseParams(req.RawQuery, nil, "")
		_, err := v.Authenticate(context.Background(), req, p)
		got := ""
		if e, ok := err.(*ecsapi.Error); ok {
			got = e.Code
		} else if err != nil {
			t.Fatalf("err %v", err)
		}
		if got != want {
			t.Errorf("now %s, ts %s: %q, want %q", now.Format(time.TimeOnly), r.ts.Format(time.TimeOnly), got, want)
		}
	}
	first := newV1("sg-1133aa")
	check(first, "")
	// The cache holds one live nonce: the next is refused until the first expires.
	check(newV1("sg-1133aa"), ecsapi.CodeThrottling)
	now = t0.Add(15*time.Minute + 2*time.Second)
	check(first, ecsapi.CodeTimestampExpired)
	second := newV1("sg-1133aa")
	second.ts = now
	check(second, "")
}

// TestAuthErrorFormat: the Format parameter is read before authentication, so its
// refusals come in the format asked for.
func TestAuthErrorFormat(t *testing.T) {
	h := MustHandler(t)
	r := newV1("sg-1133aa")
	r.secret = secret456
	r.params.Set("Format", "XML")
	resp := h.Serve(context.Background(), r.request())
	if resp.ContentType != ecsapi.ContentTypeXML || !bytes.Contains(resp.Body, []byte("<Code>SignatureDoesNotMatch</Code>")) {
		t.Errorf("Format=XML: %s %s", resp.ContentType, resp.Body)
	}
	resp = h.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: "Action=DescribeSecurityGroupReferences&Format=json"})
	if resp.ContentType != ecsapi.ContentTypeJSON || !bytes.Contains(resp.Body, []byte(`"Code":"IncompleteSignature"`)) {
		t.Errorf("Format=json: %s %s", resp.ContentType, resp.Body)
	}
}

// TestConcurrentReplay: of one signed request sent many times at once, exactly one is
// served.
func TestConcurrentReplay(t *testing.T) {
	h := MustHandler(t)
	for _, req := range []*ecsapi.Request{newV1("sg-1133aa").request(), newACS3("sg-1133aa").request()} {
		const n = 16
		codes := make(chan string, n)
		for range n {
			go func() {
				r := *req
				r.Header = req.Header.Clone()
				codes <- h.Serve(context.Background(), &r).Code
			}()
		}
		served, replayed := 0, 0
		for range n {
			switch <-codes {
			case "":
				served++
			case ecsapi.CodeNonceUsed:
				replayed++
			}
		}
		if served != 1 || replayed != n-1 {
			t.Errorf("served %d, refused as replays %d; want 1 and %d", served, replayed, n-1)
		}
	}
}

// FuzzAuthenticate: whatever a request holds, the verifier answers with a caller or a
// 4xx API error, and never echoes a secret.
func FuzzAuthenticate(f *testing.F) {
	f.Add("POST", newV1("sg-1133aa").request().RawQuery, "", "")
	acs := newACS3("sg-1133aa").request()
	f.Add("POST", acs.RawQuery, acs.Header.Get("Authorization"), acs.Header.Get("X-Acs-Date"))
	f.Add("GET", "AccessKeyId=key-123&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=1&Timestamp=2026-03-04T05:06:07Z&Action=A", "", "")
	f.Add("GET", "", "ACS3-HMAC-SHA256 Credential=key-123,SignedHeaders=host;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce,Signature="+strings.Repeat("0", 64), "2026-03-04T05:06:07Z")
	v := auth.New(MustKeys(f), auth.Options{Now: func() time.Time { return t0 }, MaxNonces: 64, Log: slog.New(slog.DiscardHandler)})
	f.Fuzz(func(t *testing.T, method, query, authz, date string) {
		p, perr := ecsapi.ParseParams(query, nil, "")
		if perr != nil {
			return
		}
		req := &ecsapi.Request{Method: method, Host: "ecs.example.com", Header: http.Header{}, RawQuery: query}
		if authz != "" {
			req.Header.Set("Authorization", authz)
			req.Header.Set("X-Acs-Date", date)
			req.Header.Set("X-Acs-Signature-Nonce", "n")
			req.Header.Set("X-Acs-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
		}
		c, err := v.Authenticate(context.Background(), req, p)
		if err == nil {
			if c.AccountID == "" {
				t.Fatal("accepted without an account")
			}
			return
		}
		e, ok := err.(*ecsapi.Error)
		if !ok || e.Status < 400 || e.Status > 499 {
			t.Fatalf("err %v, want a 4xx API error", err)
		}
		if strings.Contains(e.Message, secret123) || strings.Contains(e.Message, secret456) {
			t.Fatalf("message shows a secret: %s", e.Message)
		}
	})
}
