// Package setup builds, from configuration, the pieces every entry point shares: the
// inventory source, the reference index, the API handler and the scan job. Mains call it
// once at init, before their runtime starts, never per request.
package setup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

// Source returns the inventory source the configuration names.
func Source(c config.Config) (inventory.Source, error) {
	src, err := inventory.ParseSpec(c.Inventory)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvInventory, err)
	}
	return src, nil
}

// Core is what a describe entry point serves from.
type Core struct {
	Index *refs.Index
	API   *ecsapi.Handler
}

// Index reads the configured inventory into a reference index, streaming: the inventory
// is never in memory whole.
func Index(ctx context.Context, c config.Config, log *slog.Logger) (*refs.Index, error) {
	src, err := Source(c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	b := refs.NewBuilder()
	if err := src.Read(ctx, func(g *inventory.Group) error { b.Add(g); return nil }); err != nil {
		return nil, err
	}
	ix := b.Index()
	st := ix.Stats()
	log.Info("inventory loaded", "source", src.String(), "groups", st.Groups, "rules", st.Rules,
		"references", st.References, "regions", ix.Regions(), "duration", time.Since(start))
	return ix, nil
}

// Build loads the configured inventory, indexes it and returns the API handler over it.
func Build(ctx context.Context, c config.Config, log *slog.Logger) (*Core, error) {
	ix, err := Index(ctx, c, log)
	if err != nil {
		return nil, err
	}
	return &Core{Index: ix, API: ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{Logger: log, Faults: c.Faults})}, nil
}

// ScanJob returns the orphan scan over the index p provides (refs.Static for a fixed
// inventory), filing its reports where the configuration says. A report directory must exist already, so that a mistyped mount path stops the
// function at start rather than at its first scheduled run.
func ScanJob(c config.Config, p refs.Provider, log *slog.Logger) (*scan.Job, error) {
	sink, err := scan.SinkFromSpec(c.Report)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvReport, err)
	}
	if dir, ok := sink.(scan.Dir); ok {
		if st, err := os.Stat(string(dir)); err != nil || !st.IsDir() {
			if err == nil {
				err = fmt.Errorf("%s is not a directory", dir)
			}
			return nil, fmt.Errorf("%s: report directory: %w", config.EnvReport, err)
		}
	}
	return &scan.Job{Index: p, Sink: sink, Log: log}, nil
}
