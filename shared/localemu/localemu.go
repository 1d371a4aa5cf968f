// Package localemu builds, from configuration, the local server's API: the describe API
// over a fixed inventory held whole in memory, with the emulated ECS read actions and STS
// GetCallerIdentity (package ecsemu) answered from the same inventory, their account and
// faults from SGREF_EMULATE_ACCOUNT and SGREF_EMULATE_FAULTS. Only the local command
// links it.
package localemu

import (
	"context"
	"fmt"
	"log/slog"

	"sgref/shared/config"
	"sgref/shared/describecore"
	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/inventory"
	"sgref/shared/provider"
	"sgref/shared/refs"
)

// New returns the local server's API. A live (ecs:) or stored (oss://, s3://) inventory
// is not held whole, so there is nothing to emulate from: it gets the describe API alone,
// refreshing as a deployed function's does.
func New(ctx context.Context, c config.Config, log *slog.Logger) (*ecsapi.Handler, error) {
	src, err := provider.Source(c, nil)
	if err != nil {
		return nil, err
	}
	if _, live := src.(*ecslive.Source); live || src == nil {
		core, err := describecore.Build(ctx, c, log)
		if err != nil {
			return nil, err
		}
		return core.API, nil
	}
	faults, err := ecsemu.ParseFaults(c.EmulateFaults)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvEmulateFaults, err)
	}
	opts, err := describecore.APIOptions(c, log)
	if err != nil {
		return nil, err
	}
	inv, err := inventory.Load(ctx, src)
	if err != nil {
		return nil, err
	}
	em := ecsemu.New(ecsemu.Options{Inventory: inv, Account: c.EmulateAccount, Faults: faults})
	log.Info("inventory loaded; emulating ECS", "source", src.String(), "groups", len(inv.SecurityGroups), "account", em.Account(), "faults", c.EmulateFaults)
	opts.Actions = append(opts.Actions, em.Actions()...)
	return ecsapi.NewHandler(refs.Static(refs.Build(inv)), opts), nil
}
