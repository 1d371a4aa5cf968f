package fccustom

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
)

// HealthPath answers 200 once the server listens: the path to give FC's health check.
const HealthPath = "/sgref/health"

// Credentials receives the temporary credentials FC sends with a request.
type Credentials func(accessKeyID, accessKeySecret, securityToken string)

// Handler serves FC's requests to a custom runtime.
type Handler struct {
	API         *ecsapi.Handler
	Log         *slog.Logger
	Credentials Credentials // nil: the credentials headers are ignored
}

// FC's request headers, keyed as net/http keys a request's headers (canonical form), so
// that each lookup is a map index, not a canonicalisation and a copy of the name.
const (
	headerControlPath     = "X-Fc-Control-Path"
	headerRequestID       = "X-Fc-Request-Id"
	headerAccessKeyID     = "X-Fc-Access-Key-Id"
	headerAccessKeySecret = "X-Fc-Access-Key-Secret"
	headerSecurityToken   = "X-Fc-Security-Token"
)

// header is r's first value of key, which is in canonical form.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ServeHTTP answers FC's initializer call and the health path itself, and everything
// else through the API.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case header(r, headerControlPath) == "/initialize" || r.URL.Path == HealthPath:
		w.WriteHeader(http.StatusOK) // the index was built before the server listened
		return
	}
	if id := header(r, headerAccessKeyID); id != "" && h.Credentials != nil {
		h.Credentials(id, header(r, headerAccessKeySecret), header(r, headerSecurityToken))
	}
	httpapi.Handler{API: h.API, Log: h.Log, Attrs: attrs}.ServeHTTP(w, r)
}

func attrs(r *http.Request) []slog.Attr {
	return []slog.Attr{slog.String("platform", "fc-custom"), slog.String("fcRequestId", header(r, headerRequestID))}
}

// ListenAndServe serves h on addr until ctx ends, then drains in-flight requests for up
// to drain and closes what is left.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, log *slog.Logger, drain time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Info("FC custom runtime listening", "addr", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// A connection still mid-request (a caller gone quiet): FC stops the instance anyway.
		log.Warn("FC custom runtime: drain cut short", "err", err)
		srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
