// Package provider builds, from configuration, the reference index every entry point
// serves from: the inventory source SGREF_INVENTORY names, read into an index once, or
// kept fresh by a refresher when the source is live ECS. Mains call it once at init,
// before their runtime starts, never per request.
package provider

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/ecslive"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// Source returns the inventory source the configuration names: a live one (ecs:, an
// *ecslive.Source) or a fixed one. creds is where a live source gets its credentials
// (nil: the environment).
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

// New returns what serves the index. A fixed inventory (the sample, a snapshot) is loaded
// now and served for ever; an error stops the entry point. A live one (ecs:) is served by
// a Refresher: its first load runs now, bounded by ctx, and if it fails the API answers
// 503 ServiceUnavailable until a later load succeeds. Rotating is where an FC adapter puts
// the credentials each invocation brings; nil for a fixed inventory.
func New(ctx context.Context, c config.Config, log *slog.Logger) (p refs.Provider, rotating *ecslive.Rotating, err error) {
	rotating = &ecslive.Rotating{Fallback: ecslive.Env{}}
	src, err := Source(c, rotating)
	if err != nil {
		return nil, nil, err
	}
	if _, live := src.(*ecslive.Source); !live {
		ix, err := Index(ctx, src, log)
		if err != nil {
			return nil, nil, err
		}
		return refs.Static(ix), nil, nil
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
