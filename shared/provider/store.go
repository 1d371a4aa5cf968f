package provider

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"sgref/shared/ecslive"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/stores"
)

// maxSnapshotBytes bounds a snapshot object's content once decompressed: a gzip bomb
// stops there with stores.ErrTooLarge. 100 000 groups × 10 rules take about 300 MB.
var maxSnapshotBytes int64 = 4 << 30 // a var: the tests lower it

// isStore tells the store specs SGREF_INVENTORY and SGREF_CAPTURE take.
func isStore(spec string) bool {
	return strings.HasPrefix(spec, "oss://") || strings.HasPrefix(spec, "s3://")
}

// StoreOptions gives the object stores the credentials an FC invocation brings (rot),
// falling back to the environment, as the live ECS source does.
func StoreOptions(rot *ecslive.Rotating) stores.Options {
	if rot == nil {
		return stores.Options{}
	}
	return stores.Options{OSSCredentials: func(ctx context.Context) (stores.Credentials, error) {
		c, err := rot.Credentials(ctx)
		return stores.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, err
	}}
}

// snapshotObject is a snapshot in an object store, loaded into an index. Each load after
// the first is a conditional GET with the ETag of the index in service: an unchanged
// object costs one request and no decode, a changed one is read whole into a new index,
// and anything else (missing, forbidden, truncated, invalid) is an error that leaves the
// index in service to the Refresher. Loads never overlap (the Refresher runs one at a
// time), so the fields need no lock.
type snapshotObject struct {
	store stores.Store
	key   string
	log   *slog.Logger

	etag string
	ix   *refs.Index
}

func (o *snapshotObject) String() string { return o.store.String() + "/" + o.key }

func (o *snapshotObject) load(ctx context.Context) (*refs.Index, error) {
	start := time.Now()
	body, info, err := o.store.Get(ctx, o.key, o.etag)
	if errors.Is(err, stores.ErrNotModified) {
		o.log.Debug("snapshot unchanged", "object", o.String(), "etag", o.etag)
		return o.ix, nil
	}
	if err != nil {
		return nil, o.fail(err)
	}
	r, err := stores.Decoded(body, o.key, info, maxSnapshotBytes)
	if err != nil {
		return nil, o.fail(err)
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 64<<10)
	if ix := o.fromArtifact(ctx, br, info); ix != nil {
		o.etag, o.ix = info.ETag, ix
		st := ix.Stats()
		o.log.Info("inventory loaded", "source", o.String(), "artifact", true, "etag", info.ETag, "capturedAt", ix.CapturedAt(),
			"groups", st.Groups, "rules", st.Rules, "references", st.References, "regions", ix.Regions(),
			"ms", time.Since(start).Milliseconds())
		return ix, nil
	}
	b := refs.NewBuilder()
	h, err := inventory.StreamSnapshot(br, func(g *inventory.Group) error { b.Add(g); return nil })
	if err != nil {
		return nil, o.fail(err)
	}
	b.SetCapturedAt(h.CapturedAt)
	b.SetCoverage(h.Source)
	ix := b.Index()
	o.etag, o.ix = info.ETag, ix
	st := ix.Stats()
	o.log.Info("inventory loaded", "source", o.String(), "etag", info.ETag, "capturedAt", h.CapturedAt,
		"groups", st.Groups, "rules", st.Rules, "references", st.References, "regions", ix.Regions(),
		"ms", time.Since(start).Milliseconds())
	return ix, nil
}

// fail names the object and the ETag in service, so that the Refresher's log line says
// what failed and what is still served.
func (o *snapshotObject) fail(err error) error {
	inService := o.etag
	if inService == "" {
		inService = "none"
	}
	return fmt.Errorf("snapshot %s (in service: ETag %s): %w", o.String(), inService, err)
}
