package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/jobs"
)

// HTTPDecoder is a cloud's part of an HTTP invocation: its event turned into the API
// request (the platform's attributes in req.Log.Attrs) and how to answer in the event's
// response shape. An error is an event that is no HTTP request of its kind.
type HTTPDecoder[Out any] func(ctx context.Context, raw []byte) (req *ecsapi.Request, reply func(*ecsapi.Response) Out, err error)

// HTTP serves one HTTP event: the API answers it and logs its line to log. An event that
// does not decode is an invocation error.
func HTTP[Out any](ctx context.Context, api *ecsapi.Handler, log *slog.Logger, raw []byte, decode HTTPDecoder[Out]) (out Out, err error) {
	defer recoverDecoding(log, &err)
	start := time.Now()
	req, reply, err := decode(ctx, raw)
	if err != nil {
		return out, err
	}
	req.Log.Logger, req.Log.Start = log, start
	return reply(api.Serve(ctx, req)), nil
}

// Invoke is HTTP for a runtime's raw Handler interface (both SDKs accept one:
// Invoke(ctx, payload []byte) ([]byte, error)): the answer is encoded by marshal, to the
// bytes the runtime would have encoded it to.
func Invoke[Out any](ctx context.Context, api *ecsapi.Handler, log *slog.Logger, raw []byte, decode HTTPDecoder[Out], marshal func(Out) ([]byte, error)) ([]byte, error) {
	out, err := HTTP(ctx, api, log, raw, decode)
	if err != nil {
		return nil, err
	}
	return marshal(out)
}

// recoverDecoding turns a panic while decoding an event into an invocation error:
// aws-lambda-go would end the process on it. It must be deferred directly.
func recoverDecoding(log *slog.Logger, err *error) {
	if p := recover(); p != nil {
		log.Error("panic decoding the event", "panic", fmt.Sprint(p))
		*err = errors.New("sgref: internal error decoding the event")
	}
}

// ScheduledDecoder is a cloud's part of a scheduled invocation: its event turned into the
// job it asks for, and the attributes that name the invocation in the log (the platform,
// its request ID, the trigger).
type ScheduledDecoder func(ctx context.Context, raw []byte) (jobs.Request, []slog.Attr, error)

// Scheduled runs the job (capture or scan) a scheduled event asks for.
type Scheduled struct {
	Decode ScheduledDecoder
	Run    func(ctx context.Context, req jobs.Request) (any, error)
	Log    *slog.Logger
}

// Handle is the scheduled function's entry point for either runtime. A malformed event is
// an invocation error naming the problem, and no job runs. A job that fails is logged at
// error level with the job's name: the platforms do not retry scheduled runs (the
// templates turn retries off), so this line is the alarm.
func (h Scheduled) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	req, attrs, err := h.decode(ctx, raw)
	if err != nil {
		h.Log.Error("bad scheduled event", "err", err)
		return nil, err
	}
	attrs = append(attrs, slog.String("job", req.Job))
	if req.Job == jobs.Scan {
		attrs = append(attrs, slog.Any("regions", req.Scan.Regions), slog.Any("accounts", req.Scan.Accounts))
	}
	h.Log.LogAttrs(ctx, slog.LevelInfo, "job requested", attrs...)
	out, err := h.Run(ctx, req)
	if err != nil {
		h.Log.LogAttrs(ctx, slog.LevelError, "scheduled job failed", append(attrs, slog.String("err", err.Error()))...)
	}
	return out, err
}

func (h Scheduled) decode(ctx context.Context, raw []byte) (req jobs.Request, attrs []slog.Attr, err error) {
	defer recoverDecoding(h.Log, &err)
	return h.Decode(ctx, raw)
}
