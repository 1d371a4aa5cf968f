package awstrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

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

// ScanHandler runs the scan a scheduled event asks for.
type ScanHandler struct {
	Run func(ctx context.Context, req scan.Request) (any, error)
	Log *slog.Logger
}

// Handle is the scan function's entry point for lambda.Start. A malformed event is an
// invocation error naming the problem, and no scan runs.
func (h ScanHandler) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	req, kind, err := ScanRequest(raw)
	if err != nil {
		h.Log.Error("bad schedule event", "err", err)
		return nil, err
	}
	id := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		id = lc.AwsRequestID
	}
	h.Log.Info("scan requested", "platform", kind.String(), "awsRequestId", id, "regions", req.Regions, "accounts", req.Accounts)
	return h.Run(ctx, req)
}
