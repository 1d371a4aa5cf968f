package awstrigger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"sgref/shared/ecsapi"
)

// HTTPHandler serves every HTTP front door of a Lambda function.
type HTTPHandler struct {
	API *ecsapi.Handler
	Log *slog.Logger
}

// Handle is the function's entry point for lambda.Start. It answers in the response shape
// of the event's front door. An event that is no HTTP request is an invocation error;
// aws-lambda-go would end the process on a panic, so decoding recovers from one.
func (h HTTPHandler) Handle(ctx context.Context, raw json.RawMessage) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.Log.Error("panic decoding the event", "panic", fmt.Sprint(p))
			out, err = nil, fmt.Errorf("sgref: internal error decoding the event")
		}
	}()
	start := time.Now()
	kind, err := Detect(raw)
	if err != nil {
		return nil, fmt.Errorf("sgref: %w", err)
	}
	if !kind.IsHTTP() {
		return nil, fmt.Errorf("sgref: a %s event is not an HTTP request", kind)
	}
	d, ok := decoders[kind]
	if !ok {
		return nil, fmt.Errorf("sgref: no decoder for %s events", kind)
	}
	req, reply, err := d(raw)
	if err != nil {
		return nil, fmt.Errorf("sgref: decode %s event: %w", kind, err)
	}
	var resp *ecsapi.Response
	if req.bad != nil {
		resp = h.API.Reject(req.Request, req.bad)
	} else {
		resp = h.API.Serve(ctx, req.Request)
	}
	platformID := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		platformID = lc.AwsRequestID
	}
	resp.Log(ctx, h.Log, req.Method, start, slog.String("platform", kind.String()), slog.String("awsRequestId", platformID))
	return reply(resp), nil
}

// decoded is an API request and, when the event itself was at fault in a way the client
// caused (a body that is not valid base64), the error to answer it with.
type decoded struct {
	*ecsapi.Request
	bad *ecsapi.Error
}

// A decoder reads one kind of event and returns the request and how to encode the reply.
type decoder func(raw []byte) (decoded, func(*ecsapi.Response) any, error)

var decoders = map[Kind]decoder{
	APIGatewayV1: decodeAPIGatewayV1,
	HTTPAPIV2:    decodeHTTPAPIV2,
	FunctionURL:  decodeFunctionURL,
	ALB:          decodeALB,
}

// newRequest fills the parts every front door shares.
func newRequest(method string, single map[string]string, multi map[string][]string, rawQuery, body string, b64 bool, fallbackHost string) decoded {
	hdr := http.Header{}
	for k, v := range single {
		hdr.Set(k, v)
	}
	for k, vs := range multi {
		hdr.Del(k)
		for _, v := range vs {
			hdr.Add(k, v)
		}
	}
	host := hdr.Get("Host")
	if host == "" {
		host = fallbackHost
	}
	d := decoded{Request: &ecsapi.Request{Method: method, Host: host, Header: hdr, RawQuery: rawQuery}}
	if b64 {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			d.bad = ecsapi.WithMessage(ecsapi.CodeInvalidParameter, "The request body is not valid base64.")
			return d
		}
		d.Body = b
	} else {
		d.Body = []byte(body)
	}
	return d
}

// encodeDecoded re-encodes query parameters a front door handed over decoded.
func encodeDecoded(single map[string]string, multi map[string][]string) string {
	q := url.Values{}
	for k, v := range single {
		q.Set(k, v)
	}
	for k, vs := range multi {
		q[k] = vs
	}
	return q.Encode()
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

func decodeAPIGatewayV1(raw []byte) (decoded, func(*ecsapi.Response) any, error) {
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		return decoded{}, nil, err
	}
	d := newRequest(ev.HTTPMethod, ev.Headers, ev.MultiValueHeaders,
		encodeDecoded(ev.QueryStringParameters, ev.MultiValueQueryStringParameters), ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
	return d, func(r *ecsapi.Response) any {
		return events.APIGatewayProxyResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	}, nil
}

func decodeHTTPAPIV2(raw []byte) (decoded, func(*ecsapi.Response) any, error) {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		return decoded{}, nil, err
	}
	d := newRequest(ev.RequestContext.HTTP.Method, ev.Headers, nil, ev.RawQueryString, ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
	return d, func(r *ecsapi.Response) any {
		return events.APIGatewayV2HTTPResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	}, nil
}

func decodeFunctionURL(raw []byte) (decoded, func(*ecsapi.Response) any, error) {
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		return decoded{}, nil, err
	}
	d := newRequest(ev.RequestContext.HTTP.Method, ev.Headers, nil, ev.RawQueryString, ev.Body, ev.IsBase64Encoded, ev.RequestContext.DomainName)
	return d, func(r *ecsapi.Response) any {
		return events.LambdaFunctionURLResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	}, nil
}

func decodeALB(raw []byte) (decoded, func(*ecsapi.Response) any, error) {
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		return decoded{}, nil, err
	}
	d := newRequest(ev.HTTPMethod, ev.Headers, ev.MultiValueHeaders,
		joinRaw(ev.QueryStringParameters, ev.MultiValueQueryStringParameters), ev.Body, ev.IsBase64Encoded, "")
	multi := len(ev.MultiValueHeaders) > 0 || len(ev.MultiValueQueryStringParameters) > 0
	return d, func(r *ecsapi.Response) any {
		out := events.ALBTargetGroupResponse{StatusCode: r.Status, StatusDescription: fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)), Body: string(r.Body)}
		// A target group with multi-value headers on must answer with them, and only them.
		if multi {
			out.MultiValueHeaders = map[string][]string{}
			for k, v := range r.Headers() {
				out.MultiValueHeaders[k] = []string{v}
			}
		} else {
			out.Headers = r.Headers()
		}
		return out
	}, nil
}
