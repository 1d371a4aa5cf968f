// Command hello is the hello-world function of the cold-start benchmark: the same two
// runtimes as the real functions, a handler that does nothing.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"sgref/shared/platform"
)

func hello(context.Context, json.RawMessage) (map[string]any, error) {
	return map[string]any{"statusCode": 200, "body": "hello"}, nil
}

func main() {
	err := platform.Start(hello, hello)
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
