package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	awsevents "github.com/aws/aws-lambda-go/events"

	"sgref/shared/awstrigger"
	"sgref/shared/ecsapi"
	"sgref/shared/fctrigger"
)

// PlatformHandler serves HTTP the way a deployed function behind a cloud trigger would:
// each request becomes the platform's event (FC HTTP trigger, or API Gateway HTTP API
// payload 2.0 for Lambda), is encoded to JSON and decoded again as the runtime would,
// goes through the same adapter and handler as the deployed binary, and the platform's
// response is turned back into HTTP.
type PlatformHandler struct {
	Platform string // "fc" or "lambda"
	API      *ecsapi.Handler
	Log      *slog.Logger
}

// NewPlatformHandler checks the platform name.
func NewPlatformHandler(platform string, api *ecsapi.Handler, log *slog.Logger) (*PlatformHandler, error) {
	if platform != "fc" && platform != "lambda" {
		return nil, fmt.Errorf("platform %q: want fc or lambda", platform)
	}
	return &PlatformHandler{Platform: platform, API: api, Log: log}, nil
}

func (p *PlatformHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, ecsapi.MaxParamBytes+1))
	if err != nil {
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	id := "local-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var status int
	var headers map[string]string
	var out string
	if p.Platform == "fc" {
		status, headers, out, err = p.fc(r.Context(), r, body, id)
	} else {
		status, headers, out, err = p.lambda(r.Context(), r, body, id)
	}
	if err != nil {
		// What the trigger does when the function fails: a bare 502.
		p.Log.Error("invocation failed", "err", err)
		http.Error(w, "function invocation failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func (p *PlatformHandler) fc(ctx context.Context, r *http.Request, body []byte, id string) (int, map[string]string, string, error) {
	raw, err := json.Marshal(fctrigger.EventFromHTTP(r, body, id, time.Now()))
	if err != nil {
		return 0, nil, "", err
	}
	resp, err := fctrigger.HTTPHandler{API: p.API, Log: p.Log}.Handle(ctx, raw)
	if err != nil {
		return 0, nil, "", err
	}
	var back events.HTTPTriggerResponse
	if err := roundTrip(resp, &back); err != nil {
		return 0, nil, "", err
	}
	return back.StatusCode, back.Headers, back.Body, nil
}

func (p *PlatformHandler) lambda(ctx context.Context, r *http.Request, body []byte, id string) (int, map[string]string, string, error) {
	raw, err := json.Marshal(awstrigger.EventFromHTTP(r, body, id, time.Now()))
	if err != nil {
		return 0, nil, "", err
	}
	resp, err := awstrigger.HTTPHandler{API: p.API, Log: p.Log}.Handle(ctx, raw)
	if err != nil {
		return 0, nil, "", err
	}
	var back awsevents.APIGatewayV2HTTPResponse
	if err := roundTrip(resp, &back); err != nil {
		return 0, nil, "", err
	}
	return back.StatusCode, back.Headers, back.Body, nil
}

// roundTrip encodes a handler's result as the runtime does and decodes it as the
// trigger does.
func roundTrip(v, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}
