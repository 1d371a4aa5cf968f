// Package fcemu emulates the Function Compute runtime API (version 2020-11-11) that a
// custom-runtime or Go function polls: GET …/invocation/next hands out an event,
// POST …/invocation/{id}/response or …/error returns its result. It lets the compiled FC
// binary run on a laptop, as FC would run it, with invocations that may overlap.
//
//	emu := fcemu.New(fcemu.Options{Timeout: 10 * time.Second})
//	srv := httptest.NewServer(emu) // then start the binary with FC_RUNTIME_API=<host:port>
//	res, err := emu.Invoke(ctx, event)
package fcemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const prefix = "/2020-11-11/runtime/invocation/"

// Options describe the emulated function.
type Options struct {
	Timeout      time.Duration // the function's timeout; 30s when zero
	FunctionName string
	Handler      string
	MemoryMB     int
	Region       string
	AccountID    string
	// Credentials handed to the function with each invocation, as FC passes the
	// function role's temporary credentials.
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// Result is what the function answered.
type Result struct {
	Payload []byte
	Failed  bool // posted to /error rather than /response
}

// Emulator is an http.Handler serving the runtime API, and the invoker of the function.
type Emulator struct {
	opts    Options
	queue   chan *invocation
	mu      sync.Mutex
	pending map[string]*invocation // handed out, not yet answered
	peak    int
	seq     atomic.Int64
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time     // set when handed out, before taken is closed
	taken    chan struct{} // closed once a poller has taken the invocation
	done     chan Result   // buffered: one result
}

// New returns an emulator with no invocation queued.
func New(opts Options) *Emulator {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.FunctionName == "" {
		opts.FunctionName = "sgref"
	}
	if opts.Handler == "" {
		opts.Handler = "main"
	}
	if opts.MemoryMB == 0 {
		opts.MemoryMB = 256
	}
	if opts.Region == "" {
		opts.Region = "cn-hangzhou"
	}
	if opts.AccountID == "" {
		opts.AccountID = "1234567890123456"
	}
	return &Emulator{opts: opts, queue: make(chan *invocation), pending: make(map[string]*invocation)}
}

// ErrTimeout is returned by Invoke when the function does not answer before its deadline.
var ErrTimeout = errors.New("fcemu: the function did not answer before its deadline")

// Invoke queues an event, waits until the function takes it and answers, and returns the
// answer. It fails when ctx ends first or the function overruns its timeout.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) (Result, error) {
	inv := &invocation{
		id:      fmt.Sprintf("1-%08x-%016x", time.Now().Unix(), e.seq.Add(1)),
		payload: payload,
		taken:   make(chan struct{}),
		done:    make(chan Result, 1),
	}
	select {
	case e.queue <- inv:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	<-inv.taken
	timer := time.NewTimer(time.Until(inv.deadline) + time.Second) // grace for the last write
	defer timer.Stop()
	select {
	case r := <-inv.done:
		return r, nil
	case <-timer.C:
		e.forget(inv.id)
		return Result{}, ErrTimeout
	case <-ctx.Done():
		e.forget(inv.id)
		return Result{}, ctx.Err()
	}
}

// PeakInFlight is the largest number of invocations handed out and not yet answered at
// the same time.
func (e *Emulator) PeakInFlight() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.peak
}

func (e *Emulator) forget(id string) {
	e.mu.Lock()
	delete(e.pending, id)
	e.mu.Unlock()
}

// ServeHTTP serves the runtime API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	switch {
	case !ok:
		http.NotFound(w, r)
	case rest == "next" && r.Method == http.MethodGet:
		e.next(w, r)
	case r.Method == http.MethodPost && strings.HasSuffix(rest, "/response"):
		e.answer(w, r, strings.TrimSuffix(rest, "/response"), false)
	case r.Method == http.MethodPost && strings.HasSuffix(rest, "/error"):
		e.answer(w, r, strings.TrimSuffix(rest, "/error"), true)
	default:
		http.Error(w, "unknown runtime API call", http.StatusNotFound)
	}
}

// next long-polls for an invocation.
func (e *Emulator) next(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-e.queue:
	case <-r.Context().Done():
		return
	}
	e.mu.Lock()
	inv.deadline = time.Now().Add(e.opts.Timeout)
	e.pending[inv.id] = inv
	e.peak = max(e.peak, len(e.pending))
	e.mu.Unlock()
	close(inv.taken)
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("x-fc-request-id", inv.id)
	h.Set("x-fc-function-deadline", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("x-fc-function-timeout", strconv.Itoa(int(e.opts.Timeout/time.Second)))
	h.Set("x-fc-function-name", e.opts.FunctionName)
	h.Set("x-fc-function-handler", e.opts.Handler)
	h.Set("x-fc-function-memory", strconv.Itoa(e.opts.MemoryMB))
	h.Set("x-fc-region", e.opts.Region)
	h.Set("x-fc-account-id", e.opts.AccountID)
	if e.opts.AccessKeyID != "" {
		h.Set("x-fc-access-key-id", e.opts.AccessKeyID)
		h.Set("x-fc-access-key-secret", e.opts.AccessKeySecret)
		h.Set("x-fc-security-token", e.opts.SecurityToken)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload)
}

// answer takes an invocation's response or error.
func (e *Emulator) answer(w http.ResponseWriter, r *http.Request, id string, failed bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	inv, ok := e.pending[id]
	delete(e.pending, id)
	e.mu.Unlock()
	if !ok {
		http.Error(w, "no such invocation in flight: "+id, http.StatusNotFound)
		return
	}
	inv.done <- Result{Payload: body, Failed: failed}
	w.WriteHeader(http.StatusOK)
}
