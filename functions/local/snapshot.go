package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"sgref/shared/capture"
	"sgref/shared/config"
	"sgref/shared/ecslive"
	"sgref/shared/provider"
	"sgref/shared/stores"
)

// snapshot captures the configured inventory (typically a live ecs: one) into a snapshot,
// as the scheduled capture does: a file, or an object in OSS or S3. The snapshot is
// written whole or not at all.
func snapshot(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("snapshot", flag.ExitOnError)
	out := fs.String("o", "", "where to write: a file (gzip when it ends in .gz), file:PATH, s3://BUCKET/KEY?region=… or oss://BUCKET/KEY?region=…")
	fs.Parse(args)
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: local snapshot -o FILE|s3://…|oss://… (SGREF_INVENTORY names the source, e.g. ecs:?regions=cn-hangzhou)")
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	src, err := provider.Source(cfg, nil)
	if err != nil {
		return err
	}
	if src == nil { // a stored snapshot is read by the describe path's refresher, not as a Source
		return fmt.Errorf("snapshot: %s=%s is a stored snapshot already; capture from the live source (ecs:?regions=…), a file or the embedded sample", config.EnvInventory, cfg.Inventory)
	}
	dest := *out
	if !strings.Contains(dest, "://") && !strings.HasPrefix(dest, "file:") {
		dest = "file:" + dest
	}
	st, key, err := stores.Open(ctx, dest, stores.Options{})
	if err != nil {
		return err
	}
	job := &capture.Job{Source: src, Store: st, Key: key, Log: cfg.Logger(),
		Plain: strings.HasPrefix(dest, "file:") && !strings.HasSuffix(key, ".gz")}
	var p *progress
	if live, ok := src.(*ecslive.Source); ok && live.MultiAccount() {
		p = startProgress(os.Stderr, cfg.Logger(), live)
	}
	sum, err := job.Run(ctx)
	if p != nil {
		p.done(sum.Coverage)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d groups, %d rules from %s to %s (%d bytes)\n", sum.Groups, sum.Rules, src, sum.Object, sum.Bytes)
	return nil
}
