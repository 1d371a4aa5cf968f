// Package setup builds, from configuration, the pieces every entry point shares: the
// inventory source, the reference index, the API handler and the scan job. Mains call it
// once at init, before their runtime starts, never per request.
package setup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"sgref/shared/auth"
	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

// Source returns the inventory source the configuration names. creds is where a live
// source gets its credentials (nil: the environment).
func Source(c config.Config, creds ecslive.CredentialSource) (inventory.Source, error) {
	if strings.HasPrefix(c.Inventory, "ecs:") {
		o, err := ecslive.ParseSpec(c.Inventory)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", config.EnvInventory, err)
		}
		if o.Credentials == nil && creds != nil {
			o.Credentials = creds
		}
		return ecslive.New(o), nil
	}
	src, err := inventory.ParseSpec(c.Inventory)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvInventory, err)
	}
	return src, nil
}

// Live reports whether the configured inventory is read from ECS.
func Live(c config.Config) bool { return strings.HasPrefix(c.Inventory, "ecs:") }

// Index reads an inventory source into a reference index, streaming: the inventory is
// never in memory whole.
func Index(ctx context.Context, src inventory.Source, log *slog.Logger) (*refs.Index, error) {
	start := time.Now()
	b := refs.NewBuilder()
	if err := src.Read(ctx, func(g *inventory.Group) error { b.Add(g); return nil }); err != nil {
		return nil, err
	}
	ix := b.Index()
	st := ix.Stats()
	log.Info("inventory loaded", "source", src.String(), "groups", st.Groups, "rules", st.Rules,
		"references", st.References, "regions", ix.Regions(), "ms", time.Since(start).Milliseconds())
	return ix, nil
}

// firstLoadWait bounds how long an entry point waits at init for a live inventory.
const firstLoadWait = 20 * time.Second

// Provider returns what serves the index. A fixed inventory (the sample, a snapshot) is
// loaded now and served for ever; an error stops the entry point. A live one (ecs:) is
// served by a Refresher: its first load runs now, bounded by ctx, and if it fails the API
// answers 503 ServiceUnavailable until a later load succeeds. Rotating is where an FC
// adapter puts the credentials each invocation brings; nil for a fixed inventory.
func Provider(ctx context.Context, c config.Config, log *slog.Logger) (p refs.Provider, rotating *ecslive.Rotating, err error) {
	if !Live(c) {
		src, err := Source(c, nil)
		if err != nil {
			return nil, nil, err
		}
		ix, err := Index(ctx, src, log)
		if err != nil {
			return nil, nil, err
		}
		return refs.Static(ix), nil, nil
	}
	rotating = &ecslive.Rotating{Fallback: ecslive.Env{}}
	src, err := Source(c, rotating)
	if err != nil {
		return nil, nil, err
	}
	r := refs.NewRefresher(func(ctx context.Context) (*refs.Index, error) { return Index(ctx, src, log) },
		refs.RefreshOptions{Every: c.Refresh, Unavailable: ecsapi.Errorf(ecsapi.CodeServiceUnavailable), Log: log})
	// Wait a bounded time for the first load, so a slow or unreachable ECS cannot hold the
	// runtime's init past its limit; the load goes on in the background if it overruns.
	wait, cancel := context.WithTimeout(ctx, firstLoadWait)
	defer cancel()
	if err := r.Refresh(wait); err != nil {
		log.Warn("first inventory load did not finish; answering ServiceUnavailable until a load succeeds", "source", src.String(), "err", err)
	}
	return r, rotating, nil
}

// Core is what a describe entry point serves from.
type Core struct {
	Index       refs.Provider
	API         *ecsapi.Handler
	Credentials *ecslive.Rotating // nil unless the inventory is live
}

// Authenticator returns what verifies request signatures: nil with SGREF_AUTH=off (no
// authentication, no scoping), else a verifier of the key table SGREF_ACCESS_KEYS names.
// A key table that does not load stops the entry point; its errors never quote a secret.
func Authenticator(c config.Config, log *slog.Logger) (ecsapi.Authenticator, error) {
	if c.Auth != config.AuthRequired {
		if c.AccessKeys != "" {
			log.Warn(config.EnvAccessKeys + " is set but " + config.EnvAuth + "=off: requests are not authenticated")
		}
		return nil, nil
	}
	keys, err := auth.LoadKeys(string(c.AccessKeys))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvAccessKeys, err)
	}
	log.Info("request signatures required", "keys", keys.Len(), "accounts", keys.Accounts())
	return auth.New(keys, auth.Options{Log: log}), nil
}

// Build loads the configured inventory, indexes it and returns the API handler over it.
func Build(ctx context.Context, c config.Config, log *slog.Logger) (*Core, error) {
	a, err := Authenticator(c, log)
	if err != nil {
		return nil, err
	}
	p, rot, err := Provider(ctx, c, log)
	if err != nil {
		return nil, err
	}
	return &Core{Index: p, Credentials: rot, API: ecsapi.NewHandler(p, ecsapi.Options{Logger: log, Actions: faultActions(c), Auth: a})}, nil
}

// faultActions are the fault-injection actions when SGREF_FAULTS=on.
func faultActions(c config.Config) []ecsapi.Action {
	if !c.Faults {
		return nil
	}
	return ecsapi.FaultActions()
}

// Emulator builds the local server's core: the API over a fixed inventory held whole in
// memory, with the emulated ECS read actions and STS GetCallerIdentity answered from it
// (faults and account from the configuration). A live inventory gets the plain core.
func Emulator(ctx context.Context, c config.Config, log *slog.Logger) (*Core, error) {
	if Live(c) {
		return Build(ctx, c, log)
	}
	faults, err := ecsemu.ParseFaults(c.EmulateFaults)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvEmulateFaults, err)
	}
	a, err := Authenticator(c, log)
	if err != nil {
		return nil, err
	}
	src, err := Source(c, nil)
	if err != nil {
		return nil, err
	}
	inv, err := inventory.Load(ctx, src)
	if err != nil {
		return nil, err
	}
	ix := refs.Build(inv)
	em := ecsemu.New(ecsemu.Options{Inventory: inv, Account: c.EmulateAccount, Faults: faults})
	log.Info("inventory loaded; emulating ECS", "source", src.String(), "groups", len(inv.SecurityGroups), "account", em.Account(), "faults", c.EmulateFaults)
	p := refs.Static(ix)
	return &Core{Index: p, API: ecsapi.NewHandler(p, ecsapi.Options{Logger: log, Actions: append(faultActions(c), em.Actions()...), Auth: a})}, nil
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
