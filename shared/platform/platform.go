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
	return errors.New("neither FC_RUNTIME_API nor AWS_LAMBDA_RUNTIME_API is set: this binary runs under Function Compute or Lambda; for local use try `make serve` or `make invoke EVENT=…`")
}
