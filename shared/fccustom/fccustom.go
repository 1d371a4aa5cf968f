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

// ServeHTTP answers FC's initializer call and the health path itself, and everything
// else through the API.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Header.Get("x-fc-control-path") == "/initialize" || r.URL.Path == HealthPath:
		w.WriteHeader(http.StatusOK) // the index was built before the server listened
		return
	}
	if id := r.Header.Get("x-fc-access-key-id"); id != "" && h.Credentials != nil {
		h.Credentials(id, r.Header.Get("x-fc-access-key-secret"), r.Header.Get("x-fc-security-token"))
	}
	httpapi.Handler{API: h.API, Log: h.Log, Attrs: attrs}.ServeHTTP(w, r)
}

func attrs(r *http.Request) []slog.Attr {
	return []slog.Attr{slog.String("platform", "fc-custom"), slog.String("fcRequestId", r.Header.Get("x-fc-request-id"))}
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
