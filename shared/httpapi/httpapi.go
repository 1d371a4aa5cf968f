package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"sgref/shared/ecsapi"
)

// Handler adapts an ecsapi.Handler to net/http and logs one line per request.
type Handler struct {
	API *ecsapi.Handler
	Log *slog.Logger
}

// ServeHTTP decodes the request, serves it and writes the envelope.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Read one byte past the limit so the core sees an oversized body and refuses it.
	body, err := io.ReadAll(io.LimitReader(r.Body, ecsapi.MaxParamBytes+1))
	if err != nil {
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	resp := h.API.Serve(r.Context(), &ecsapi.Request{
		Method:   r.Method,
		Host:     r.Host,
		Header:   r.Header,
		RawQuery: r.URL.RawQuery,
		Body:     body,
	})
	Write(w, resp)
	resp.Log(r.Context(), h.Log, r.Method, start, slog.String("remote", r.RemoteAddr))
}

// Write sends resp: headers first, then status, then body.
func Write(w http.ResponseWriter, resp *ecsapi.Response) {
	hdr := w.Header()
	for k, v := range resp.Headers() {
		hdr.Set(k, v)
	}
	hdr.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}
