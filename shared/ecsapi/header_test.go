package ecsapi

import (
	"fmt"
	"maps"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzCanonicalKey: the remembered form of a header name is always the library's, the
// first time and after (made-up names past the limit included).
func FuzzCanonicalKey(f *testing.F) {
	for _, name := range []string{"accept", "Accept", "x-forwarded-proto", "X-FORWARDED-PROTO", "content-type",
		"bad key", "x_amz", "ümlaut", "", "-", "a--b", "x-acs-signature-nonce", "Host", "host"} {
		f.Add(name)
	}
	for i := range maxCanonicalKeys + 10 { // fill the memory past its limit
		name := fmt.Sprintf("x-made-up-%d", i)
		for range 2 {
			if got, want := canonicalKey(name), textproto.CanonicalMIMEHeaderKey(name); got != want {
				f.Fatalf("canonicalKey(%q) = %q, want %q", name, got, want)
			}
		}
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := textproto.CanonicalMIMEHeaderKey(name)
		for range 2 {
			if got := canonicalKey(name); got != want {
				t.Fatalf("canonicalKey(%q) = %q, want %q", name, got, want)
			}
		}
	})
}

// FuzzQueryFromMaps: the query is what url.Values.Encode writes for the same parameters.
// Each input is a list of key=value pairs, one a line.
func FuzzQueryFromMaps(f *testing.F) {
	f.Add("Action=X\nTag.1.Value=a b&c", "")
	f.Add("K=1", "K=2\nK=3")
	f.Add("A=1\n=\n=x", "B=2\nB=\nC")
	f.Add("é=ü\n%=+", "a/b=?#")
	f.Fuzz(func(t *testing.T, singles, multis string) {
		single := map[string]string{}
		for _, line := range strings.Split(singles, "\n") {
			k, v, _ := strings.Cut(line, "=")
			single[k] = v
		}
		multi := map[string][]string{}
		for _, line := range strings.Split(multis, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				multi[k] = append(multi[k], v)
			} else {
				multi[k] = []string{} // a key with no values left
			}
		}
		want := url.Values{}
		for k, v := range single {
			want.Set(k, v)
		}
		for k, vs := range multi {
			want[k] = vs
		}
		if got := QueryFromMaps(single, multi); got != want.Encode() {
			t.Fatalf("QueryFromMaps = %q, url.Values.Encode = %q", got, want.Encode())
		}
	})
}

// FuzzHeaderFromMaps: the header is what http.Header's Set, Del and Add build from the
// same maps. Each input is a list of name: value lines; inputs with two names of one
// canonical form in one map are skipped (the order of a map's range decides those).
func FuzzHeaderFromMaps(f *testing.F) {
	f.Add("accept: */*\nhost: a.example", "")
	f.Add("Accept: */*\nHost: a.example\nX-Forwarded-Proto: https", "Accept: */*\nHost: a.example\nX-Forwarded-Proto: https")
	f.Add("x-acs-action: A\nb: 1", "X-Acs-Action: B\nX-Acs-Action: C\nb")
	f.Add("bad key: 1\nx_y: 2", "Host: m.example")
	f.Fuzz(func(t *testing.T, singles, multis string) {
		seen := map[string]bool{}
		single := map[string]string{}
		for _, line := range strings.Split(singles, "\n") {
			k, v, _ := strings.Cut(line, ": ")
			if _, dup := single[k]; !dup && seen[textproto.CanonicalMIMEHeaderKey(k)] {
				return
			}
			seen[textproto.CanonicalMIMEHeaderKey(k)] = true
			single[k] = v
		}
		clear(seen)
		multi := map[string][]string{}
		for _, line := range strings.Split(multis, "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if _, dup := multi[k]; !dup && seen[textproto.CanonicalMIMEHeaderKey(k)] {
				return
			}
			seen[textproto.CanonicalMIMEHeaderKey(k)] = true
			if ok {
				multi[k] = append(multi[k], v)
			} else {
				multi[k] = []string{} // a name with no values left
			}
		}
		want := http.Header{}
		for k, v := range single {
			want.Set(k, v)
		}
		for k, vs := range multi {
			want.Del(k)
			for _, v := range vs {
				want.Add(k, v)
			}
		}
		got, host := HeaderFromMaps(single, multi, "fallback.example")
		wantHost := want.Get("Host")
		if wantHost == "" {
			wantHost = "fallback.example"
		}
		if !maps.EqualFunc(got, want, slices.Equal) || host != wantHost {
			t.Fatalf("HeaderFromMaps = %q, %q; http.Header's methods give %q, %q", got, host, want, wantHost)
		}
	})
}
