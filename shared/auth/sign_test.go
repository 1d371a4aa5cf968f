package auth_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"sgref/shared/auth"
	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// Test keys: one per account of the embedded sample.
const (
	id123, secret123 = "key-123", "secret-of-account-123"
	id456, secret456 = "key-456", "secret-of-account-456"
	keyTable         = `{"AccessKeys":[` +
		`{"AccessKeyId":"key-123","AccessKeySecret":"secret-of-account-123","AliUid":"123"},` +
		`{"AccessKeyId":"key-456","AccessKeySecret":"secret-of-account-456","AliUid":"456"}]}`
)

// t0 is the server's clock in these tests.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

var nonceSeq atomic.Int64

func newNonce() string { return fmt.Sprintf("nonce-%d", nonceSeq.Add(1)) }

// MustKeys parses the test key table.
func MustKeys(tb testing.TB) *auth.Keys {
	tb.Helper()
	k, err := auth.ParseKeys([]byte(keyTable))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// MustHandler returns the API over the embedded sample with signatures required and the
// clock at t0.
func MustHandler(tb testing.TB) *ecsapi.Handler {
	tb.Helper()
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		tb.Fatal(err)
	}
	v := auth.New(MustKeys(tb), auth.Options{Now: func() time.Time { return t0 }})
	return ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Auth: v})
}

// v1StringToSign computes the string to sign as the classic SDK's buildRpcStringToSign does.
func v1StringToSign(method string, params url.Values) string {
	canon := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(params.Encode())
	return method + "&%2F&" + url.QueryEscape(canon)
}

func v1Sign(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// v1 is a request signed as the classic SDK signs it: every parameter in the query.
type v1 struct {
	method, id, secret string
	params             url.Values // the API's parameters; the signature's are added
	ts                 time.Time
	nonce              string
}

// signed returns the parameters with the common and signature parameters, signed.
func (r v1) signed() url.Values {
	p := url.Values{}
	for k, vs := range r.params {
		p[k] = append([]string(nil), vs...)
	}
	set := func(k, v string) {
		if _, ok := p[k]; !ok {
			p.Set(k, v)
		}
	}
	set("Version", ecsapi.APIVersion)
	set("Format", "JSON")
	set("AccessKeyId", r.id)
	set("SignatureMethod", "HMAC-SHA1")
	set("SignatureVersion", "1.0")
	set("SignatureType", "")
	set("SignatureNonce", r.nonce)
	set("Timestamp", r.ts.UTC().Format("2006-01-02T15:04:05Z"))
	p.Set("Signature", v1Sign(r.secret, v1StringToSign(r.method, p)))
	return p
}

func (r v1) request() *ecsapi.Request {
	return &ecsapi.Request{Method: r.method, Host: "ecs.example.com", Header: http.Header{}, RawQuery: r.signed().Encode()}
}

// newV1 is a signed DescribeSecurityGroupReferences of the given groups by key 123, now.
func newV1(ids ...string) v1 {
	p := url.Values{"Action": {"DescribeSecurityGroupReferences"}, "RegionId": {"cn-hangzhou"}}
	for i, id := range ids {
		p.Set(fmt.Sprintf("SecurityGroupId.%d", i+1), id)
	}
	return v1{method: "POST", id: id123, secret: secret123, params: p, ts: t0, nonce: newNonce()}
}

// acs3 is a request signed by darabonba-openapi's own GetAuthorization, as the generated
// SDKs sign: the API's parameters in the query, the action and version in headers.
type acs3 struct {
	method, id, secret, host string
	query                    map[string]string
	headers                  map[string]string // lower-case names, on top of the standard ones
	body                     []byte
	ts                       time.Time
	nonce                    string
	unsigned                 []string // headers sent but left out of the signature
}

func newACS3(ids ...string) acs3 {
	q := map[string]string{"RegionId": "cn-hangzhou"}
	for i, id := range ids {
		q[fmt.Sprintf("SecurityGroupId.%d", i+1)] = id
	}
	return acs3{method: "POST", id: id123, secret: secret123, host: "ecs.example.com", query: q, ts: t0, nonce: newNonce(),
		headers: map[string]string{"x-acs-action": "DescribeSecurityGroupReferences", "x-acs-version": ecsapi.APIVersion}}
}

func (r acs3) request() *ecsapi.Request {
	sum := sha256.Sum256(r.body)
	hdr := map[string]*string{
		"host":                  dara.String(r.host),
		"x-acs-date":            dara.String(r.ts.UTC().Format("2006-01-02T15:04:05Z")),
		"x-acs-signature-nonce": dara.String(r.nonce),
		"x-acs-content-sha256":  dara.String(hex.EncodeToString(sum[:])),
	}
	for k, v := range r.headers {
		hdr[k] = dara.String(v)
	}
	signed := map[string]*string{}
	for k, v := range hdr {
		signed[k] = v
	}
	for _, k := range r.unsigned {
		delete(signed, k)
	}
	q := map[string]*string{}
	vals := url.Values{}
	for k, v := range r.query {
		q[k] = dara.String(v)
		vals.Set(k, v)
	}
	authz := openapiutil.GetAuthorization(&dara.Request{Method: dara.String(r.method), Pathname: dara.String("/"), Headers: signed, Query: q},
		dara.String("ACS3-HMAC-SHA256"), dara.String(hex.EncodeToString(sum[:])), dara.String(r.id), dara.String(r.secret))
	req := &ecsapi.Request{Method: r.method, Host: r.host, Header: http.Header{}, RawQuery: vals.Encode(), Body: r.body}
	for k, v := range hdr {
		if k != "host" {
			req.Header.Set(k, *v)
		}
	}
	req.Header.Set("Authorization", *authz)
	req.Header.Set("Accept", "application/json")
	return req
}

// envelope is an error answer, decoded.
type envelope struct{ RequestId, HostId, Code, Message, Recommend string }
