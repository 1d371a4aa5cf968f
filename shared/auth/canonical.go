package auth

import (
	"errors"
	"sgref/shared/ecsapi"
	"slices"
	"strings"
)

const upperhex = "0123456789ABCDEF"

// unreserved reports whether b is an RFC 3986 unreserved character: the only bytes both
// signature schemes leave unencoded.
func unreserved(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.' || b == '~'
}

// appendEncoded appends s percent-encoded as the Alibaba Cloud signers do: url.QueryEscape
// with "+" replaced by "%20", "*" by "%2A" and "%7E" by "~", which is every byte but the
// unreserved ones as %XY (upper-case hex).
func appendEncoded(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

// pair is one decoded parameter.
type pair struct{ k, v string }

// canonicalQuery appends the pairs sorted by key (bytewise) as k=v joined by &, keys and
// values percent-encoded. The pairs are sorted in place.
func canonicalQuery(b []byte, pairs []pair) []byte {
	slices.SortFunc(pairs, func(x, y pair) int { return strings.Compare(x.k, y.k) })
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendEncoded(b, p.k)
		b = append(b, '=')
		b = appendEncoded(b, p.v)
	}
	return b
}

// appendEncodedTwice appends percentEncode(percentEncode(s)) in one pass: an unreserved
// byte stays, any other becomes %25XY (its %XY, whose % is encoded again).
func appendEncodedTwice(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', '2', '5', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

// appendV1StringToSign appends METHOD&%2F&percentEncode(canonical query of every
// parameter but Signature), what the classic SDK's buildRpcStringToSign computes from the
// decoded parameters. The pairs are sorted in place.
func appendV1StringToSign(b []byte, method string, pairs []pair) []byte {
	slices.SortFunc(pairs, func(x, y pair) int { return strings.Compare(x.k, y.k) })
	b = append(b, method...)
	b = append(b, "&%2F&"...)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, "%26"...) // &
		}
		b = appendEncodedTwice(b, p.k)
		b = append(b, "%3D"...) // =
		b = appendEncodedTwice(b, p.v)
	}
	return b
}

// v1StringToSign is appendV1StringToSign as a string.
func v1StringToSign(method string, pairs []pair) string {
	return string(appendV1StringToSign(make([]byte, 0, 1024), method, pairs))
}

// queryPairs decodes a raw query string as the API reads it (ecsapi.SplitForm).
func queryPairs(raw string) ([]pair, error) {
	pairs := make([]pair, 0, 16)
	err := ecsapi.SplitForm(raw, func(k, v string) error {
		pairs = append(pairs, pair{k, v})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

// Names of the ACS3 scheme.
const (
	acs3Algorithm     = "ACS3-HMAC-SHA256"
	hdrDate           = "x-acs-date"
	hdrNonce          = "x-acs-signature-nonce"
	hdrContentSHA256  = "x-acs-content-sha256"
	hdrAction         = "x-acs-action"
	hdrVersion        = "x-acs-version"
	hdrSecurityToken  = "x-acs-security-token"
	hdrBearerToken    = "x-acs-bearer-token"
	maxAuthorization  = 4096
	maxSignedHeaders  = 64
	acs3SignatureLen  = 64 // hex SHA-256
	hdrHost           = "host"
	hdrContentType    = "content-type"
	acs3CanonicalPath = "/" // RPC style: every action is served at /
)

// authorization is a parsed ACS3 Authorization header.
type authorization struct {
	Algorithm     string
	Credential    string   // the access key ID
	SignedHeaders []string // lower-case, strictly ascending
	Signature     string   // hex, lower-cased
}

var errAuthorization = errors.New("malformed Authorization header")

// parseAuthorization reads "ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex",
// as darabonba-openapi's GetAuthorization writes it (spaces after the commas are
// tolerated). Each field appears once; the signed header names are lower-case HTTP
// tokens, sorted and unique, as the signer sorts them.
func parseAuthorization(s string) (authorization, error) {
	var a authorization
	if len(s) > maxAuthorization {
		return a, errAuthorization
	}
	alg, rest, ok := strings.Cut(s, " ")
	if !ok || alg == "" {
		return a, errAuthorization
	}
	a.Algorithm = alg
	var haveCred, haveHeaders, haveSig bool
	for rest != "" {
		var field string
		field, rest, _ = strings.Cut(rest, ",")
		field = strings.TrimLeft(field, " ")
		name, value, ok := strings.Cut(field, "=")
		if !ok || value == "" {
			return a, errAuthorization
		}
		switch name {
		case "Credential":
			if haveCred || !isUnreservedString(value) {
				return a, errAuthorization
			}
			a.Credential, haveCred = value, true
		case "SignedHeaders":
			if haveHeaders {
				return a, errAuthorization
			}
			haveHeaders = true
			for h := range strings.SplitSeq(value, ";") {
				if h == "" || !isLowerToken(h) || len(a.SignedHeaders) == maxSignedHeaders {
					return a, errAuthorization
				}
				if n := len(a.SignedHeaders); n > 0 && a.SignedHeaders[n-1] >= h {
					return a, errAuthorization // unsorted or repeated
				}
				a.SignedHeaders = append(a.SignedHeaders, h)
			}
		case "Signature":
			if haveSig || len(value) != acs3SignatureLen || !isHex(value) {
				return a, errAuthorization
			}
			a.Signature, haveSig = strings.ToLower(value), true
		default:
			return a, errAuthorization
		}
	}
	if !haveCred || !haveHeaders || !haveSig {
		return a, errAuthorization
	}
	return a, nil
}

// isLowerToken reports whether s is an HTTP token (RFC 9110) without upper-case letters.
func isLowerToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
