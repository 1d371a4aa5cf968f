package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	sdkutils "github.com/aliyun/alibaba-cloud-sdk-go/sdk/utils"

	"sgref/shared/ecsapi"
)

// The example of Alibaba Cloud's "Request signatures" page (ECS API reference, signature
// version 1.0): AccessKeyId testid, secret testsecret, a GET of DescribeRegions.
const (
	vectorQuery = "Timestamp=2016-02-23T12%3A46%3A24Z&Format=XML&AccessKeyId=testid&Action=DescribeRegions" +
		"&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26" +
		"&SignatureVersion=1.0&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"
	vectorStringToSign = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
		"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0" +
		"%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
)

// vectorKeys holds the vector's key, whose 10-character secret ParseKeys would refuse.
func vectorKeys() *Keys {
	return &Keys{byID: map[string]*key{"testid": {account: "1", secret: []byte("testsecret"), v1: []byte("testsecret&")}}, accounts: 1}
}

func TestPublicVector(t *testing.T) {
	at := time.Date(2016, 2, 23, 12, 46, 30, 0, time.UTC)
	v := New(vectorKeys(), Options{Now: func() time.Time { return at }})
	req := &ecsapi.Request{Method: "GET", Host: "ecs.aliyuncs.com", Header: http.Header{}, RawQuery: vectorQuery}
	p, perr := ecsapi.ParseParams(req.RawQuery, nil, "")
	if perr != nil {
		t.Fatal(perr)
	}
	var pairs []pair
	p.Each(func(k, v string) {
		if k != "Signature" {
			pairs = append(pairs, pair{k, v})
		}
	})
	if got := v1StringToSign("GET", pairs); got != vectorStringToSign {
		t.Errorf("string to sign\n got %s\nwant %s", got, vectorStringToSign)
	}
	caller, err := v.Authenticate(context.Background(), req, p)
	if err != nil || caller.AccountID != "1" {
		t.Fatalf("Authenticate: %v, %v; want account 1", caller, err)
	}
	// The same request again is a replay; with one byte changed, a mismatch.
	if _, err := v.Authenticate(context.Background(), req, p); !hasCode(err, ecsapi.CodeNonceUsed) {
		t.Errorf("replayed: %v, want %s", err, ecsapi.CodeNonceUsed)
	}
	req.RawQuery = strings.Replace(vectorQuery, "Format=XML", "Format=JSON", 1)
	p, _ = ecsapi.ParseParams(req.RawQuery, nil, "")
	if _, err := v.Authenticate(context.Background(), req, p); !hasCode(err, ecsapi.CodeSignatureDoesNotMatch) {
		t.Errorf("tampered: %v, want %s", err, ecsapi.CodeSignatureDoesNotMatch)
	}
}

func hasCode(err error, code string) bool {
	e, ok := err.(*ecsapi.Error)
	return ok && e.Code == code
}

// sdkV1StringToSign is the classic SDK's buildRpcStringToSign over decoded parameters.
func sdkV1StringToSign(method string, params map[string]string) string {
	s := sdkutils.GetUrlFormedMap(params)
	s = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
	return method + "&%2F&" + url.QueryEscape(s)
}

// FuzzV1Canonical: for any query the API accepts, the string to sign is the classic SDK's.
func FuzzV1Canonical(f *testing.F) {
	f.Add("GET", vectorQuery)
	f.Add("POST", "Action=DescribeSecurityGroupReferences&OwnerAccount=a+b%2A%7E%20c&SecurityGroupId.1=sg-1&SignatureType=")
	f.Add("POST", "k=%E4%BD%A0%E5%A5%BD&k2=~!*()'&=x&a&b=")
	f.Fuzz(func(t *testing.T, method, query string) {
		p, perr := ecsapi.ParseParams(query, nil, "")
		if perr != nil || len(p.Repeated()) > 0 {
			return
		}
		m := map[string]string{}
		var pairs []pair
		p.Each(func(k, v string) {
			if k != "Signature" {
				m[k] = v
				pairs = append(pairs, pair{k, v})
			}
		})
		if got, want := v1StringToSign(method, pairs), sdkV1StringToSign(method, m); got != want {
			t.Fatalf("query %q:\n got %s\nwant %s", query, got, want)
		}
	})
}

// FuzzACS3Canonical: for parameter names of unreserved characters (the ECS API's) and any
// values and header values, the signature is darabonba-openapi's. Names with other
// characters are encoded here, as the ACS3 specification says, where darabonba-openapi
// 2.1.14 leaves them raw.
func FuzzACS3Canonical(f *testing.F) {
	f.Add("RegionId", "cn-hangzhou", "SecurityGroupId.1", "sg-1 *~", " 127.0.0.1:9000 ", "nonce", "body")
	f.Add("a", "", "b", "%zz&=+", "h", "n\t", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, host, nonce, body string) {
		if k1 == "" || k2 == "" || k1 == k2 || !isUnreservedString(k1) || !isUnreservedString(k2) {
			return
		}
		for _, s := range []string{host, nonce} { // what an HTTP header can carry
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
				return
			}
		}
		sum := sha256.Sum256([]byte(body))
		bodyHash := hex.EncodeToString(sum[:])
		headers := map[string]*string{"host": dara.String(host), "x-acs-date": dara.String("2026-01-02T03:04:05Z"),
			"x-acs-signature-nonce": dara.String(nonce), "x-acs-content-sha256": dara.String(bodyHash), "x-acs-action": dara.String("A")}
		query := map[string]*string{k1: dara.String(v1), k2: dara.String(v2)}
		want := dara.StringValue(openapiutil.GetAuthorization(&dara.Request{Method: dara.String("POST"), Pathname: dara.String("/"), Headers: headers, Query: query},
			dara.String(acs3Algorithm), dara.String(bodyHash), dara.String("id"), dara.String("secret-of-sixteen")))
		a, err := parseAuthorization(want)
		if err != nil {
			t.Fatalf("parse %q: %v", want, err)
		}
		req := &ecsapi.Request{Method: "POST", Host: strings.TrimSpace(host), Header: http.Header{}, RawQuery: url.Values{k1: {v1}, k2: {v2}}.Encode()}
		for k, v := range headers {
			if k != "host" {
				req.Header.Set(k, *v)
			}
		}
		pairs, err := queryPairs(req.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		sts := acs3StringToSign(req, a.SignedHeaders, pairs, []byte(bodyHash))
		k := &key{secret: []byte("secret-of-sixteen")}
		if got := acs3Signature(k, sts); got != a.Signature {
			t.Fatalf("signature %s, darabonba-openapi %s (query %q, headers %v)", got, a.Signature, req.RawQuery, req.Header)
		}
	})
}

// FuzzParseAuthorization: the parser never panics, and what it accepts is well formed and
// reads back the same once rendered.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("ACS3-HMAC-SHA256 Credential=key-123,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" + strings.Repeat("ab", 32))
	f.Add("ACS3-HMAC-SHA256 Credential=a, SignedHeaders=b, Signature=" + strings.Repeat("0F", 32))
	f.Add("ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=b,Signature=00")
	f.Add("ACS3-HMAC-SHA256 SignedHeaders=b;a,Signature=" + strings.Repeat("0", 64))
	f.Add("Bearer abc")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseAuthorization(s)
		if err != nil {
			return
		}
		if a.Algorithm == "" || a.Credential == "" || !isUnreservedString(a.Credential) || len(a.Signature) != acs3SignatureLen ||
			!isHex(a.Signature) || a.Signature != strings.ToLower(a.Signature) || len(a.SignedHeaders) == 0 ||
			!slices.IsSorted(a.SignedHeaders) || slices.Compact(slices.Clone(a.SignedHeaders)) == nil {
			t.Fatalf("accepted %q as %+v", s, a)
		}
		for i, h := range a.SignedHeaders {
			if !isLowerToken(h) || i > 0 && a.SignedHeaders[i-1] == h {
				t.Fatalf("accepted %q with header %q", s, h)
			}
		}
		again, err := parseAuthorization(a.Algorithm + " Credential=" + a.Credential + ",SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ",Signature=" + a.Signature)
		if err != nil || !slices.Equal(again.SignedHeaders, a.SignedHeaders) || again.Credential != a.Credential || again.Signature != a.Signature {
			t.Fatalf("%q: rendered back, reads %+v, %v; want %+v", s, again, err, a)
		}
	})
}
