package ossemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

const (
	algorithmV4     = "OSS4-HMAC-SHA256"
	dateTimeFormat  = "20060102T150405Z"
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// authV4 is the parsed Authorization header of a V4-signed request:
//
//	OSS4-HMAC-SHA256 Credential=AK/DATE/REGION/oss/aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=HEX
type authV4 struct {
	AccessKeyID, Date, Region, Product string
	AdditionalHeaders                  []string
	Signature                          string
}

var errBadAuth = errors.New("malformed Authorization header")

// parseAuthV4 parses the header strictly: every part once, in any order, nothing else.
func parseAuthV4(h string) (authV4, error) {
	var a authV4
	rest, ok := strings.CutPrefix(h, algorithmV4+" ")
	if !ok {
		return a, fmt.Errorf("%w: want %s", errBadAuth, algorithmV4)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || val == "" || seen[name] {
			return a, fmt.Errorf("%w: bad or repeated part", errBadAuth)
		}
		seen[name] = true
		switch name {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 5 || f[0] == "" || f[4] != "aliyun_v4_request" || len(f[1]) != 8 {
				return a, fmt.Errorf("%w: Credential wants AK/DATE/REGION/oss/aliyun_v4_request", errBadAuth)
			}
			a.AccessKeyID, a.Date, a.Region, a.Product = f[0], f[1], f[2], f[3]
		case "AdditionalHeaders":
			for _, h := range strings.Split(val, ";") {
				if h == "" || h != strings.ToLower(h) {
					return a, fmt.Errorf("%w: AdditionalHeaders wants lower-case names", errBadAuth)
				}
				a.AdditionalHeaders = append(a.AdditionalHeaders, h)
			}
		case "Signature":
			if len(val) != 64 {
				return a, fmt.Errorf("%w: Signature wants 64 hex digits", errBadAuth)
			}
			if _, err := hex.DecodeString(val); err != nil {
				return a, fmt.Errorf("%w: Signature wants 64 hex digits", errBadAuth)
			}
			a.Signature = val
		default:
			return a, fmt.Errorf("%w: unknown part %q", errBadAuth, name)
		}
	}
	if a.AccessKeyID == "" || a.Signature == "" {
		return a, fmt.Errorf("%w: Credential and Signature are required", errBadAuth)
	}
	return a, nil
}

// canonicalRequest rebuilds what the client signed, as OSS does: the method, "/bucket/key"
// escaped, the sorted query, the signed headers (x-oss-*, content-type, content-md5 and
// the additional ones), their names, and the payload hash the client declared.
func canonicalRequest(r *http.Request, bucket, key string, additional []string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	uri := "/"
	if bucket != "" {
		uri += bucket + "/" + key
	}
	b.WriteString(escapePath(uri) + "\n")

	query := strings.ReplaceAll(r.URL.RawQuery, "+", "%20")
	vals := map[string]string{}
	var names []string
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		names = append(names, k) // a repeated name is listed twice, as the SDK does
		vals[k] = v
	}
	sort.Strings(names)
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if vals[k] != "" {
			b.WriteString("=" + vals[k])
		}
	}
	b.WriteByte('\n')

	extra := map[string]bool{}
	for _, h := range additional {
		extra[h] = true
	}
	var signed []string
	for k := range r.Header {
		low := strings.ToLower(k)
		if strings.HasPrefix(low, "x-oss-") || low == "content-type" || low == "content-md5" || extra[low] {
			signed = append(signed, low)
		}
	}
	// Go's server moves Host out of the header map.
	if extra["host"] && r.Host != "" {
		signed = append(signed, "host")
	}
	sort.Strings(signed)
	for _, k := range signed {
		var vs []string
		if k == "host" {
			vs = []string{r.Host}
		} else {
			for _, v := range r.Header.Values(k) {
				vs = append(vs, strings.TrimSpace(v))
			}
		}
		b.WriteString(k + ":" + strings.Join(vs, ",") + "\n")
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(additional, ";") + "\n")
	payload := r.Header.Get("x-oss-content-sha256")
	if payload == "" {
		payload = unsignedPayload
	}
	b.WriteString(payload)
	return b.String()
}

func stringToSign(datetime, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return algorithmV4 + "\n" + datetime + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// signature derives the signing key from the secret and the scope, then signs.
func signature(secret, date, region, product, sts string) string {
	k := hmacSHA256([]byte("aliyun_v4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, product)
	k = hmacSHA256(k, "aliyun_v4_request")
	return hex.EncodeToString(hmacSHA256(k, sts))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// escapePath percent-encodes all but RFC 3986 unreserved characters and "/".
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
