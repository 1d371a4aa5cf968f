package provider

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/stores"
)

// fromArtifact loads the index artifact beside the snapshot object (the capture writes
// it after the snapshot) when it names this snapshot: the CapturedAt the snapshot's
// header opens with (read from snap, which is left unconsumed) and the stored size. It
// returns nil, with a log line saying why, when the artifact is missing, stale, damaged
// or of another format version: the caller then builds from the snapshot.
func (o *snapshotObject) fromArtifact(ctx context.Context, snap *bufio.Reader, info stores.Info) *refs.Index {
	key := o.key + refs.ArtifactSuffix
	obj := o.store.String() + "/" + key
	capturedAt, err := peekCapturedAt(snap)
	if err != nil {
		o.log.Warn("index artifact not used: building from the snapshot", "artifact", obj, "err", err)
		return nil
	}
	body, artInfo, err := o.store.Get(ctx, key, "")
	if err != nil {
		// Missing, or not readable (a store without list rights answers a missing object
		// with 403, and a role may not grant the artifact): the snapshot serves.
		msg := "index artifact not read: building from the snapshot"
		if errors.Is(err, stores.ErrNotFound) {
			msg = "no index artifact beside the snapshot: building from the snapshot"
		}
		o.log.Info(msg, "artifact", obj, "err", err)
		return nil
	}
	ix, id, err := refs.ReadArtifact(io.LimitReader(body, maxSnapshotBytes), artInfo.Size)
	body.Close()
	switch {
	case err != nil:
		o.log.Warn("index artifact not used: building from the snapshot", "artifact", obj, "err", err)
		return nil
	case !id.CapturedAt.Equal(capturedAt) || (info.Size >= 0 && id.Size >= 0 && id.Size != info.Size):
		o.log.Warn("index artifact not used: it names another snapshot (stale, or the capture is writing); building from the snapshot",
			"artifact", obj, "artifactCapturedAt", id.CapturedAt, "artifactSnapshotSize", id.Size,
			"snapshotCapturedAt", capturedAt, "snapshotSize", info.Size)
		return nil
	}
	return ix
}

// peekCapturedAt reads the CapturedAt a snapshot document opens with (as the capture
// writes it) without consuming r.
func peekCapturedAt(r *bufio.Reader) (time.Time, error) {
	head, _ := r.Peek(256)
	dec := jsontext.NewDecoder(bytes.NewReader(head))
	if t, err := dec.ReadToken(); err != nil || t.Kind() != '{' {
		return time.Time{}, errors.New("the snapshot is no JSON object")
	}
	if t, err := dec.ReadToken(); err != nil || t.String() != "CapturedAt" {
		return time.Time{}, errors.New("the snapshot does not open with CapturedAt")
	}
	t, err := dec.ReadToken()
	if err != nil || t.Kind() != '"' {
		return time.Time{}, errors.New("the snapshot's CapturedAt is no string")
	}
	at, err := time.Parse(time.RFC3339, t.String())
	if err != nil {
		return time.Time{}, fmt.Errorf("the snapshot's CapturedAt: %w", err)
	}
	return at, nil
}

// artifactFile returns the path the inventory spec names when that file is an index
// artifact (SGREF_INVENTORY=file:snapshot.json.gz.index, make serve on one).
func artifactFile(src inventory.Source) (string, bool) {
	f, ok := src.(inventory.File)
	if !ok {
		return "", false
	}
	path := string(f)
	fh, err := os.Open(path)
	if err != nil {
		return "", false // the file source reports it
	}
	defer fh.Close()
	head := make([]byte, len(refs.ArtifactMagic))
	n, _ := io.ReadFull(fh, head)
	return path, refs.IsArtifact(head[:n]) || strings.HasSuffix(path, refs.ArtifactSuffix)
}

// loadArtifactFile loads an index artifact file, whatever snapshot it names.
func loadArtifactFile(path string, log *slog.Logger) (*refs.Index, error) {
	start := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("index artifact: %w", err)
	}
	ix, _, err := refs.DecodeArtifact(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st := ix.Stats()
	log.Info("inventory loaded", "source", "file:"+path, "artifact", true, "capturedAt", ix.CapturedAt(), "groups", st.Groups,
		"rules", st.Rules, "references", st.References, "regions", ix.Regions(), "ms", time.Since(start).Milliseconds())
	return ix, nil
}
