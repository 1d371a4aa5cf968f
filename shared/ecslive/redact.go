package ecslive

import (
	"regexp"
	"strings"
	"sync"
)

// The SDK's errors quote the whole signed request URL (a failed connection prints it),
// and with it the AccessKeyId, the STS token and the signature. Every error leaving this
// package goes through redact first, so that no log line carries them.

// secretParams matches a credential-bearing query parameter or header value, however
// the SDK spelled it: raw, URL-encoded once or twice.
var secretParams = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(AccessKeyId|SecurityToken|Signature|SignatureNonce|AccessKeySecret|Credential|x-acs-security-token)((?:=|%3D|%253D|:\s*)["']?)([^&\s"',;]*)`)
}) // compiled on first use: a cold start that never redacts does not pay for it

// keyPrefix is how much of an AccessKeyId survives: enough to tell keys apart, as the
// console shows them.
const keyPrefix = 4

// redactString replaces secrets in s: an AccessKeyId (or an ACS3 Credential) keeps a
// short prefix, everything else is dropped.
func redactString(s string) string {
	return secretParams().ReplaceAllStringFunc(s, func(m string) string {
		sub := secretParams().FindStringSubmatch(m)
		name, sep, val := sub[1], sub[2], sub[3]
		if val == "" {
			return m
		}
		kept := ""
		if n := strings.ToLower(name); (n == "accesskeyid" || n == "credential") && len(val) > keyPrefix {
			kept = val[:keyPrefix]
		}
		return name + sep + kept + "***"
	})
}

// redacted is an error whose message has its secrets removed. It unwraps to the original,
// so that errors.As still finds the SDK's error types (retryable needs them); only its
// message is safe to print.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// redact returns err with its message cleaned; nil stays nil.
func redact(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*redacted); ok {
		return err
	}
	return &redacted{msg: redactString(err.Error()), err: err}
}
