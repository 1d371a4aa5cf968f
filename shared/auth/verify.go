package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"sgref/shared/ecsapi"
)

// DefaultWindow is how far a request's timestamp may be from the server's clock, past or
// future, as ECS allows.
const DefaultWindow = 15 * time.Minute

// Options configure a Verifier. The zero value is the production setting.
type Options struct {
	Window    time.Duration    // DefaultWindow when 0
	MaxNonces int              // DefaultMaxNonces when 0
	Now       func() time.Time // time.Now when nil; tests move the clock
	Log       *slog.Logger     // where a full nonce cache is reported; slog.Default() when nil
}

// Verifier checks ECS request signatures against a key table. It implements
// ecsapi.Authenticator and is safe for concurrent use. Its nonce cache is its own: the
// instances of a function do not share one, so a request replayed to another instance
// within the window is not caught (see the README).
type Verifier struct {
	keys     *Keys
	window   time.Duration
	now      func() time.Time
	nonces   *nonceCache
	log      *slog.Logger
	lastFull atomic.Int64 // Unix seconds of the last "nonce cache full" log line
}

var _ ecsapi.Authenticator = (*Verifier)(nil)

// New returns a Verifier of the keys in k.
func New(k *Keys, o Options) *Verifier {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Verifier{keys: k, window: o.Window, now: o.Now, nonces: newNonceCache(o.MaxNonces), log: o.Log}
}

// Messages of the refusals that add to the table's text.
const (
	msgIncomplete = "The request signature does not conform to Aliyun standards."
	msgMismatch   = "Specified signature is not matched with our calculation."
	// stringToSignIs ends a v1 mismatch message: the classic SDK compares what follows
	// with its own string to sign, to tell a wrong secret from a canonicalization bug.
	stringToSignIs = " server string to sign is:"
)

func incomplete(detail string) *ecsapi.Error {
	return ecsapi.WithMessage(ecsapi.CodeIncompleteSignature, msgIncomplete+" "+detail)
}

var errSTS = ecsapi.WithMessage(ecsapi.CodeInvalidParameter,
	`The specified parameter "SecurityToken" is not valid: STS tokens cannot be verified by this service; sign with an access key from its key table.`)

// Authenticate verifies the request's signature, v1 parameters or an ACS3 Authorization
// header, and returns the account its key acts as. The checks, in order: no parameter
// given twice (the verifier and the handler must read the same values), no STS token,
// a complete signature, a known key, a matching signature (and, for ACS3, body), a
// timestamp within the window, a fresh nonce.
func (v *Verifier) Authenticate(_ context.Context, req *ecsapi.Request, p ecsapi.Params) (ecsapi.Caller, error) {
	if dup := p.Repeated(); len(dup) > 0 {
		return ecsapi.Caller{}, ecsapi.WithMessage(ecsapi.CodeInvalidParameter,
			`The specified parameter "`+safeName(dup[0])+`" is given more than once; a signed request names each parameter once.`)
	}
	if hasSTS(req, p) {
		return ecsapi.Caller{}, errSTS
	}
	switch auth := req.Header["Authorization"]; {
	case len(auth) > 1:
		return ecsapi.Caller{}, incomplete("The request has more than one Authorization header.")
	case len(auth) == 1:
		return v.acs3(req, p, auth[0])
	}
	return v.v1(req, p)
}

func hasSTS(req *ecsapi.Request, p ecsapi.Params) bool {
	if _, ok := p.Lookup("SecurityToken"); ok {
		return true
	}
	if _, ok := p.Lookup("BearerToken"); ok || p.Get("SignatureType") == "BEARERTOKEN" {
		return true
	}
	return header(req, hdrSecurityToken) != "" || header(req, hdrBearerToken) != ""
}

// v1Params are the signature parameters of v1, every one required.
var v1Params = [...]string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "SignatureVersion", "Timestamp"}

func (v *Verifier) v1(req *ecsapi.Request, p ecsapi.Params) (ecsapi.Caller, error) {
	var missing []string
	for _, name := range v1Params {
		if p.Get(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) == len(v1Params) {
		return ecsapi.Caller{}, incomplete("The request is not signed: sign it with an access key (SignatureMethod HMAC-SHA1, SignatureVersion 1.0) or send an ACS3-HMAC-SHA256 Authorization header.")
	}
	if len(missing) > 0 {
		return ecsapi.Caller{}, incomplete("Missing: " + strings.Join(missing, ", ") + ".")
	}
	if p.Get("SignatureMethod") != "HMAC-SHA1" || p.Get("SignatureVersion") != "1.0" {
		return ecsapi.Caller{}, incomplete("SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.")
	}
	// v1 signs parameters only: the action must be one, not the x-acs-action header.
	if _, ok := p.Lookup("Action"); !ok {
		return ecsapi.Caller{}, incomplete("Missing: Action (a v1 signature covers parameters, not headers).")
	}
	id := p.Get("AccessKeyId")
	k, ok := v.keys.lookup(id)
	if !ok {
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeAccessKeyNotFound)
	}
	ts, err := time.Parse(time.RFC3339, p.Get("Timestamp"))
	if err != nil {
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "Timestamp")
	}
	pairs := make([]pair, 0, p.Len())
	p.Each(func(k, v string) {
		if k != "Signature" {
			pairs = append(pairs, pair{k, v})
		}
	})
	var buf [2048]byte
	sts := appendV1StringToSign(buf[:0], req.Method, pairs)
	mac := k.hmac1()
	mac.Write(sts)
	var sum [sha1.Size]byte
	want := mac.Sum(sum[:0])
	k.done1(mac)
	// A + left unencoded in a hand-built URL arrives as a space; base64 has none.
	var got [sha1.Size + 3]byte
	n, err := base64.StdEncoding.Decode(got[:], []byte(strings.ReplaceAll(p.Get("Signature"), " ", "+")))
	if err != nil || !hmac.Equal(got[:n], want) {
		return ecsapi.Caller{}, ecsapi.WithMessage(ecsapi.CodeSignatureDoesNotMatch, msgMismatch+stringToSignIs+string(sts))
	}
	return v.fresh(id, p.Get("SignatureNonce"), ts, k)
}

func (v *Verifier) acs3(req *ecsapi.Request, p ecsapi.Params, authz string) (ecsapi.Caller, error) {
	a, err := parseAuthorization(authz)
	if err != nil {
		return ecsapi.Caller{}, incomplete("The Authorization header is malformed: want ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<sorted lower-case names joined by ;>,Signature=<hex>.")
	}
	if a.Algorithm != acs3Algorithm {
		return ecsapi.Caller{}, incomplete("The signature algorithm must be " + acs3Algorithm + ".")
	}
	signed := func(name string) bool {
		for _, h := range a.SignedHeaders {
			if h == name {
				return true
			}
		}
		return false
	}
	for _, name := range [...]string{hdrHost, hdrContentSHA256, hdrDate, hdrNonce} {
		if !signed(name) {
			return ecsapi.Caller{}, incomplete("SignedHeaders must name host, x-acs-content-sha256, x-acs-date and x-acs-signature-nonce.")
		}
	}
	// Headers the handler reads must be signed when they are sent: the action, the
	// version, and the content type that decides whether the body is a form.
	for _, name := range [...]string{hdrAction, hdrVersion, hdrContentType} {
		if _, sent := req.Header[canonicalKey(name)]; sent && !signed(name) && (name != hdrContentType || len(req.Body) > 0) {
			return ecsapi.Caller{}, incomplete("The header " + name + " is sent but not signed.")
		}
	}
	for _, name := range a.SignedHeaders {
		if !present(req, name) {
			return ecsapi.Caller{}, incomplete("The signed header " + name + " is missing from the request.")
		}
	}
	nonce := header(req, hdrNonce)
	if nonce == "" {
		return ecsapi.Caller{}, incomplete("The header x-acs-signature-nonce is empty.")
	}
	k, ok := v.keys.lookup(a.Credential)
	if !ok {
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeAccessKeyNotFound)
	}
	ts, err := time.Parse(time.RFC3339, header(req, hdrDate))
	if err != nil {
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeInvalidParameter, hdrDate)
	}
	pairs, err := queryPairs(req.RawQuery)
	if err != nil { // ParseParams has refused it already; keep the check local anyway
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "QueryString")
	}
	sum := sha256.Sum256(req.Body)
	var bodyHash [2 * sha256.Size]byte
	hex.Encode(bodyHash[:], sum[:])
	// The canonical request ends with the hash the client claims, as darabonba-openapi
	// signs it; the claim is checked against the body once the signature holds.
	claimed := strings.TrimSpace(header(req, hdrContentSHA256))
	sts := acs3StringToSign(req, a.SignedHeaders, pairs, []byte(claimed))
	if !hmac.Equal([]byte(a.Signature), []byte(acs3Signature(k, sts))) {
		return ecsapi.Caller{}, ecsapi.WithMessage(ecsapi.CodeSignatureDoesNotMatch, msgMismatch+stringToSignIs+sts)
	}
	// The signature covers the header; the header must cover the body actually received.
	if !hmac.Equal([]byte(strings.ToLower(claimed)), bodyHash[:]) {
		return ecsapi.Caller{}, ecsapi.WithMessage(ecsapi.CodeSignatureDoesNotMatch, msgMismatch+" The x-acs-content-sha256 header does not match the request body.")
	}
	return v.fresh(a.Credential, nonce, ts, k)
}

// acs3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func acs3Signature(k *key, stringToSign string) string {
	mac := k.hmac256()
	mac.Write([]byte(stringToSign))
	var sum [sha256.Size]byte
	s := hex.EncodeToString(mac.Sum(sum[:0]))
	k.done256(mac)
	return s
}

// present reports whether the request carries header name (lower-case). The host is the
// one the client addressed.
func present(req *ecsapi.Request, name string) bool {
	if name == hdrHost {
		return req.Host != "" || len(req.Header["Host"]) > 0
	}
	_, ok := req.Header[canonicalKey(name)]
	return ok
}

// canonicalKeys are the canonical forms of the header names ACS3 requests sign, computed
// once: http.CanonicalHeaderKey allocates for every lower-case name.
var canonicalKeys = func() map[string]string {
	m := map[string]string{}
	for _, name := range []string{hdrHost, hdrContentType, hdrDate, hdrNonce, hdrContentSHA256, hdrAction, hdrVersion,
		hdrSecurityToken, hdrBearerToken, "x-acs-credentials-provider", "x-acs-accesskey-id", "x-acs-signature-type"} {
		m[name] = http.CanonicalHeaderKey(name)
	}
	return m
}()

// canonicalKey is the key of header name (lower-case) in an http.Header.
func canonicalKey(name string) string {
	if k, ok := canonicalKeys[name]; ok {
		return k
	}
	return http.CanonicalHeaderKey(name)
}

// header is the first value of header name (lower-case).
func header(req *ecsapi.Request, name string) string {
	if v := req.Header[canonicalKey(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// acs3StringToSign is "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)), the
// canonical request built as darabonba-openapi's GetAuthorization builds it:
//
//	METHOD \n / \n canonical query \n name:value\n per signed header \n signed;headers \n hex(SHA-256(body))
//
// Header values are trimmed; several values of one header are sorted and joined by ",".
func acs3StringToSign(req *ecsapi.Request, signedHeaders []string, pairs []pair, bodyHash []byte) string {
	b := make([]byte, 0, 1024)
	b = append(b, req.Method...)
	b = append(b, '\n')
	b = append(b, acs3CanonicalPath...)
	b = append(b, '\n')
	b = canonicalQuery(b, pairs)
	b = append(b, '\n')
	for _, name := range signedHeaders {
		b = append(b, name...)
		b = append(b, ':')
		b = appendHeaderValue(b, req, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	for i, name := range signedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, name...)
	}
	b = append(b, '\n')
	b = append(b, bodyHash...)
	sum := sha256.Sum256(b)
	out := make([]byte, 0, len(acs3Algorithm)+1+2*sha256.Size)
	out = append(out, acs3Algorithm...)
	out = append(out, '\n')
	out = hex.AppendEncode(out, sum[:])
	return string(out)
}

func appendHeaderValue(b []byte, req *ecsapi.Request, name string) []byte {
	var vals []string
	if name == hdrHost && req.Host != "" {
		vals = []string{req.Host}
	} else {
		vals = req.Header[canonicalKey(name)]
	}
	if len(vals) == 1 {
		return append(b, strings.TrimSpace(vals[0])...)
	}
	trimmed := make([]string, len(vals))
	for i, v := range vals {
		trimmed[i] = strings.TrimSpace(v)
	}
	slices.Sort(trimmed)
	return append(b, strings.Join(trimmed, ",")...)
}

// fresh checks the timestamp window and spends the nonce: the last checks, made only for
// a request whose signature verified, so that only key holders can fill the cache.
func (v *Verifier) fresh(id, nonce string, ts time.Time, k *key) (ecsapi.Caller, error) {
	now := v.now()
	if d := now.Sub(ts); d > v.window || d < -v.window {
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeTimestampExpired)
	}
	// Live while a replay could still pass the window check: until ts+window, rounded up.
	expiry := ts.Add(v.window).Unix() + 1
	switch err := v.nonces.use(id, nonce, expiry, now.Unix()); err {
	case errNonceUsed:
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeNonceUsed)
	case errNonceFull:
		if last := v.lastFull.Load(); now.Unix()-last >= 60 && v.lastFull.CompareAndSwap(last, now.Unix()) {
			v.log.Warn("nonce cache full: refusing signed requests with Throttling until nonces expire", "max", v.nonces.max)
		}
		return ecsapi.Caller{}, ecsapi.Errorf(ecsapi.CodeThrottling)
	}
	return ecsapi.Caller{AccountID: k.account, Accounts: k.accounts}, nil
}

// safeName shortens a client-supplied parameter name before it is echoed in a message.
func safeName(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "?")
}
