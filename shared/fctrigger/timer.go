package fctrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"sgref/shared/scan"
)

// ScanRequest decodes a timer event into the scan it asks for: the trigger's payload is
// a JSON string holding the scan request (empty: scan everything).
func ScanRequest(raw []byte) (scan.Request, *events.TimerEvent, error) {
	if k, err := Detect(raw); k != Timer {
		if err == nil {
			err = fmt.Errorf("got a %s event", k)
		}
		return scan.Request{}, nil, fmt.Errorf("sgref: not an FC timer event: %w", err)
	}
	var ev events.TimerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return scan.Request{}, nil, fmt.Errorf("sgref: decode FC timer event: %w", err)
	}
	req, err := scan.DecodeRequest([]byte(str(ev.Payload)))
	if err != nil {
		return scan.Request{}, nil, fmt.Errorf("sgref: timer %q payload: %w", str(ev.TriggerName), err)
	}
	return req, &ev, nil
}

// TimerDecoder decodes timer events for trigger.Scan. Credentials, when set, receives the
// credentials each invocation brings (see HTTPHandler.Credentials).
type TimerDecoder struct {
	Credentials Credentials
}

// Decode is a trigger.ScanDecoder.
func (d TimerDecoder) Decode(ctx context.Context, raw []byte) (scan.Request, []slog.Attr, error) {
	req, ev, err := ScanRequest(raw)
	if err != nil {
		return scan.Request{}, nil, err
	}
	return req, []slog.Attr{
		slog.String("platform", "fc-timer"), slog.String("fcRequestId", invocation(ctx, d.Credentials)),
		slog.String("trigger", str(ev.TriggerName)), slog.String("triggerTime", str(ev.TriggerTime)),
	}, nil
}
