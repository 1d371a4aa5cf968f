// Command hello is the hello-world function of the benchmarks: the same runtimes as the
// real functions, a handler that does nothing. With SGREF_RUNTIME=fc-custom it is the
// trivial FC custom runtime: an HTTP server on SGREF_LISTEN answering every request 200
// with a fixed JSON body (the file HELLO_BODY names, or a bare request ID).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"sgref/shared/config"
	"sgref/shared/platform"
)

func hello(context.Context, json.RawMessage) (map[string]any, error) {
	return map[string]any{"statusCode": 200, "body": "hello"}, nil
}

func main() {
	if os.Getenv(config.EnvRuntime) == config.RuntimeFCCustom {
		err := serve(os.Getenv(config.EnvListen), os.Getenv("HELLO_BODY"))
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err := platform.Start(hello, hello)
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// serve answers as the describe function's envelope does: Content-Type, a request ID,
// Content-Length, the body.
func serve(addr, bodyFile string) error {
	body := []byte(`{"RequestId":"CEF72CEB-54B6-4AE8-B225-F876FF7BA984"}`)
	if bodyFile != "" {
		var err error
		if body, err = os.ReadFile(bodyFile); err != nil {
			return err
		}
	}
	length := strconv.Itoa(len(body))
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["Content-Type"] = []string{"application/json"}
			h["X-Acs-Request-Id"] = []string{"CEF72CEB-54B6-4AE8-B225-F876FF7BA984"}
			h["Content-Length"] = []string{length}
			w.WriteHeader(http.StatusOK)
			w.Write(body)
		})}
	return srv.ListenAndServe()
}
