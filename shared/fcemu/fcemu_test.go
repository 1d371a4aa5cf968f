package fcemu_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sgref/shared/internal/testkit"
	"strconv"
	"testing"
	"time"

	"sgref/shared/fcemu"
)

func mustServer(tb testing.TB, e *fcemu.Emulator) string {
	tb.Helper()
	return testkit.Serve(tb, e).String() + "/2020-11-11/runtime/invocation/"
}

// poll takes one invocation as a runtime would. It may run on any goroutine: errors
// are reported with Error, not Fatal.
func poll(tb testing.TB, base string) (id string, payload []byte, h http.Header) {
	resp, err := http.Get(base + "next")
	if err != nil {
		tb.Error(err)
		return "", nil, http.Header{}
	}
	defer resp.Body.Close()
	payload, _ = io.ReadAll(resp.Body)
	return resp.Header.Get("x-fc-request-id"), payload, resp.Header
}

func post(tb testing.TB, url string, body string) int {
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		tb.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestInvokeRoundTrip(t *testing.T) {
	e := fcemu.New(fcemu.Options{Timeout: 7 * time.Second, AccessKeyID: "STS.id", AccessKeySecret: "s", SecurityToken: "tok"})
	base := mustServer(t, e)
	go func() {
		id, payload, h := poll(t, base)
		deadline, _ := strconv.ParseInt(h.Get("x-fc-function-deadline"), 10, 64)
		if h.Get("x-fc-function-timeout") != "7" || time.Until(time.UnixMilli(deadline)) > 7*time.Second || h.Get("x-fc-access-key-id") != "STS.id" {
			t.Errorf("headers %v", h)
		}
		post(t, base+id+"/response", "echo:"+string(payload))
	}()
	res, err := e.Invoke(context.Background(), []byte("hello"))
	if err != nil || string(res.Payload) != "echo:hello" || res.Failed {
		t.Fatalf("Invoke = %+v, %v", res, err)
	}
}

func TestOverlapErrorAndUnknownID(t *testing.T) {
	e := fcemu.New(fcemu.Options{})
	base := mustServer(t, e)
	results := make(chan fcemu.Result, 2)
	for _, p := range []string{"a", "b"} {
		go func() {
			r, err := e.Invoke(context.Background(), []byte(p))
			if err != nil {
				t.Error(err)
			}
			results <- r
		}()
	}
	id1, _, _ := poll(t, base)
	id2, _, _ := poll(t, base) // both handed out before either is answered
	if post(t, base+"nope/response", "x") != 404 {
		t.Error("an unknown invocation ID was accepted")
	}
	post(t, base+id2+"/error", `{"errorMessage":"boom"}`)
	post(t, base+id1+"/response", "ok")
	failed := 0
	for range 2 {
		if (<-results).Failed {
			failed++
		}
	}
	if failed != 1 || e.PeakInFlight() != 2 {
		t.Errorf("failed %d, peak in flight %d; want 1 and 2", failed, e.PeakInFlight())
	}
	if post(t, base+id1+"/response", "again") != 404 {
		t.Error("a second answer to one invocation was accepted")
	}
}

func TestTimeout(t *testing.T) {
	e := fcemu.New(fcemu.Options{Timeout: 50 * time.Millisecond})
	base := mustServer(t, e)
	go poll(t, base) // takes it and never answers
	if _, err := e.Invoke(context.Background(), []byte("x")); !errors.Is(err, fcemu.ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Invoke(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
