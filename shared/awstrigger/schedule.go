package awstrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"sgref/shared/scan"
)

// ScanRequest decodes the event of a scheduled scan. An EventBridge scheduled-event
// envelope (a rule without Input) scans everything, or what its detail asks for when the
// detail is a scan request; a bare scan request is what EventBridge Scheduler, or a rule
// with a constant Input, delivers.
func ScanRequest(raw []byte) (scan.Request, Kind, error) {
	kind, err := Detect(raw)
	if err != nil {
		return scan.Request{}, kind, fmt.Errorf("sgref: %w", err)
	}
	switch kind {
	case Schedule:
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return scan.Request{}, kind, fmt.Errorf("sgref: decode EventBridge event: %w", err)
		}
		req, err := scan.DecodeRequest(ev.Detail)
		if err != nil {
			return scan.Request{}, kind, fmt.Errorf("sgref: EventBridge event detail: %w", err)
		}
		return req, kind, nil
	case ScanScope:
		req, err := scan.DecodeRequest(raw)
		if err != nil {
			return scan.Request{}, kind, fmt.Errorf("sgref: scheduler input: %w", err)
		}
		return req, kind, nil
	}
	return scan.Request{}, kind, fmt.Errorf("sgref: a %s event does not start a scan", kind)
}

// ScanDecoder decodes scheduled events for trigger.Scan; it is a trigger.ScanDecoder.
func ScanDecoder(ctx context.Context, raw []byte) (scan.Request, []slog.Attr, error) {
	req, kind, err := ScanRequest(raw)
	if err != nil {
		return scan.Request{}, nil, err
	}
	return req, []slog.Attr{slog.String("platform", kind.String()), slog.String("awsRequestId", requestID(ctx))}, nil
}
