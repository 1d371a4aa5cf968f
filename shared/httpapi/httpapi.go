package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"strconv"
	"time"

	"sgref/shared/ecsapi"
)

// Handler adapts an ecsapi.Handler to net/http; the API logs one line per request to Log.
type Handler struct {
	API *ecsapi.Handler
	Log *slog.Logger
	// Attrs are the request's own attributes, first on its log line (an FC custom
	// runtime: the platform and FC's request ID); nil: the remote address.
	Attrs func(r *http.Request) []slog.Attr
}

// ServeHTTP decodes the request, serves it and writes the envelope.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Read one byte past the limit so the core sees an oversized body and refuses it.
	var body []byte
	if r.Body != http.NoBody { // a GET has none: no buffer for it
		var err error
		if body, err = io.ReadAll(io.LimitReader(r.Body, ecsapi.MaxParamBytes+1)); err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
	}
	resp := h.API.Serve(r.Context(), &ecsapi.Request{
		Method:   r.Method,
		Host:     r.Host,
		Header:   r.Header,
		RawQuery: r.URL.RawQuery,
		Body:     body,
		Log:      ecsapi.RequestLog{Logger: h.Log, Attrs: h.attrs(r), Start: start},
	})
	Write(w, resp)
}

// Write sends resp: headers first, then status, then body.
func Write(w http.ResponseWriter, resp *ecsapi.Response) {
	hdr := w.Header()
	// One backing array for the values; the names in net/http's canonical form, known
	// ones without canonicalising them again.
	vals := make([]string, 0, 4)
	set := func(name, value string) {
		vals = append(vals, value)
		n := len(vals)
		hdr[name] = vals[n-1 : n : n]
	}
	resp.EachHeader(func(name, value string) {
		c, ok := canonical[name]
		if !ok {
			c = textproto.CanonicalMIMEHeaderKey(name)
		}
		set(c, value)
	})
	set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}

// canonical maps the API's response header names to net/http's form of them.
var canonical = func() map[string]string {
	m := map[string]string{}
	for _, name := range []string{ecsapi.HeaderContentType, ecsapi.HeaderRequestID, ecsapi.HeaderInventoryAge} {
		m[name] = textproto.CanonicalMIMEHeaderKey(name)
	}
	return m
}()

func (h Handler) attrs(r *http.Request) []slog.Attr {
	if h.Attrs != nil {
		return h.Attrs(r)
	}
	return []slog.Attr{slog.String("remote", r.RemoteAddr)}
}
