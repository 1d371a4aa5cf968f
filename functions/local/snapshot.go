package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sgref/shared/config"
	"sgref/shared/inventory"
	"sgref/shared/provider"
)

// snapshot captures the configured inventory (typically a live ecs: one) into a snapshot
// file, written atomically, so that an account can be served offline.
func snapshot(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("snapshot", flag.ExitOnError)
	out := fs.String("o", "", "snapshot file to write (required)")
	fs.Parse(args)
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: local snapshot -o FILE (SGREF_INVENTORY names the source, e.g. ecs:?regions=cn-hangzhou)")
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	src, err := provider.Source(cfg, nil)
	if err != nil {
		return err
	}
	inv, err := inventory.Load(ctx, src)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".snapshot-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	enc := json.NewEncoder(tmp)
	enc.SetIndent("", " ")
	if err := enc.Encode(inv); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d groups from %s to %s\n", len(inv.SecurityGroups), src, *out)
	return nil
}
