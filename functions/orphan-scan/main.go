// Command orphan-scan is the scheduled function, on a Function Compute timer or a Lambda
// schedule, with two jobs its payload chooses between: the capture (ECS live → a snapshot
// where SGREF_CAPTURE says) and the orphan-reference scan (the snapshot in SGREF_INVENTORY
// → a report where SGREF_REPORT says). Everything is built once, before the runtime starts.
package main

import (
	"context"
	"fmt"
	"os"

	"sgref/shared/awstrigger"
	"sgref/shared/capturejob"
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
	ctx := context.Background()
	p, rotating, err := provider.New(ctx, cfg, log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	scan, err := scanjob.New(ctx, cfg, p, provider.StoreOptions(rotating), log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	run := jobs.Runner{Scan: scan.Handle}
	capture, err := capturejob.New(ctx, cfg, rotating, log)
	if err != nil {
		log.Error("refusing to start", "err", err)
		os.Exit(1)
	}
	if capture != nil {
		run.Capture = capture.Handle
	}
	err = platform.Start(
		trigger.Scheduled{Decode: fctrigger.TimerDecoder{Credentials: rotating.SetKeys}.Decode, Run: run.Run, Log: log}.Handle,
		trigger.Scheduled{Decode: awstrigger.ScheduleDecoder, Run: run.Run, Log: log}.Handle,
	)
	log.Error("cannot start", "err", err)
	os.Exit(1)
}
