package fctrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
	gojson "github.com/goccy/go-json"

	"sgref/shared/ecsapi"
	"sgref/shared/trigger"
)

// HTTPHandler serves HTTP-trigger events.
type HTTPHandler struct {
	API *ecsapi.Handler
	Log *slog.Logger
	// Credentials, when set, receives the function role's temporary credentials that
	// come with every invocation (they rotate), for a live inventory's refreshes.
	Credentials Credentials
}

// Credentials receives the temporary credentials FC passes with an invocation.
type Credentials func(accessKeyID, accessKeySecret, securityToken string)

// Handle is the function's entry point for fc.Start. An event that is not an HTTP-trigger
// event is an invocation error; everything a client can put in a request gets an ECS
// envelope.
func (h HTTPHandler) Handle(ctx context.Context, raw json.RawMessage) (*events.HTTPTriggerResponse, error) {
	return trigger.HTTP(ctx, h.API, h.Log, raw, h.decode)
}

func (h HTTPHandler) decode(ctx context.Context, raw []byte) (*ecsapi.Request, func(*ecsapi.Response) *events.HTTPTriggerResponse, error) {
	var ev event
	if k, err := decodeEvent(raw, &ev); k != HTTP {
		if err == nil {
			err = fmt.Errorf("got a %s event", k)
		}
		return nil, nil, fmt.Errorf("sgref: not an FC HTTP-trigger event: %w", err)
	}
	req := Request(&ev.HTTPTriggerEvent)
	req.Log.Attrs = []slog.Attr{slog.String("platform", "fc"), slog.String("fcRequestId", invocation(ctx, h.Credentials))}
	return req, reply, nil
}

// Invoke is the function's entry point for fc.StartHandler: the event's bytes in, the
// response's JSON out, as the SDK's reflection would encode Handle's answer (json.Marshal)
// but without its decode into json.RawMessage and with goccy/go-json encoding.
func (h HTTPHandler) Invoke(ctx context.Context, raw []byte) ([]byte, error) {
	return trigger.Invoke(ctx, h.API, h.Log, raw, h.decode, gojson.Marshal)
}

func reply(r *ecsapi.Response) *events.HTTPTriggerResponse {
	return &events.HTTPTriggerResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
}

// invocation returns FC's request ID for the invocation in ctx and hands the credentials
// that come with it to set, when set is not nil.
func invocation(ctx context.Context, set Credentials) (requestID string) {
	fc, ok := fccontext.FromContext(ctx)
	if !ok {
		return ""
	}
	if set != nil {
		set(fc.Credentials.AccessKeyId, fc.Credentials.AccessKeySecret, fc.Credentials.SecurityToken)
	}
	return fc.RequestID
}

// Request turns an HTTP-trigger event into an API request. FC hands the query over
// decoded, repeated keys joined with commas; it is encoded again here. The body goes on
// as the event carries it, text or base64, for the API to decode.
func Request(ev *events.HTTPTriggerEvent) *ecsapi.Request {
	hdr, host := ecsapi.HeaderFromMaps(strmap(ev.Headers), nil, str(ev.TriggerContext.DomainName))
	return &ecsapi.Request{
		Method:   str(ev.TriggerContext.Http.Method),
		Host:     host,
		Header:   hdr,
		RawQuery: ecsapi.QueryFromMaps(strmap(ev.QueryParameters), nil),
		Body:     []byte(str(ev.Body)),
		Base64:   boolean(ev.IsBase64Encoded),
	}
}
