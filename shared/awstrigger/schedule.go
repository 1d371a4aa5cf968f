package awstrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"sgref/shared/jobs"
)

// JobRequest decodes a scheduled event into the job it asks for. An EventBridge
// scheduled-event envelope (a rule without Input) scans everything, or runs what its
// detail asks for when the detail is a job request; a bare job request is what
// EventBridge Scheduler, or a rule with a constant Input, delivers.
func JobRequest(raw []byte) (jobs.Request, Kind, error) {
	kind, err := Detect(raw)
	if err != nil {
		return jobs.Request{}, kind, fmt.Errorf("sgref: %w", err)
	}
	switch kind {
	case Schedule:
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return jobs.Request{}, kind, fmt.Errorf("sgref: decode EventBridge event: %w", err)
		}
		req, err := jobs.DecodeRequest(ev.Detail)
		if err != nil {
			return jobs.Request{}, kind, fmt.Errorf("sgref: EventBridge event detail: %w", err)
		}
		return req, kind, nil
	case ScanScope:
		req, err := jobs.DecodeRequest(raw)
		if err != nil {
			return jobs.Request{}, kind, fmt.Errorf("sgref: scheduler input: %w", err)
		}
		return req, kind, nil
	}
	return jobs.Request{}, kind, fmt.Errorf("sgref: a %s event starts no scheduled job", kind)
}

// ScheduleDecoder decodes scheduled events for trigger.Scheduled; it is a
// trigger.ScheduledDecoder.
func ScheduleDecoder(ctx context.Context, raw []byte) (jobs.Request, []slog.Attr, error) {
	req, kind, err := JobRequest(raw)
	if err != nil {
		return jobs.Request{}, nil, err
	}
	return req, []slog.Attr{slog.String("platform", kind.String()), slog.String("awsRequestId", requestID(ctx))}, nil
}
