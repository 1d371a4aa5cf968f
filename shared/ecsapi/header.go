package ecsapi

import (
	"net/http"
	"net/url"
)

// HeaderFromMaps builds a request's header from the maps a platform's event carries it
// in: single values, and repeated values that take a key's place. host is the Host
// header, or fallbackHost when there is none (a platform that names its domain elsewhere).
func HeaderFromMaps(single map[string]string, multi map[string][]string, fallbackHost string) (hdr http.Header, host string) {
	hdr = make(http.Header, len(single)+len(multi))
	for k, v := range single {
		hdr.Set(k, v)
	}
	for k, vs := range multi {
		hdr.Del(k)
		for _, v := range vs {
			hdr.Add(k, v)
		}
	}
	host = hdr.Get("Host")
	if host == "" {
		host = fallbackHost
	}
	return hdr, host
}

// QueryFromMaps encodes again the query parameters a platform hands over decoded, single
// values and repeated ones (which take a key's place).
func QueryFromMaps(single map[string]string, multi map[string][]string) string {
	q := make(url.Values, len(single)+len(multi))
	for k, v := range single {
		q.Set(k, v)
	}
	for k, vs := range multi {
		q[k] = vs
	}
	return q.Encode()
}
