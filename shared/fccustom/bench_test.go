package fccustom_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"sgref/shared/config"
	"sgref/shared/describecore"
	"sgref/shared/fccustom"
	"sgref/shared/internal/testkit"
)

// BenchmarkHandler is localrun's BenchmarkCustomRuntime in one process, for a CPU
// profile of the custom runtime's side: Handler built as the describe binary builds it
// (the sample, its logger at info to a file, here /dev/null) behind net/http on
// loopback, 50 clients at once sending FC's request, against a trivial handler writing
// the same answer's bytes.
func BenchmarkHandler(b *testing.B) {
	const query = "/?Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(devNull, &slog.HandlerOptions{Level: cfg.LogLevel})).With("function", "describe-references", "version", "dev")
	core, err := describecore.Build(context.Background(), cfg, log)
	if err != nil {
		b.Fatal(err)
	}
	sgref := fccustom.Handler{API: core.API, Log: log, Credentials: core.Credentials.SetKeys}
	u := testkit.Serve(b, sgref)
	resp, err := http.Get(u.String() + query)
	if err != nil {
		b.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	base := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["X-Acs-Request-Id"] = []string{"CEF72CEB-54B6-4AE8-B225-F876FF7BA984"}
		w.WriteHeader(http.StatusOK)
		w.Write(answer)
	})
	for _, side := range []struct {
		name string
		h    http.Handler
	}{{"base", base}, {"sgref", sgref}} {
		u := testkit.Serve(b, side.h)
		b.Run(side.name, func(b *testing.B) { testkit.FCLoad(b, u.String()+query, 50) })
	}
}
