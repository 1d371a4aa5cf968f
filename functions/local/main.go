// Command local runs sgref on a laptop: it serves the ECS API (and the emulated ECS read
// API) over HTTP, runs the compiled functions under their emulated runtimes, scans,
// captures a live inventory into a snapshot, generates synthetic inventories and packages
// the functions. `local` with no arguments lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sgref/shared/config"
	"sgref/shared/httpapi"
	"sgref/shared/localemu"
	"sgref/shared/localrun"
)

const usage = `usage: local <command> [flags]

commands:
  serve    serve the ECS API over HTTP on the configured inventory
           (-platform fc|lambda: through that platform's event shape and adapter)
  invoke   run a compiled function binary under its emulated runtime with a sample event
  scan     run the orphan-reference scan on the configured inventory and print the report
           (on a terminal, a readable summary follows it)
  refs     the groups that reference each group: local refs -region R sg-x … [-o table|json]
  rules    the rules of other groups that name each group (what blocks its deletion)
  plan-delete  the steps that delete a set of groups: -region R [-account A] sg-a sg-b …
           [-o table|json|aliyun]; exit 3 when the plan is blocked
  graph    draw a group's neighbourhood: -region R sg-x [-depth 2] [-o svg|dot|mermaid]
  snapshot capture the configured inventory (e.g. a live ecs: one) into a snapshot file
  gen      write a synthetic inventory snapshot to standard output
  zip      package a function binary into a deployment zip
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(ctx, args)
	case "invoke":
		err = invoke(ctx, args)
	case "scan":
		err = scan(ctx, args)
	case "snapshot":
		err = snapshot(ctx, args)
	case "refs":
		err = refsCmd(ctx, args)
	case "rules":
		err = rulesCmd(ctx, args)
	case "plan-delete":
		err = planDelete(ctx, args)
	case "graph":
		err = graphCmd(ctx, args)
	case "gen":
		err = gen(args)
	case "zip":
		err = zipCmd(args)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "local:", err)
		}
		os.Exit(exitCode(err))
	}
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address")
	plat := fs.String("platform", "", "fc or lambda: serve through that platform's trigger event and adapter")
	fs.Parse(args)
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	log := cfg.Logger()
	api, err := localemu.New(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var h http.Handler = httpapi.Handler{API: api, Log: log}
	if *plat != "" {
		if h, err = localrun.NewPlatformHandler(*plat, api, log); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    128 << 10,
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "platform", *plat)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
