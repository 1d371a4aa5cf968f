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
	log     *slog.Logger
	trigger trigger
}

// NewPlatformHandler returns the handler of platform "fc" or "lambda".
func NewPlatformHandler(platform string, api *ecsapi.Handler, log *slog.Logger) (*PlatformHandler, error) {
	var t trigger
	switch platform {
	case "fc":
		t = newTrigger(fctrigger.EventFromHTTP, fctrigger.HTTPHandler{API: api, Log: log}.Invoke)
	case "lambda":
		t = newTrigger(awstrigger.EventFromHTTP, awstrigger.HTTPHandler{API: api, Log: log}.Invoke)
	default:
		return nil, fmt.Errorf("platform %q: want fc or lambda", platform)
	}
	return &PlatformHandler{log: log, trigger: t}, nil
}

// trigger is a cloud's HTTP trigger as the local server plays it, in JSON as the runtime
// carries it: the event it delivers for a request, and the function's answer to an event.
type trigger struct {
	event  func(r *http.Request, body []byte, requestID string, now time.Time) ([]byte, error)
	invoke func(ctx context.Context, event []byte) ([]byte, error)
}

func newTrigger[E any](event func(*http.Request, []byte, string, time.Time) E, invoke func(context.Context, []byte) ([]byte, error)) trigger {
	return trigger{
		event: func(r *http.Request, body []byte, requestID string, now time.Time) ([]byte, error) {
			return json.Marshal(event(r, body, requestID, now))
		},
		invoke: invoke,
	}
}

// triggerResponse is what both triggers read of a function's HTTP answer; the FC trigger
// response and the HTTP API response name these members alike.
type triggerResponse struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

func (p *PlatformHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, ecsapi.MaxParamBytes+1))
	if err != nil {
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	resp, err := p.invoke(r.Context(), r, body)
	if err != nil {
		// What the trigger does when the function fails: a bare 502.
		p.log.Error("invocation failed", "err", err)
		http.Error(w, "function invocation failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.StatusCode)
	io.WriteString(w, resp.Body)
}

func (p *PlatformHandler) invoke(ctx context.Context, r *http.Request, body []byte) (triggerResponse, error) {
	id := "local-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	event, err := p.trigger.event(r, body, id, time.Now())
	if err != nil {
		return triggerResponse{}, fmt.Errorf("encode event: %w", err)
	}
	out, err := p.trigger.invoke(ctx, event)
	if err != nil {
		return triggerResponse{}, err
	}
	var resp triggerResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return triggerResponse{}, fmt.Errorf("decode function response: %w", err)
	}
	return resp, nil
}
