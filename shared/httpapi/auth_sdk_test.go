package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sgref/shared/internal/testkit"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs3 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"sgref/shared/auth"
	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
	"sgref/shared/refs"
)

// Keys of the signed server: one per account of the embedded sample.
const (
	signedID123, signedSecret123 = "sdk-key-123", "sdk-secret-of-account-123"
	signedID456, signedSecret456 = "sdk-key-456", "sdk-secret-of-account-456"
	signedKeyTable               = `{"AccessKeys":[` +
		`{"AccessKeyId":"sdk-key-123","AccessKeySecret":"sdk-secret-of-account-123","AliUid":"123"},` +
		`{"AccessKeyId":"sdk-key-456","AccessKeySecret":"sdk-secret-of-account-456","AliUid":"456"}]}`
)

// signedServer is the real HTTP adapter with SGREF_AUTH=required over the embedded sample,
// on 127.0.0.1. Before the API sees a request it records it as it came and lets the test
// tamper with it, as a man in the middle would; its clock can be moved.
type signedServer struct {
	URL *url.URL

	api  http.Handler
	skew atomic.Int64 // added to the server's clock, ns

	mu     sync.Mutex
	tamper func(r *http.Request, body []byte) []byte
	last   *capturedRequest
}

// capturedRequest is a request as the client sent it.
type capturedRequest struct {
	Method, RequestURI, Host string
	Header                   http.Header
	Body                     []byte
}

func MustSignedServer(tb testing.TB) *signedServer {
	tb.Helper()
	inv := testkit.Sample(tb)
	keys, err := auth.ParseKeys([]byte(signedKeyTable))
	if err != nil {
		tb.Fatal(err)
	}
	s := &signedServer{}
	v := auth.New(keys, auth.Options{Now: func() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) }})
	api := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Auth: v})
	s.api = httpapi.Handler{API: api, Log: testkit.Quiet}
	s.URL = testkit.Serve(tb, s)
	return s
}

func (s *signedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	s.mu.Lock()
	s.last = &capturedRequest{Method: r.Method, RequestURI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Body: body}
	tamper := s.tamper
	s.mu.Unlock()
	if tamper != nil {
		body = tamper(r, body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	s.api.ServeHTTP(w, r)
}

// with runs f with the server tampering (nil: not) and its clock moved by skew.
func (s *signedServer) with(tamper func(*http.Request, []byte) []byte, skew time.Duration, f func()) {
	s.mu.Lock()
	s.tamper = tamper
	s.mu.Unlock()
	s.skew.Store(int64(skew))
	defer func() {
		s.mu.Lock()
		s.tamper = nil
		s.mu.Unlock()
		s.skew.Store(0)
	}()
	f()
}

// replay sends the last request again, byte for byte, and returns the status and code.
func (s *signedServer) replay(t *testing.T) (int, string) {
	t.Helper()
	s.mu.Lock()
	c := s.last
	s.mu.Unlock()
	if c == nil {
		t.Fatal("no request captured")
	}
	req, err := http.NewRequest(c.Method, s.URL.String()+c.RequestURI, bytes.NewReader(c.Body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.Header.Clone()
	req.Host = c.Host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct{ Code string }
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("replay answered %d %s", resp.StatusCode, body)
	}
	return resp.StatusCode, env.Code
}

// setQuery changes one query parameter of a request in flight.
func setQuery(key, value string) func(*http.Request, []byte) []byte {
	return func(r *http.Request, body []byte) []byte {
		q := r.URL.Query()
		q.Set(key, value)
		r.URL.RawQuery = q.Encode()
		return body
	}
}

func signedClassic(tb testing.TB, u *url.URL, id, secret string) *ecs.Client {
	tb.Helper()
	c, err := ecs.NewClientWithAccessKey("cn-hangzhou", id, secret)
	if err != nil {
		tb.Fatal(err)
	}
	c.SetNoProxy(regexp.QuoteMeta(u.Host))
	return c
}

func TestSignedClassicSDK(t *testing.T) {
	s := MustSignedServer(t)
	c := signedClassic(t, s.URL, signedID123, signedSecret123)
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) {
			resp, err := describe(c, s.URL, format, "cn-hangzhou", "sg-1133aa", "sg-classic01")
			if err != nil {
				t.Fatal(err)
			}
			// sg-classic01's referrers belong to account 456: listed, with their AliUid.
			want := []ref{{"sg-1133aa", "sg-2255cc", "123"}, {"sg-1133aa", "sg-2255dd", "123"},
				{"sg-classic01", "sg-partner01", "456"}, {"sg-classic01", "sg-partner02", "456"}}
			if got := flatten(resp); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	// The other account's group is a group that does not exist.
	_, errOther := describe(c, s.URL, "JSON", "cn-hangzhou", "sg-partner01")
	_, errMissing := describe(c, s.URL, "JSON", "cn-hangzhou", "sg-missing")
	var other, missing *sdkerrors.ServerError
	if !errors.As(errOther, &other) || !errors.As(errMissing, &missing) {
		t.Fatalf("errors %v / %v, want ServerErrors", errOther, errMissing)
	}
	if other.HttpStatus() != 404 || other.ErrorCode() != ecsapi.CodeGroupIDNotFound ||
		other.HttpStatus() != missing.HttpStatus() || other.ErrorCode() != missing.ErrorCode() || other.Message() != missing.Message() {
		t.Errorf("another account's group: %d %s %q; a missing one: %d %s %q", other.HttpStatus(), other.ErrorCode(), other.Message(),
			missing.HttpStatus(), missing.ErrorCode(), missing.Message())
	}
	// Key 456 sees its own group.
	if _, err := describe(signedClassic(t, s.URL, signedID456, signedSecret456), s.URL, "JSON", "cn-hangzhou", "sg-partner01"); err != nil {
		t.Errorf("account 456, its own group: %v", err)
	}
}

func TestSignedClassicSDKRefusals(t *testing.T) {
	s := MustSignedServer(t)
	good := signedClassic(t, s.URL, signedID123, signedSecret123)
	sts, err := ecs.NewClientWithStsToken("cn-hangzhou", signedID123, signedSecret123, "CAIS-example-token")
	if err != nil {
		t.Fatal(err)
	}
	sts.SetNoProxy(regexp.QuoteMeta(s.URL.Host))
	tests := []struct {
		name      string
		client    *ecs.Client
		tamper    func(*http.Request, []byte) []byte
		skew      time.Duration
		ownerID   string
		status    int
		code      string
		recommend string // a part of Recommend(), when it matters
	}{
		// The SDK finds its own string to sign in the message: the secret is wrong.
		{"wrong secret", signedClassic(t, s.URL, signedID123, "not-the-secret-of-123"), nil, 0, "", 400, ecsapi.CodeSignatureDoesNotMatch, "InvalidAccessKeySecret: Please check you AccessKeySecret"},
		{"unknown key", signedClassic(t, s.URL, "sdk-key-999", signedSecret123), nil, 0, "", 404, ecsapi.CodeAccessKeyNotFound, "troubleshoot"},
		// A parameter changed in flight: the strings to sign differ, and the SDK says so.
		{"tampered parameter", good, setQuery("SecurityGroupId.1", "sg-2255cc"), 0, "", 400, ecsapi.CodeSignatureDoesNotMatch, "This may be a bug with the SDK"},
		{"missing nonce", good, func(r *http.Request, b []byte) []byte {
			q := r.URL.Query()
			q.Del("SignatureNonce")
			r.URL.RawQuery = q.Encode()
			return b
		}, 0, "", 400, ecsapi.CodeIncompleteSignature, ""},
		{"parameter repeated in the body", good, func(r *http.Request, _ []byte) []byte { return []byte("RegionId=cn-shanghai") }, 0, "", 400, ecsapi.CodeInvalidParameter, ""},
		{"expired timestamp", good, nil, 20 * time.Minute, "", 400, ecsapi.CodeTimestampExpired, ""},
		{"timestamp from the future", good, nil, -20 * time.Minute, "", 400, ecsapi.CodeTimestampExpired, ""},
		{"STS token", sts, nil, 0, "", 400, ecsapi.CodeInvalidParameter, ""},
		{"another account's OwnerId", good, nil, 0, "456", 403, ecsapi.CodeForbidden, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			s.with(tc.tamper, tc.skew, func() {
				req := ecs.CreateDescribeSecurityGroupReferencesRequest()
				req.Scheme, req.Domain, req.RegionId, req.AcceptFormat = "http", s.URL.Host, "cn-hangzhou", "JSON"
				req.SecurityGroupId = &[]string{"sg-1133aa"}
				if tc.ownerID != "" {
					req.OwnerId = requests.Integer(tc.ownerID)
				}
				_, err = tc.client.DescribeSecurityGroupReferences(req)
			})
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("err %v, want a ServerError", err)
			}
			if se.HttpStatus() != tc.status || se.ErrorCode() != tc.code || !strings.Contains(se.Recommend(), tc.recommend) {
				t.Errorf("HttpStatus=%d ErrorCode=%q Message=%q Recommend=%q, want %d %q and %q", se.HttpStatus(), se.ErrorCode(), se.Message(), se.Recommend(), tc.status, tc.code, tc.recommend)
			}
			for _, secret := range []string{signedSecret123, "not-the-secret-of-123"} {
				if strings.Contains(se.Error(), secret) {
					t.Errorf("the answer shows a secret: %s", se.Error())
				}
			}
		})
	}
}

func TestSignedClassicSDKReplay(t *testing.T) {
	s := MustSignedServer(t)
	c := signedClassic(t, s.URL, signedID123, signedSecret123)
	if _, err := describe(c, s.URL, "JSON", "cn-hangzhou", "sg-1133aa"); err != nil {
		t.Fatal(err)
	}
	if status, code := s.replay(t); status != 400 || code != ecsapi.CodeNonceUsed {
		t.Errorf("replayed: %d %s, want 400 %s", status, code, ecsapi.CodeNonceUsed)
	}
}

func signedV3(tb testing.TB, u *url.URL, id, secret, token string) *ecs3.Client {
	tb.Helper()
	cfg := &openapiutil.Config{AccessKeyId: tea.String(id), AccessKeySecret: tea.String(secret),
		Endpoint: tea.String(u.Host), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou")}
	if token != "" {
		cfg.SecurityToken = tea.String(token)
	}
	c, err := ecs3.NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func describeV3(c *ecs3.Client, ids ...string) ([]string, error) {
	req := &ecs3.DescribeSecurityGroupReferencesRequest{RegionId: tea.String("cn-hangzhou")}
	for _, id := range ids {
		req.SecurityGroupId = append(req.SecurityGroupId, tea.String(id))
	}
	resp, err := c.DescribeSecurityGroupReferences(req)
	if err != nil {
		return nil, err
	}
	var got []string
	for _, e := range resp.Body.SecurityGroupReferences.SecurityGroupReference {
		for _, x := range e.ReferencingSecurityGroups.ReferencingSecurityGroup {
			got = append(got, tea.StringValue(x.SecurityGroupId)+"/"+tea.StringValue(x.AliUid))
		}
	}
	return got, nil
}

func TestSignedV3SDK(t *testing.T) {
	s := MustSignedServer(t)
	c := signedV3(t, s.URL, signedID123, signedSecret123, "")
	got, err := describeV3(c, "sg-1133aa", "sg-classic01")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sg-2255cc/123", "sg-2255dd/123", "sg-partner01/456", "sg-partner02/456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if status, code := s.replay(t); status != 400 || code != ecsapi.CodeNonceUsed {
		t.Errorf("replayed: %d %s, want 400 %s", status, code, ecsapi.CodeNonceUsed)
	}
	_, errOther := describeV3(c, "sg-partner01")
	_, errMissing := describeV3(c, "sg-missing")
	var other, missing *tea.SDKError
	if !errors.As(errOther, &other) || !errors.As(errMissing, &missing) ||
		tea.IntValue(other.StatusCode) != 404 || tea.StringValue(other.Code) != ecsapi.CodeGroupIDNotFound ||
		tea.StringValue(other.Message) != strings.ReplaceAll(tea.StringValue(missing.Message), requestIDOf(missing), requestIDOf(other)) {
		t.Errorf("another account's group: %v\na missing one: %v", errOther, errMissing)
	}
}

// requestIDOf is the request ID a v3 SDK error message quotes.
func requestIDOf(e *tea.SDKError) string {
	m := regexp.MustCompile(`[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`).FindString(tea.StringValue(e.Message))
	if m == "" {
		return "\x00"
	}
	return m
}

func TestSignedV3SDKRefusals(t *testing.T) {
	s := MustSignedServer(t)
	good := signedV3(t, s.URL, signedID123, signedSecret123, "")
	tests := []struct {
		name   string
		client *ecs3.Client
		tamper func(*http.Request, []byte) []byte
		skew   time.Duration
		status int
		code   string
	}{
		{"wrong secret", signedV3(t, s.URL, signedID123, "not-the-secret-of-123", ""), nil, 0, 400, ecsapi.CodeSignatureDoesNotMatch},
		{"unknown key", signedV3(t, s.URL, "sdk-key-999", signedSecret123, ""), nil, 0, 404, ecsapi.CodeAccessKeyNotFound},
		{"tampered parameter", good, setQuery("SecurityGroupId.1", "sg-2255cc"), 0, 400, ecsapi.CodeSignatureDoesNotMatch},
		{"tampered body", good, func(r *http.Request, _ []byte) []byte { return []byte("SecurityGroupId.2=sg-2255cc") }, 0, 400, ecsapi.CodeSignatureDoesNotMatch},
		{"missing signed header", good, func(r *http.Request, b []byte) []byte { r.Header.Del("X-Acs-Signature-Nonce"); return b }, 0, 400, ecsapi.CodeIncompleteSignature},
		{"tampered action header", good, func(r *http.Request, b []byte) []byte { r.Header.Set("X-Acs-Action", ecsapi.ActionDangling); return b }, 0, 400, ecsapi.CodeSignatureDoesNotMatch},
		{"expired timestamp", good, nil, 20 * time.Minute, 400, ecsapi.CodeTimestampExpired},
		{"STS token", signedV3(t, s.URL, signedID123, signedSecret123, "CAIS-example-token"), nil, 0, 400, ecsapi.CodeInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			s.with(tc.tamper, tc.skew, func() { _, err = describeV3(tc.client, "sg-1133aa") })
			var se *tea.SDKError
			if !errors.As(err, &se) {
				t.Fatalf("err %v, want an SDKError", err)
			}
			if tea.IntValue(se.StatusCode) != tc.status || tea.StringValue(se.Code) != tc.code {
				t.Errorf("StatusCode=%d Code=%q Message=%q, want %d %q", tea.IntValue(se.StatusCode), tea.StringValue(se.Code), tea.StringValue(se.Message), tc.status, tc.code)
			}
			if strings.Contains(err.Error(), signedSecret123) {
				t.Errorf("the answer shows a secret: %v", err)
			}
		})
	}
}
