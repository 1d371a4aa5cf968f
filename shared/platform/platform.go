// Package platform starts a function under the runtime of the platform it finds itself
// on: Function Compute when FC_RUNTIME_API is set, Lambda when AWS_LAMBDA_RUNTIME_API is.
package platform

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aws/aws-lambda-go/lambda"
)

// Handler is the one signature both runtimes accept.
type Handler[Out any] func(ctx context.Context, event json.RawMessage) (Out, error)

// Detected names the platform the process runs on: "fc", "lambda" or "".
func Detected() string {
	switch {
	case os.Getenv("FC_RUNTIME_API") != "":
		return "fc"
	case os.Getenv("AWS_LAMBDA_RUNTIME_API") != "":
		return "lambda"
	}
	return ""
}

// Start hands the platform's handler to its runtime and does not return, unless neither
// runtime's API is in the environment.
func Start[F, A any](onFC Handler[F], onLambda Handler[A]) error {
	switch Detected() {
	case "fc":
		fc.Start(onFC)
	case "lambda":
		lambda.Start(onLambda)
	}
	return errNoRuntime
}

var errNoRuntime = errors.New("neither FC_RUNTIME_API nor AWS_LAMBDA_RUNTIME_API is set: this binary runs under Function Compute or Lambda; for local use try `make serve` or `make invoke EVENT=…`")

// Invoker is the raw handler both runtimes accept in place of a function (fc.Handler,
// lambda.Handler): the event's bytes in, the response's bytes out, no reflection and no
// encoding/json pass of the runtime's own.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// StartInvoker is Start for Invokers.
func StartInvoker(onFC, onLambda Invoker) error {
	switch Detected() {
	case "fc":
		fc.Start(FCFunc(onFC))
	case "lambda":
		lambda.Start(onLambda) // taken as a lambda.Handler, as it is
	}
	return errNoRuntime
}

// FCFunc is inv as the FC SDK (v0.3.1) runs it: its StartHandler reflects on a function
// whatever it is given, so a Handler value is refused; a function taking []byte gets the
// event as it came, and a json.RawMessage answer is written as it is (json.Marshal only
// checks it).
func FCFunc(inv Invoker) func(context.Context, []byte) (json.RawMessage, error) {
	return func(ctx context.Context, event []byte) (json.RawMessage, error) {
		return inv.Invoke(ctx, event)
	}
}
