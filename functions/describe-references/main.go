// Command describe-references answers the ECS API action DescribeSecurityGroupReferences
// behind a Function Compute HTTP trigger or any Lambda HTTP front door. The inventory is
// loaded and indexed once, before the runtime starts.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sgref/shared/awstrigger"
	"sgref/shared/config"
	"sgref/shared/describecore"
	"sgref/shared/fccustom"
	"sgref/shared/fctrigger"
	"sgref/shared/platform"
)

var version = "dev"

func main() {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "describe-references:", err)
		os.Exit(1)
	}
	log := cfg.Logger().With("function", "describe-references", "version", version)
	core, err := describecore.Build(context.Background(), cfg, log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	if cfg.Runtime == config.RuntimeFCCustom { // FC stops an instance with SIGTERM: drain, then exit
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		h := fccustom.Handler{API: core.API, Log: log, Credentials: core.Credentials.SetKeys}
		if err := fccustom.ListenAndServe(ctx, cfg.Listen, h, log, 5*time.Second); err != nil {
			log.Error("FC custom runtime stopped", "err", err)
			os.Exit(1)
		}
		return
	}
	err = platform.StartInvoker(
		fctrigger.HTTPHandler{API: core.API, Log: log, Credentials: core.Credentials.SetKeys},
		awstrigger.HTTPHandler{API: core.API, Log: log},
	)
	log.Error("cannot start", "err", err)
	os.Exit(1)
}
