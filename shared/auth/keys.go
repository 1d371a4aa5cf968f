package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Limits of the key table.
const (
	MinSecretLen    = 16      // shorter secrets are refused
	maxSecretLen    = 1024    // longer ones are surely a mistake
	maxIDLen        = 128     // access key IDs and AliUids
	maxKeyTableSize = 1 << 20 // bytes of the JSON document
)

// Keys is the key table: which access keys may sign requests, and the account each acts
// as. It is immutable once loaded and safe for concurrent use. Printing it shows only its
// size.
type Keys struct {
	byID     map[string]*key
	accounts int
}

// key is one access key. The secret stays here.
type key struct {
	account  string
	accounts []string // every account the key acts for, when more than one (AliUids)
	secret   []byte   // the ACS3 HMAC key
	v1       []byte   // the v1 HMAC key: secret + "&"

	// Keyed HMACs, reset between uses: making one costs more than a short message's MAC.
	pool1, pool256 sync.Pool
}

func (k *key) hmac1() hash.Hash {
	if h, ok := k.pool1.Get().(hash.Hash); ok {
		return h
	}
	return hmac.New(sha1.New, k.v1)
}

func (k *key) done1(h hash.Hash) { h.Reset(); k.pool1.Put(h) }

func (k *key) hmac256() hash.Hash {
	if h, ok := k.pool256.Get().(hash.Hash); ok {
		return h
	}
	return hmac.New(sha256.New, k.secret)
}

func (k *key) done256(h hash.Hash) { h.Reset(); k.pool256.Put(h) }

// Len is the number of access keys.
func (k *Keys) Len() int { return len(k.byID) }

// Accounts is the number of distinct accounts the keys act as.
func (k *Keys) Accounts() int { return k.accounts }

// String describes the table without a key ID or secret.
func (k *Keys) String() string {
	return fmt.Sprintf("key table of %d access keys for %d accounts", k.Len(), k.Accounts())
}

// GoString is String, so that %#v prints no secret either.
func (k *Keys) GoString() string { return k.String() }

func (k *Keys) lookup(id string) (*key, bool) {
	e, ok := k.byID[id]
	return e, ok
}

// LoadKeys reads the key table spec names: "file:PATH", or the JSON document itself
// (what SGREF_ACCESS_KEYS holds). Its errors never quote the spec, which may hold secrets.
func LoadKeys(spec string) (*Keys, error) {
	trimmed := strings.TrimSpace(spec)
	switch {
	case strings.HasPrefix(trimmed, "file:"):
		path := strings.TrimPrefix(trimmed, "file:")
		if path == "" {
			return nil, errors.New("file: names no path")
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read key table: %w", err)
		}
		defer f.Close()
		doc, err := io.ReadAll(io.LimitReader(f, maxKeyTableSize+1))
		if err != nil {
			return nil, fmt.Errorf("read key table %s: %w", path, err)
		}
		k, err := ParseKeys(doc)
		if err != nil {
			return nil, fmt.Errorf("key table %s: %w", path, err)
		}
		return k, nil
	case strings.HasPrefix(trimmed, "{"):
		return ParseKeys([]byte(trimmed))
	case trimmed == "":
		return nil, errors.New("no key table: want file:PATH or the JSON document {\"AccessKeys\":[...]}")
	}
	return nil, errors.New("want file:PATH or the JSON document {\"AccessKeys\":[...]} (the value is not shown: it may hold a secret)")
}

// ParseKeys decodes a key table:
//
//	{"AccessKeys":[{"AccessKeyId":"…","AccessKeySecret":"…","AliUid":"123"},
//	               {"AccessKeyId":"…","AccessKeySecret":"…","AliUids":["123","456"]}]}
//
// Every entry needs an ID of letters, digits and - _ . ~ (at most 128), a secret of at
// least MinSecretLen characters without surrounding white space, and the account (AliUid)
// the key acts as, or the accounts (AliUids, an organisation's security team's key), or
// both (AliUid first). IDs are unique. Errors name entries by index and
// fields by name, never by value.
func ParseKeys(doc []byte) (*Keys, error) {
	if len(doc) > maxKeyTableSize {
		return nil, fmt.Errorf("the key table is over %d bytes", maxKeyTableSize)
	}
	var top map[string]json.RawMessage
	if err := decodeStrict(doc, &top); err != nil {
		return nil, err
	}
	for name := range top {
		if name != "AccessKeys" {
			return nil, errors.New(`unknown top-level field: want only "AccessKeys"`)
		}
	}
	raw, ok := top["AccessKeys"]
	if !ok {
		return nil, errors.New(`no "AccessKeys" list`)
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, errors.New(`"AccessKeys": want a list of objects`)
	}
	if len(entries) == 0 {
		return nil, errors.New(`"AccessKeys" is empty: a table without keys would refuse every request`)
	}
	k := &Keys{byID: make(map[string]*key, len(entries))}
	index := make(map[string]int, len(entries))
	accounts := map[string]bool{}
	for i, e := range entries {
		where := fmt.Sprintf("AccessKeys[%d]", i)
		if e == nil {
			return nil, fmt.Errorf("%s: want an object", where)
		}
		for name := range e {
			switch name {
			case "AccessKeyId", "AccessKeySecret", "AliUid", "AliUids":
			default:
				return nil, fmt.Errorf("%s: unknown field (want AccessKeyId, AccessKeySecret, AliUid, AliUids)", where)
			}
		}
		var uids []string
		if v, ok := e["AliUids"]; ok {
			if err := json.Unmarshal(v, &uids); err != nil || len(uids) == 0 {
				return nil, fmt.Errorf("%s.AliUids: want a non-empty list of account IDs", where)
			}
			if _, ok := e["AliUid"]; !ok {
				e["AliUid"], _ = json.Marshal(uids[0])
			}
		}
		var f [3]string
		for j, name := range []string{"AccessKeyId", "AccessKeySecret", "AliUid"} {
			v, ok := e[name]
			if !ok {
				return nil, fmt.Errorf("%s: no %s", where, name)
			}
			if err := json.Unmarshal(v, &f[j]); err != nil {
				return nil, fmt.Errorf("%s.%s: want a string", where, name)
			}
		}
		id, secret, account := f[0], f[1], f[2]
		switch {
		case id == "" || len(id) > maxIDLen || !isUnreservedString(id):
			return nil, fmt.Errorf("%s.AccessKeyId: want 1 to %d letters, digits, '-', '_', '.' or '~'", where, maxIDLen)
		case len(secret) < MinSecretLen:
			return nil, fmt.Errorf("%s.AccessKeySecret: too short, want at least %d characters (openssl rand -base64 30 makes one)", where, MinSecretLen)
		case len(secret) > maxSecretLen:
			return nil, fmt.Errorf("%s.AccessKeySecret: over %d characters", where, maxSecretLen)
		case strings.TrimSpace(secret) != secret:
			return nil, fmt.Errorf("%s.AccessKeySecret: has leading or trailing white space", where)
		case account == "" || len(account) > maxIDLen || strings.IndexFunc(account, notPrintable) >= 0:
			return nil, fmt.Errorf("%s.AliUid: want the account ID, 1 to %d printable characters without spaces", where, maxIDLen)
		}
		var all []string
		if uids != nil {
			all = append(all, account)
			for j, u := range uids {
				if u == "" || len(u) > maxIDLen || strings.IndexFunc(u, notPrintable) >= 0 {
					return nil, fmt.Errorf("%s.AliUids[%d]: want the account ID, 1 to %d printable characters without spaces", where, j, maxIDLen)
				}
				if !slices.Contains(all, u) {
					all = append(all, u)
				}
			}
			if len(all) == 1 {
				all = nil
			}
		}
		if j, dup := index[id]; dup {
			return nil, fmt.Errorf("%s.AccessKeyId: the same as AccessKeys[%d]", where, j)
		}
		index[id] = i
		accounts[account] = true
		for _, a := range all {
			accounts[a] = true
		}
		k.byID[id] = &key{account: account, accounts: all, secret: []byte(secret), v1: []byte(secret + "&")}
	}
	k.accounts = len(accounts)
	return k, nil
}

// decodeStrict decodes one JSON value and nothing after it. Its errors give positions,
// never the text around them.
func decodeStrict(doc []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("not valid JSON (at byte %d)", se.Offset)
		case errors.As(err, &te):
			return errors.New("want a JSON object")
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("not valid JSON (it ends too early)")
		}
		return errors.New("not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("not valid JSON (data after the document)")
	}
	if v, ok := v.(*map[string]json.RawMessage); ok && *v == nil {
		return errors.New("want a JSON object")
	}
	return nil
}

func notPrintable(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' }

// isUnreservedString reports whether s holds only RFC 3986 unreserved characters, which
// every signature scheme carries unencoded.
func isUnreservedString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return false
		}
	}
	return true
}
