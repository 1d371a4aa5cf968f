package fctrigger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"sgref/shared/ecsapi"
)

// HTTPHandler serves HTTP-trigger events.
type HTTPHandler struct {
	API *ecsapi.Handler
	Log *slog.Logger
	// Credentials, when set, receives the function role's temporary credentials that
	// come with every invocation (they rotate), for a live inventory's refreshes.
	Credentials func(accessKeyID, accessKeySecret, securityToken string)
}

// Handle is the function's entry point for fc.Start. An event that is not an HTTP-trigger
// event is an invocation error; everything a client can put in a request gets an ECS
// envelope.
func (h HTTPHandler) Handle(ctx context.Context, raw json.RawMessage) (out *events.HTTPTriggerResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.Log.Error("panic decoding the event", "panic", fmt.Sprint(p))
			out, err = nil, fmt.Errorf("sgref: internal error decoding the event")
		}
	}()
	start := time.Now()
	if k, err := Detect(raw); k != HTTP {
		if err == nil {
			err = fmt.Errorf("got a %s event", k)
		}
		return nil, fmt.Errorf("sgref: not an FC HTTP-trigger event: %w", err)
	}
	var ev events.HTTPTriggerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("sgref: decode FC HTTP-trigger event: %w", err)
	}
	platformID := ""
	if fc, ok := fccontext.FromContext(ctx); ok {
		platformID = fc.RequestID
		if h.Credentials != nil {
			h.Credentials(fc.Credentials.AccessKeyId, fc.Credentials.AccessKeySecret, fc.Credentials.SecurityToken)
		}
	}
	req, bad := Request(&ev)
	var resp *ecsapi.Response
	if bad != nil {
		resp = h.API.Reject(req, bad)
	} else {
		resp = h.API.Serve(ctx, req)
	}
	resp.Log(ctx, h.Log, req.Method, start, slog.String("platform", "fc"), slog.String("fcRequestId", platformID))
	return &events.HTTPTriggerResponse{StatusCode: resp.Status, Headers: resp.Headers(), Body: string(resp.Body)}, nil
}

// Request turns an HTTP-trigger event into an API request. FC hands the query over
// decoded, repeated keys joined with commas; it is re-encoded here. A body that claims to
// be base64 and is not yields an InvalidParameter error to answer with.
func Request(ev *events.HTTPTriggerEvent) (*ecsapi.Request, *ecsapi.Error) {
	hdr := http.Header{}
	for k, v := range strmap(ev.Headers) {
		hdr.Set(k, v)
	}
	q := url.Values{}
	for k, v := range strmap(ev.QueryParameters) {
		q.Set(k, v)
	}
	host := hdr.Get("Host")
	if host == "" {
		host = str(ev.TriggerContext.DomainName)
	}
	req := &ecsapi.Request{
		Method:   str(ev.TriggerContext.Http.Method),
		Host:     host,
		Header:   hdr,
		RawQuery: q.Encode(),
	}
	body := str(ev.Body)
	if boolean(ev.IsBase64Encoded) {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return req, ecsapi.WithMessage(ecsapi.CodeInvalidParameter, "The request body is not valid base64.")
		}
		req.Body = b
	} else {
		req.Body = []byte(body)
	}
	return req, nil
}
