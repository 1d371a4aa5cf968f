package auth_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sgref/shared/auth"
)

// secretLike is in every bad table below where a value could leak: no error may show it.
const secretLike = "S3CRET-never-shown-0123456789"

func TestParseKeys(t *testing.T) {
	entry := func(id, secret, uid string) string {
		return fmt.Sprintf(`{"AccessKeyId":%q,"AccessKeySecret":%q,"AliUid":%q}`, id, secret, uid)
	}
	good := entry("key-1", secretLike, "123")
	tests := []struct {
		name, doc, want string // want: a part of the error, "" for none
	}{
		{"one key", `{"AccessKeys":[` + good + `]}`, ""},
		{"two accounts", `{"AccessKeys":[` + good + `,` + entry("key-2", secretLike, "456") + `]}`, ""},
		{"not JSON", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":` + secretLike + `}]}`, "not valid JSON (at byte"},
		{"cut short", `{"AccessKeys":[` + good, "not valid JSON"},
		{"trailing data", `{"AccessKeys":[` + good + `]} ` + secretLike, "data after the document"},
		{"a list", `[` + good + `]`, "want a JSON object"},
		{"null", `null`, "want a JSON object"},
		{"unknown top-level field", `{"AccessKeys":[` + good + `],"` + secretLike + `":1}`, "unknown top-level field"},
		{"no list", `{}`, `no "AccessKeys"`},
		{"list of strings", `{"AccessKeys":["` + secretLike + `"]}`, "want a list of objects"},
		{"empty list", `{"AccessKeys":[]}`, "is empty"},
		{"null entry", `{"AccessKeys":[null]}`, "AccessKeys[0]: want an object"},
		{"unknown field", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"x","AliUid":"1","` + secretLike + `":"x"}]}`, "AccessKeys[0]: unknown field"},
		{"no ID", `{"AccessKeys":[{"AccessKeySecret":"` + secretLike + `","AliUid":"1"}]}`, "AccessKeys[0]: no AccessKeyId"},
		{"no secret", `{"AccessKeys":[{"AccessKeyId":"k","AliUid":"1"}]}`, "AccessKeys[0]: no AccessKeySecret"},
		{"no account", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `"}]}`, "AccessKeys[0]: no AliUid"},
		{"secret not a string", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":12345678901234567890,"AliUid":"1"}]}`, "AccessKeys[0].AccessKeySecret: want a string"},
		{"empty ID", `{"AccessKeys":[` + entry("", secretLike, "1") + `]}`, "AccessKeys[0].AccessKeyId"},
		{"ID with a comma", `{"AccessKeys":[` + entry("a,"+secretLike, secretLike, "1") + `]}`, "AccessKeys[0].AccessKeyId"},
		{"ID too long", `{"AccessKeys":[` + entry(strings.Repeat("k", 129), secretLike, "1") + `]}`, "AccessKeys[0].AccessKeyId"},
		{"short secret", `{"AccessKeys":[` + good + `,` + entry("key-2", "S3CRET-short", "1") + `]}`, "AccessKeys[1].AccessKeySecret: too short"},
		{"secret with spaces around", `{"AccessKeys":[` + entry("k", " "+secretLike, "1") + `]}`, "white space"},
		{"empty account", `{"AccessKeys":[` + entry("k", secretLike, "") + `]}`, "AccessKeys[0].AliUid"},
		{"account with a space", `{"AccessKeys":[` + entry("k", secretLike, "12 3") + `]}`, "AccessKeys[0].AliUid"},
		{"repeated ID", `{"AccessKeys":[` + good + `,` + entry("key-2", secretLike, "1") + `,` + good + `]}`, "AccessKeys[2].AccessKeyId: the same as AccessKeys[0]"},
		{"several accounts", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `","AliUids":["1","2"]}]}`, ""},
		{"one account and several", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `","AliUid":"1","AliUids":["2"]}]}`, ""},
		{"empty AliUids", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `","AliUids":[]}]}`, "AccessKeys[0].AliUids: want a non-empty list"},
		{"AliUids not a list", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `","AliUids":"1"}]}`, "AccessKeys[0].AliUids"},
		{"AliUids with a space", `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"` + secretLike + `","AliUids":["1","2 3"]}]}`, "AccessKeys[0].AliUids[1]"},
		{"over 1 MiB", `{"AccessKeys":[` + good + `]}` + strings.Repeat(" ", 1<<20), "over 1048576 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := auth.ParseKeys([]byte(tc.doc))
			if tc.want == "" {
				if err != nil || k.Len() == 0 {
					t.Fatalf("ParseKeys: %v", err)
				}
				if s := fmt.Sprintf("%v %+v %#v %s", k, k, k, k); strings.Contains(s, secretLike) || strings.Contains(s, "key-1") {
					t.Errorf("the table prints a key: %s", s)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseKeys accepted it, want an error with %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %q, want %q in it", err, tc.want)
			}
			if strings.Contains(err.Error(), "S3CRET") {
				t.Errorf("err %q shows a secret", err)
			}
		})
	}
}

func TestLoadKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	if err := os.WriteFile(path, []byte(keyTable), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-short","AliUid":"1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"file:" + path, keyTable, "  " + keyTable + "\n"} {
		if k, err := auth.LoadKeys(spec); err != nil || k.Len() != 2 || k.Accounts() != 2 {
			t.Errorf("LoadKeys(%.20q): %v, %v", spec, k, err)
		}
	}
	for spec, want := range map[string]string{
		"":                         "no key table",
		"file:":                    "names no path",
		"file:" + dir + "/missing": "no such file",
		"file:" + bad:              "bad.json: AccessKeys[0].AccessKeySecret: too short",
		"S3CRET-pasted-alone":      "want file:PATH or the JSON document",
		path:                       "want file:PATH or the JSON document", // a bare path is not taken
	} {
		_, err := auth.LoadKeys(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadKeys(%q): %v, want %q", spec, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("LoadKeys(%q): %q shows a secret", spec, err)
		}
	}
}

// FuzzParseKeys: the key table parser never panics, and a table it accepts has keys.
func FuzzParseKeys(f *testing.F) {
	f.Add(`{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"0123456789abcdef","AliUid":"1"}]}`)
	f.Add(`{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"0123456789abcdef","AliUids":["1","2"]}]}`)
	f.Add(`{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"0123456789abcdef","AliUid":"1","AliUids":[]}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		k, err := auth.ParseKeys([]byte(doc))
		if err == nil && k.Len() == 0 {
			t.Errorf("ParseKeys(%q) accepted a table without keys", doc)
		}
	})
}
