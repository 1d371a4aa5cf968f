// Command orphan-scan runs the scheduled orphan-reference scan on a Function Compute timer
// or a Lambda schedule: it files a report where SGREF_REPORT says and returns the summary.
// The inventory is loaded and indexed once, before the runtime starts.
package main

import (
	"context"
	"fmt"
	"os"

	"sgref/shared/awstrigger"
	"sgref/shared/config"
	"sgref/shared/fctrigger"
	"sgref/shared/jobs"
	"sgref/shared/platform"
	"sgref/shared/provider"
	"sgref/shared/scanjob"
	"sgref/shared/trigger"
)

var version = "dev"

func main() {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "orphan-scan:", err)
		os.Exit(1)
	}
	log := cfg.Logger().With("function", "orphan-scan", "version", version)
	p, rotating, err := provider.New(context.Background(), cfg, log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	job, err := scanjob.New(cfg, p, log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	run := jobs.Runner{Scan: job.Handle}.Run
	err = platform.Start(
		trigger.Scheduled{Decode: fctrigger.TimerDecoder{Credentials: rotating.SetKeys}.Decode, Run: run, Log: log}.Handle,
		trigger.Scheduled{Decode: awstrigger.ScheduleDecoder, Run: run, Log: log}.Handle,
	)
	log.Error("cannot start", "err", err)
	os.Exit(1)
}
