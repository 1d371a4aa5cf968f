package fctrigger

import (
	"bytes"
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
	r, err := trigger.HTTP(ctx, h.API, h.Log, raw, h.decode)
	if err != nil {
		return nil, err
	}
	return sdkResponse(r), nil
}

// sdkResponse is r as the SDK's response type.
func sdkResponse(r *ecsapi.Response) *events.HTTPTriggerResponse {
	return &events.HTTPTriggerResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
}

func (h HTTPHandler) decode(ctx context.Context, raw []byte) (*ecsapi.Request, func(*ecsapi.Response) *ecsapi.Response, error) {
	ev := decoded.Get()
	defer decoded.Put(ev)
	// The event's strings refer to a copy of its bytes: one allocation instead of one a
	// string, and bytes of ours, where the runtime may reuse its buffer for the next event.
	if k, err := decodeEvent(bytes.Clone(raw), ev); k != HTTP {
		if err == nil {
			err = fmt.Errorf("got a %s event", k)
		}
		return nil, nil, fmt.Errorf("sgref: not an FC HTTP-trigger event: %w", err)
	}
	req := newRequest(ev.TriggerContext.HTTP.Method, ev.Headers, ev.QueryParameters, ev.Body, ev.IsBase64Encoded, ev.TriggerContext.DomainName)
	req.Log.Attrs = []slog.Attr{slog.String("platform", "fc"), slog.String("fcRequestId", invocation(ctx, h.Credentials))}
	return req, asIs, nil
}

func asIs(r *ecsapi.Response) *ecsapi.Response { return r }

// Invoke is the function's entry point for fc.StartHandler: the event's bytes in, the
// response's JSON out, the bytes the SDK's reflection (json.Marshal) encodes Handle's
// answer to, but without its decode into json.RawMessage, with goccy/go-json encoding.
func (h HTTPHandler) Invoke(ctx context.Context, raw []byte) ([]byte, error) {
	return trigger.Invoke(ctx, h.API, h.Log, raw, h.decode, marshal)
}

// triggerResponse is events.HTTPTriggerResponse with its headers as a struct: the same
// members in the same order under the same names, so that it encodes to the same JSON
// without a map built to be thrown away (TestMarshal).
type triggerResponse struct {
	StatusCode      int                 `json:"statusCode"`
	Headers         ecsapi.HeaderFields `json:"headers"`
	IsBase64Encoded bool                `json:"isBase64Encoded"`
	Body            string              `json:"body"`
}

// marshal encodes r as the SDK encodes Handle's answer for it.
func marshal(r *ecsapi.Response) ([]byte, error) {
	return gojson.Marshal(&triggerResponse{StatusCode: r.Status, Headers: r.HeaderFields(), Body: string(r.Body)})
}

// decoded keeps decoded events for the next invocation: decoding into one whose maps are
// kept (emptied) reuses their storage. The request keeps none of an event's maps, only
// strings, which refer to the copy of the event's bytes.
var decoded = trigger.EventPool[event]{Reset: func(ev *event) {
	*ev = event{Headers: trigger.KeepMap(ev.Headers), QueryParameters: trigger.KeepMap(ev.QueryParameters)}
}}

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
	return newRequest(str(ev.TriggerContext.Http.Method), strmap(ev.Headers), strmap(ev.QueryParameters),
		str(ev.Body), boolean(ev.IsBase64Encoded), str(ev.TriggerContext.DomainName))
}

func newRequest(method string, headers, query map[string]string, body string, b64 bool, domain string) *ecsapi.Request {
	hdr, host := ecsapi.HeaderFromMaps(headers, nil, domain)
	return &ecsapi.Request{
		Method:   method,
		Host:     host,
		Header:   hdr,
		RawQuery: ecsapi.QueryFromMaps(query, nil),
		Body:     []byte(body),
		Base64:   b64,
	}
}
