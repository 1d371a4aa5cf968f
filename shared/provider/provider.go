// Package provider builds, from configuration, the reference index every entry point
// serves from: the inventory source SGREF_INVENTORY names, read into an index once, or
// kept fresh by a refresher when the source is live ECS or a snapshot object in a store. Mains call it once at init,
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
	"sgref/shared/stores"
)

// Source returns the inventory source the configuration names: a live one (ecs:, an
// *ecslive.Source) or a fixed one. creds is where a live source gets its credentials
// (nil: the environment). A snapshot object (oss://, s3://) is no Source but an object
// New refreshes by ETag: Source returns nil for it, and no error.
func Source(c config.Config, creds ecslive.CredentialSource) (inventory.Source, error) {
	if isStore(c.Inventory) {
		return nil, nil
	}
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
// never in memory whole. The index's capture time is the snapshot's (a source that reads
// a snapshot document) or, for a live read, when the read began.
func Index(ctx context.Context, src inventory.Source, log *slog.Logger) (*refs.Index, error) {
	start := time.Now()
	b := refs.NewBuilder()
	add := func(g *inventory.Group) error { b.Add(g); return nil }
	if sr, ok := src.(inventory.SnapshotReader); ok {
		h, err := sr.ReadSnapshot(ctx, add)
		if err != nil {
			return nil, err
		}
		b.SetCapturedAt(h.CapturedAt)
		b.SetCoverage(h.Source)
	} else {
		if err := src.Read(ctx, add); err != nil {
			return nil, err
		}
		if _, live := src.(*ecslive.Source); live {
			b.SetCapturedAt(start)
		}
	}
	ix := b.Index()
	st := ix.Stats()
	log.Info("inventory loaded", "source", src.String(), "groups", st.Groups, "rules", st.Rules,
		"references", st.References, "regions", ix.Regions(), "ms", time.Since(start).Milliseconds())
	return ix, nil
}

// firstLoadWait bounds how long an entry point waits at init for a live or stored
// inventory.
const firstLoadWait = 20 * time.Second

// New returns what serves the index. A fixed inventory (the sample, a snapshot file) is
// loaded now and served for ever; an error stops the entry point. A live one (ecs:) and a
// stored one (oss://, s3://) are served by a Refresher: the first load runs now, bounded,
// and if it fails the function still starts and the API answers 503 ServiceUnavailable
// until a later load succeeds (after a first deploy the capture may not have run yet).
// Rotating is where an FC adapter puts the credentials each invocation brings.
func New(ctx context.Context, c config.Config, log *slog.Logger) (p refs.Provider, rotating *ecslive.Rotating, err error) {
	rotating = &ecslive.Rotating{Fallback: ecslive.Env{}}
	if isStore(c.Inventory) {
		st, key, err := stores.Open(ctx, c.Inventory, StoreOptions(rotating))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", config.EnvInventory, err)
		}
		if key == "" || strings.HasSuffix(key, "/") {
			return nil, nil, fmt.Errorf("%s=%s names a prefix; want the snapshot object (…/snapshot.json.gz)", config.EnvInventory, c.Inventory)
		}
		obj := &snapshotObject{store: st, key: key, log: log}
		return refreshing(ctx, c, obj.load, obj.String(), log), rotating, nil
	}
	src, err := Source(c, rotating)
	if err != nil {
		return nil, nil, err
	}
	if path, ok := artifactFile(src); ok {
		ix, err := loadArtifactFile(path, log)
		if err != nil {
			return nil, nil, err
		}
		return refs.Static(ix), rotating, nil
	}
	if _, live := src.(*ecslive.Source); !live {
		ix, err := Index(ctx, src, log)
		if err != nil {
			return nil, nil, err
		}
		return refs.Static(ix), rotating, nil
	}
	return refreshing(ctx, c, func(ctx context.Context) (*refs.Index, error) { return Index(ctx, src, log) }, src.String(), log), rotating, nil
}

// refreshing serves load through a Refresher, waiting a bounded time for the first load
// so that a slow or unreachable source cannot hold the runtime's init past its limit; the
// load goes on in the background if it overruns.
func refreshing(ctx context.Context, c config.Config, load func(context.Context) (*refs.Index, error), name string, log *slog.Logger) *refs.Refresher {
	r := refs.NewRefresher(load, refs.RefreshOptions{Every: c.Refresh, Unavailable: ecsapi.Errorf(ecsapi.CodeServiceUnavailable), Log: log})
	wait, cancel := context.WithTimeout(ctx, firstLoadWait)
	defer cancel()
	if err := r.Refresh(wait); err != nil {
		log.Warn("first inventory load did not finish; answering ServiceUnavailable until a load succeeds", "source", name, "err", err)
	}
	return r
}
