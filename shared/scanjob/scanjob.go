// Package scanjob builds, from configuration, the orphan scan the orphan-scan function and
// the local scan command run: the job over an index provider, filing its reports where
// SGREF_REPORT says. It links neither the request verifier nor the emulator.
package scanjob

import (
	"context"
	"fmt"
	"log/slog"

	"sgref/shared/config"
	"sgref/shared/refs"
	"sgref/shared/scan"
	"sgref/shared/stores"
)

// New returns the orphan scan over the index p provides, filing its reports in the sink
// the configuration names (stdout, file:DIR, oss://BUCKET/PREFIX/, s3://BUCKET/PREFIX/;
// opts carry the OSS credentials). A sink that cannot take a report (a report directory that does
// not exist) stops the entry point at start.
func New(ctx context.Context, c config.Config, p refs.Provider, opts stores.Options, log *slog.Logger) (*scan.Job, error) {
	sink, err := sinkFromSpec(ctx, c.Report, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvReport, err)
	}
	if err := sink.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvReport, err)
	}
	return &scan.Job{Index: p, Sink: sink, Log: log}, nil
}
