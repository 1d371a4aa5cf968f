// Package capturejob builds, from configuration, the capture the scheduled function runs:
// the live source SGREF_CAPTURE_SOURCE names, written as a snapshot to SGREF_CAPTURE.
package capturejob

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"sgref/shared/capture"
	"sgref/shared/config"
	"sgref/shared/ecslive"
	"sgref/shared/provider"
	"sgref/shared/stores"
)

// New returns the capture job, or nil when the configuration asks for none (no
// SGREF_CAPTURE). creds is where the live source and the store get their credentials (on
// FC, each invocation's).
func New(ctx context.Context, c config.Config, creds *ecslive.Rotating, log *slog.Logger) (*capture.Job, error) {
	if c.Capture == "" {
		return nil, nil
	}
	o, err := ecslive.ParseSpec(c.CaptureSource)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvCaptureSource, err)
	}
	if o.Credentials == nil && creds != nil {
		o.Credentials = creds
	}
	st, key, err := stores.Open(ctx, c.Capture, provider.StoreOptions(creds))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvCapture, err)
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, fmt.Errorf("%s=%s names a prefix; want the snapshot object (…/snapshot.json.gz)", config.EnvCapture, c.Capture)
	}
	return &capture.Job{Source: ecslive.New(o), Store: st, Key: key, Log: log}, nil
}
