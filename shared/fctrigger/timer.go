package fctrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

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

// ScanHandler runs the scan a timer event asks for.
type ScanHandler struct {
	Run func(ctx context.Context, req scan.Request) (any, error)
	Log *slog.Logger
	// Credentials, when set, receives the credentials each invocation brings (see
	// HTTPHandler.Credentials).
	Credentials func(accessKeyID, accessKeySecret, securityToken string)
}

// Handle is the scan function's entry point for fc.Start. A malformed event or payload is
// an invocation error naming the problem, and no scan runs.
func (h ScanHandler) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	req, ev, err := ScanRequest(raw)
	if err != nil {
		h.Log.Error("bad timer event", "err", err)
		return nil, err
	}
	id := ""
	if fc, ok := fccontext.FromContext(ctx); ok {
		id = fc.RequestID
		if h.Credentials != nil {
			h.Credentials(fc.Credentials.AccessKeyId, fc.Credentials.AccessKeySecret, fc.Credentials.SecurityToken)
		}
	}
	h.Log.Info("scan requested", "platform", "fc-timer", "fcRequestId", id, "trigger", str(ev.TriggerName),
		"triggerTime", str(ev.TriggerTime), "regions", req.Regions, "accounts", req.Accounts)
	return h.Run(ctx, req)
}
