package awstrigger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	gojson "github.com/goccy/go-json"

	"sgref/shared/ecsapi"
	"sgref/shared/trigger"
)

// HTTPHandler serves every HTTP front door of a Lambda function.
type HTTPHandler struct {
	API *ecsapi.Handler
	Log *slog.Logger
}

// Handle is the function's entry point for lambda.Start. It answers in the response shape
// of the event's front door. An event that is no HTTP request is an invocation error.
func (h HTTPHandler) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	a, err := trigger.HTTP(ctx, h.API, h.Log, raw, decodeHTTP)
	if err != nil {
		return nil, err
	}
	return a.sdk(), nil
}

// Invoke is the function's entry point for lambda.Start: the event's bytes in, the
// response's JSON out, the bytes the SDK's reflection encodes Handle's answer to (HTML
// not escaped) but without its decode into json.RawMessage, with goccy/go-json encoding.
func (h HTTPHandler) Invoke(ctx context.Context, raw []byte) ([]byte, error) {
	return trigger.Invoke(ctx, h.API, h.Log, raw, decodeHTTP, answer.marshal)
}

func decodeHTTP(ctx context.Context, raw []byte) (*ecsapi.Request, func(*ecsapi.Response) answer, error) {
	ev := decoded.Get()
	defer decoded.Put(ev)
	// The event's strings refer to a copy of its bytes: one allocation instead of one a
	// string, and bytes of ours, where the runtime reuses its buffer for the next event.
	kind, err := decodeEvent(bytes.Clone(raw), ev)
	if err != nil {
		return nil, nil, fmt.Errorf("sgref: %w", err)
	}
	if !kind.IsHTTP() {
		return nil, nil, fmt.Errorf("sgref: a %s event is not an HTTP request", kind)
	}
	req, multi, err := ev.request(kind)
	if err != nil {
		return nil, nil, fmt.Errorf("sgref: decode %s event: %w", kind, err)
	}
	req.Log.Attrs = []slog.Attr{slog.String("platform", kind.String()), slog.String("awsRequestId", requestID(ctx))}
	return req, replies[kind][b2i(multi)], nil
}

// replies[kind][multiValue] makes the answer of a front door; made once, where a closure
// made for each invocation would be an allocation.
var replies = func() (t [ALB + 1][2]func(*ecsapi.Response) answer) {
	for k := range t {
		for m := range t[k] {
			kind, multi := Kind(k), m == 1
			t[k][m] = func(r *ecsapi.Response) answer { return answer{kind: kind, multiValue: multi, r: r} }
		}
	}
	return t
}()

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decoded keeps decoded events for the next invocation: decoding into one whose header
// maps are kept (emptied) reuses their storage. The request keeps none of an event's maps,
// only strings, which refer to the copy of the event's bytes.
var decoded = trigger.EventPool[httpEvent]{Reset: func(ev *httpEvent) {
	*ev = httpEvent{Headers: trigger.KeepMap(ev.Headers), MultiValueHeaders: trigger.KeepMap(ev.MultiValueHeaders)}
}}

// requestID is Lambda's request ID for the invocation in ctx.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

// request hands the decoded members on as the SDK's event of the kind (no copy of their
// contents) to that front door's mapping. multiValue is an ALB event of a target group
// with multi-value headers on.
func (ev *httpEvent) request(kind Kind) (req *ecsapi.Request, multiValue bool, err error) {
	var domain, method string
	if rc := ev.RequestContext; rc != nil {
		domain = rc.DomainName
		if rc.HTTP != nil {
			method = rc.HTTP.Method
		}
	}
	switch kind {
	case HTTPAPIV2:
		e := events.APIGatewayV2HTTPRequest{Version: ev.Version, RawQueryString: ev.RawQueryString, Headers: ev.Headers, Body: ev.Body, IsBase64Encoded: ev.IsBase64Encoded}
		e.RequestContext.DomainName, e.RequestContext.HTTP.Method = domain, method
		return fromHTTPAPIV2(&e), false, nil
	case FunctionURL:
		e := events.LambdaFunctionURLRequest{Version: ev.Version, RawQueryString: ev.RawQueryString, Headers: ev.Headers, Body: ev.Body, IsBase64Encoded: ev.IsBase64Encoded}
		e.RequestContext.DomainName, e.RequestContext.HTTP.Method = domain, method
		return fromFunctionURL(&e), false, nil
	}
	var single map[string]string
	var multi map[string][]string
	if len(ev.QueryStringParameters) > 0 {
		if err := gojson.Unmarshal(ev.QueryStringParameters, &single); err != nil {
			return nil, false, fmt.Errorf("queryStringParameters: %w", err)
		}
	}
	if len(ev.MultiValueQueryStringParameters) > 0 {
		if err := gojson.Unmarshal(ev.MultiValueQueryStringParameters, &multi); err != nil {
			return nil, false, fmt.Errorf("multiValueQueryStringParameters: %w", err)
		}
	}
	if kind == APIGatewayV1 {
		e := events.APIGatewayProxyRequest{HTTPMethod: ev.HTTPMethod, Headers: ev.Headers, MultiValueHeaders: ev.MultiValueHeaders,
			QueryStringParameters: single, MultiValueQueryStringParameters: multi, Body: ev.Body, IsBase64Encoded: ev.IsBase64Encoded}
		e.RequestContext.DomainName = domain
		return fromAPIGatewayV1(&e), false, nil
	}
	e := events.ALBTargetGroupRequest{HTTPMethod: ev.HTTPMethod, Headers: ev.Headers, MultiValueHeaders: ev.MultiValueHeaders,
		QueryStringParameters: single, MultiValueQueryStringParameters: multi, Body: ev.Body, IsBase64Encoded: ev.IsBase64Encoded}
	req, multiValue = fromALB(&e)
	return req, multiValue, nil
}

// newRequest fills the parts every front door shares; the body goes on as the event
// carries it, text or base64, for the API to decode.
func newRequest(method string, single map[string]string, multi map[string][]string, rawQuery, body string, b64 bool, fallbackHost string) *ecsapi.Request {
	hdr, host := ecsapi.HeaderFromMaps(single, multi, fallbackHost)
	return &ecsapi.Request{Method: method, Host: host, Header: hdr, RawQuery: rawQuery, Body: []byte(body), Base64: b64}
}

// joinRaw joins query parameters a front door handed over still encoded (ALB does not
// decode them).
func joinRaw(single map[string]string, multi map[string][]string) string {
	var parts []string
	for k, v := range single {
		if _, dup := multi[k]; !dup {
			parts = append(parts, k+"="+v)
		}
	}
	for k, vs := range multi {
		for _, v := range vs {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, "&")
}

func fromAPIGatewayV1(ev *events.APIGatewayProxyRequest) *ecsapi.Request {
	query := ecsapi.QueryFromMaps(ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	return newRequest(ev.HTTPMethod, ev.Headers, ev.MultiValueHeaders, query, ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
}

func fromHTTPAPIV2(ev *events.APIGatewayV2HTTPRequest) *ecsapi.Request {
	return newRequest(ev.RequestContext.HTTP.Method, ev.Headers, nil, ev.RawQueryString, ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
}

func fromFunctionURL(ev *events.LambdaFunctionURLRequest) *ecsapi.Request {
	return newRequest(ev.RequestContext.HTTP.Method, ev.Headers, nil, ev.RawQueryString, ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
}

// fromALB also says whether the target group has multi-value headers on: it must then be
// answered with them, and only them.
func fromALB(ev *events.ALBTargetGroupRequest) (req *ecsapi.Request, multiValue bool) {
	req = newRequest(ev.HTTPMethod, ev.Headers, ev.MultiValueHeaders,
		joinRaw(ev.QueryStringParameters, ev.MultiValueQueryStringParameters), ev.Body, ev.IsBase64Encoded, "")
	return req, len(ev.MultiValueHeaders) > 0 || len(ev.MultiValueQueryStringParameters) > 0
}
