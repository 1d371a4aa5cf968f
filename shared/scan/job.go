package scan

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sgref/shared/refs"
)

// Job is the scan function's work: scan the index in service, file the report, log one
// summary line.
type Job struct {
	Index   refs.Provider // refs.Static for a fixed inventory; a live one scans its newest index
	Sink    Sink
	Log     *slog.Logger
	Options Options
}

// Run scans within req's scope and files the report. A report that cannot be filed fails
// the run: the error names the scan and the sink's problem, and nothing partial is left.
// So does an index the provider cannot give.
func (j *Job) Run(ctx context.Context, req Request) (Summary, error) {
	// A refreshing provider (a stored or live inventory) may hold an index from the
	// instance's last run, hours ago: look for a newer one first. Unchanged, that is one
	// conditional GET; failing, the scan goes on with the one in service, if any.
	if r, ok := j.Index.(interface{ Refresh(context.Context) error }); ok {
		if err := r.Refresh(ctx); err != nil {
			j.Log.Warn("inventory refresh before the scan failed; scanning the inventory in service, if any", "err", err)
		}
	}
	ix, err := j.Index.Current(ctx)
	if err != nil {
		j.Log.Error("scan not run: no inventory", "err", err)
		return Summary{}, fmt.Errorf("scan: %w", err)
	}
	rep := Run(ix, req, j.Options)
	loc, err := j.Sink.Write(ctx, rep)
	if err != nil {
		j.Log.Error("scan report not written", "ScanId", rep.ScanID, "summary", rep.Summary, "err", err)
		return Summary{}, fmt.Errorf("scan %s: %w", rep.ScanID, err)
	}
	j.Log.Info("scan finished", "ScanId", rep.ScanID, "report", loc,
		"regions", rep.Scope.Regions, "accounts", rep.Scope.Accounts, "summary", rep.Summary,
		"duration", j.now().Sub(rep.StartedAt))
	return rep.Summary, nil
}

// Handle is Run in the shape jobs.Runner takes for its scan: the
// function's result is the Summary.
func (j *Job) Handle(ctx context.Context, req Request) (any, error) {
	s, err := j.Run(ctx, req)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (j *Job) now() time.Time {
	if j.Options.Now != nil {
		return j.Options.Now()
	}
	return time.Now()
}
