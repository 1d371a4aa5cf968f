package fctrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"sgref/shared/jobs"
)

// JobRequest decodes a timer event into the job it asks for: the trigger's payload is a
// JSON string holding the job request (empty: scan everything).
func JobRequest(raw []byte) (jobs.Request, *events.TimerEvent, error) {
	if k, err := Detect(raw); k != Timer {
		if err == nil {
			err = fmt.Errorf("got a %s event", k)
		}
		return jobs.Request{}, nil, fmt.Errorf("sgref: not an FC timer event: %w", err)
	}
	var ev events.TimerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return jobs.Request{}, nil, fmt.Errorf("sgref: decode FC timer event: %w", err)
	}
	req, err := jobs.DecodeRequest([]byte(str(ev.Payload)))
	if err != nil {
		return jobs.Request{}, nil, fmt.Errorf("sgref: timer %q payload: %w", str(ev.TriggerName), err)
	}
	return req, &ev, nil
}

// TimerDecoder decodes timer events for trigger.Scheduled. Credentials, when set, receives the
// credentials each invocation brings (see HTTPHandler.Credentials).
type TimerDecoder struct {
	Credentials Credentials
}

// Decode is a trigger.ScheduledDecoder.
func (d TimerDecoder) Decode(ctx context.Context, raw []byte) (jobs.Request, []slog.Attr, error) {
	req, ev, err := JobRequest(raw)
	if err != nil {
		return jobs.Request{}, nil, err
	}
	return req, []slog.Attr{
		slog.String("platform", "fc-timer"), slog.String("fcRequestId", invocation(ctx, d.Credentials)),
		slog.String("trigger", str(ev.TriggerName)), slog.String("triggerTime", str(ev.TriggerTime)),
	}, nil
}
