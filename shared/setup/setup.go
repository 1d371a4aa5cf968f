// Package setup builds, from configuration, the pieces every entry point shares: the
// inventory source, the reference index and the API handler. Mains call it once at init,
// before their runtime starts, never per request.
package setup

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
	"sgref/shared/refs"
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
	Inventory *inventory.Inventory
	Index     *refs.Index
	API       *ecsapi.Handler
}

// Build loads the configured inventory, indexes it and returns the API handler over it.
func Build(ctx context.Context, c config.Config, log *slog.Logger) (*Core, error) {
	src, err := Source(c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	inv, err := src.Load(ctx)
	if err != nil {
		return nil, err
	}
	ix := refs.Build(inv)
	st := ix.Stats()
	log.Info("inventory loaded", "source", src.String(), "groups", st.Groups, "rules", st.Rules,
		"references", st.References, "regions", ix.Regions(), "duration", time.Since(start))
	return &Core{Inventory: inv, Index: ix, API: ecsapi.NewHandler(refs.Static(ix), ecsapi.Options{Logger: log})}, nil
}
