// Package scanjob builds, from configuration, the orphan scan the orphan-scan function and
// the local scan command run: the job over an index provider, filing its reports where
// SGREF_REPORT says. It links neither the request verifier nor the emulator.
package scanjob

import (
	"fmt"
	"log/slog"

	"sgref/shared/config"
	"sgref/shared/refs"
	"sgref/shared/scan"
)

// New returns the orphan scan over the index p provides, filing its reports in the sink
// the configuration names. A sink that cannot take a report (a report directory that does
// not exist) stops the entry point at start.
func New(c config.Config, p refs.Provider, log *slog.Logger) (*scan.Job, error) {
	sink, err := scan.SinkFromSpec(c.Report)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvReport, err)
	}
	if err := sink.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvReport, err)
	}
	return &scan.Job{Index: p, Sink: sink, Log: log}, nil
}
