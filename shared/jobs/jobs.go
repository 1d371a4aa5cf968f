// Package jobs names the work the scheduled function does and reads what a scheduled
// event asks for. One binary runs both jobs on their own timers; the timer's payload says
// which:
//
//	{"Job":"capture"}                                   read ECS live, write the snapshot
//	{"Job":"scan","Regions":[…],"Accounts":[…]}          scan the snapshot, file a report
//
// A payload without Job is a scan, as before capture existed; an empty one scans
// everything.
package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"sgref/shared/scan"
)

// The jobs.
const (
	Scan    = "scan"
	Capture = "capture"
)

// Request is one scheduled run: which job, and for a scan its scope.
type Request struct {
	Job  string
	Scan scan.Request
}

// DecodeRequest reads a scheduled payload. Job is "scan" (the default) or "capture"; the
// other members are the scan request's, refused for a capture (a capture reads everything
// its source covers), and unknown members are refused, so a misspelt key never widens a
// scan nor turns a capture into one.
func DecodeRequest(b []byte) (Request, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return Request{Job: Scan}, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return Request{}, fmt.Errorf("invalid job request: want a JSON object: %w", err)
	}
	job := Scan
	if raw, ok := members["Job"]; ok {
		if err := json.Unmarshal(raw, &job); err != nil {
			return Request{}, errors.New(`invalid job request: Job must be "scan" or "capture"`)
		}
		delete(members, "Job")
	}
	switch job {
	case Scan:
		rest, err := json.Marshal(members)
		if err != nil {
			return Request{}, fmt.Errorf("invalid job request: %w", err)
		}
		req, err := scan.DecodeRequest(rest)
		if err != nil {
			return Request{}, err
		}
		return Request{Job: Scan, Scan: req}, nil
	case Capture:
		if len(members) > 0 {
			return Request{}, errors.New("invalid job request: a capture takes no other members than Job")
		}
		return Request{Job: Capture}, nil
	}
	return Request{}, fmt.Errorf(`invalid job request: unknown Job %q (want "scan" or "capture")`, clip(job))
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// Runner runs the job a request names. A job the function was not configured for is an
// error that says which setting enables it.
type Runner struct {
	Scan    func(ctx context.Context, req scan.Request) (any, error)
	Capture func(ctx context.Context) (any, error) // nil: SGREF_CAPTURE is not set
}

// Run runs req's job.
func (r Runner) Run(ctx context.Context, req Request) (any, error) {
	switch req.Job {
	case Capture:
		if r.Capture == nil {
			return nil, errors.New("capture requested but this function captures nowhere: set SGREF_CAPTURE (and SGREF_CAPTURE_SOURCE)")
		}
		return r.Capture(ctx)
	case Scan, "":
		if r.Scan == nil {
			return nil, errors.New("scan requested but this function has no scan job")
		}
		return r.Scan(ctx, req.Scan)
	}
	return nil, fmt.Errorf("unknown job %q", clip(req.Job))
}
