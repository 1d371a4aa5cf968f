// Package auth verifies ECS request signatures for sgref: the key table (access key ID,
// secret, the account the key acts as), the two signature schemes the Alibaba Cloud SDKs
// use (v1 HMAC-SHA1 parameters, as the classic SDK signs, and the ACS3-HMAC-SHA256
// Authorization header of the generated SDKs), the 15-minute timestamp window and a
// per-instance cache of the nonces already seen. A Verifier is an ecsapi.Authenticator:
// the Caller it returns carries the key's account, which the API uses to scope what the
// request may see.
//
//	keys, err := auth.LoadKeys(os.Getenv("SGREF_ACCESS_KEYS")) // file:PATH or the JSON itself
//	h := ecsapi.NewHandler(p, ecsapi.Options{Auth: auth.New(keys, auth.Options{})})
//
// Secrets never leave the key table: no error, log line or answer of this package shows
// one, and the key table's own errors name entries by index, never by value.
package auth
