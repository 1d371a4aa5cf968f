package ecsapi

import (
	"maps"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// HeaderFromMaps builds a request's header from the maps a platform's event carries it
// in: single values, and repeated values that take a key's place. host is the Host
// header, or fallbackHost when there is none (a platform that names its domain elsewhere).
// It is http.Header's Set of each single value, then Del and Add of each repeated key,
// built without the work the repeated values undo (API Gateway v1 sends every header in
// both maps) and with every value slice cut from one array: a warm invocation builds it
// every time.
func HeaderFromMaps(single map[string]string, multi map[string][]string, fallbackHost string) (hdr http.Header, host string) {
	hdr = make(http.Header, max(len(single), len(multi)))
	n := len(single)
	for _, vs := range multi {
		n += len(vs)
	}
	vals := make([]string, 0, n)
	removed := false
	for k, vs := range multi {
		ck := canonicalKey(k)
		if len(vs) == 0 {
			hdr[ck] = nil // no value: the key goes, single value included
			removed = true
			continue
		}
		start := len(vals)
		vals = append(vals, vs...)
		hdr[ck] = vals[start:len(vals):len(vals)]
	}
	for k, v := range single {
		ck := canonicalKey(k)
		if len(multi) > 0 {
			if _, replaced := hdr[ck]; replaced {
				continue
			}
		}
		vals = append(vals, v)
		hdr[ck] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	if removed {
		for k, vs := range hdr {
			if vs == nil {
				delete(hdr, k)
			}
		}
	}
	host = hdr.Get("Host")
	if host == "" {
		host = fallbackHost
	}
	return hdr, host
}

// headerValue is h.Get(key) for a key already in canonical form: a map index, where Get
// canonicalises the key again on every request.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// canonicalKey is textproto.CanonicalMIMEHeaderKey(name), remembered for the names seen in
// another form: API Gateway v2 and Function URLs send every name in lower case, and a
// look-up costs less than canonicalising (and copying) each again on every invocation.
// At most maxCanonicalKeys names are remembered, so that made-up names cannot grow it.
func canonicalKey(name string) string {
	if m := canonicalKeys.Load(); m != nil {
		if c, ok := (*m)[name]; ok {
			return c
		}
	}
	c := textproto.CanonicalMIMEHeaderKey(name)
	if c != name {
		rememberCanonical(name, c)
	}
	return c
}

const maxCanonicalKeys = 256

var (
	canonicalKeys  atomic.Pointer[map[string]string] // replaced, never changed
	canonicalMutex sync.Mutex
)

func rememberCanonical(name, canonical string) {
	canonicalMutex.Lock()
	defer canonicalMutex.Unlock()
	var old map[string]string
	if m := canonicalKeys.Load(); m != nil {
		old = *m
	}
	if len(old) >= maxCanonicalKeys {
		return
	}
	m := make(map[string]string, len(old)+1)
	maps.Copy(m, old)
	m[strings.Clone(name)] = canonical // name may share the bytes of a whole event
	canonicalKeys.Store(&m)
}

// QueryFromMaps encodes again the query parameters a platform hands over decoded, single
// values and repeated ones (which take a key's place). It writes what url.Values.Encode
// writes for the url.Values those make (keys sorted, each key and value escaped by
// url.QueryEscape) without building that url.Values first.
func QueryFromMaps(single map[string]string, multi map[string][]string) string {
	keys := make([]string, 0, len(single)+len(multi))
	n := 0
	for k, v := range single {
		if _, replaced := multi[k]; !replaced {
			keys = append(keys, k)
			n += len(k) + len(v) + 2
		}
	}
	for k, vs := range multi {
		keys = append(keys, k)
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n) // enough unless something needs escaping
	add := func(key, value string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(value))
	}
	for _, k := range keys {
		ek := url.QueryEscape(k)
		if vs, ok := multi[k]; ok {
			for _, v := range vs {
				add(ek, v)
			}
		} else {
			add(ek, single[k])
		}
	}
	return b.String()
}
