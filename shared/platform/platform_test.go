package platform_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aws/aws-lambda-go/lambda"

	"sgref/shared/platform"
)

type echo struct{}

func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	return append([]byte(`{"got":`), append(payload, '}')...), nil
}

// TestInvokerThroughSDKs: an Invoker's bytes pass through each SDK's handler, in and out
// (no base64 of a []byte, no re-encoding), but for the FC SDK's HTML escaping, which its
// json.Marshal applies to any answer.
func TestInvokerThroughSDKs(t *testing.T) {
	event := []byte(`{"a":"<b>&"}`)
	for name, c := range map[string]struct {
		h interface {
			Invoke(context.Context, []byte) ([]byte, error)
		}
		want string
	}{
		"fc":     {fc.NewHandler(platform.FCFunc(echo{})), `{"got":{"a":"\u003cb\u003e\u0026"}}`},
		"lambda": {lambda.NewHandler(echo{}), `{"got":{"a":"<b>&"}}`},
	} {
		got, err := c.h.Invoke(context.Background(), event)
		if want := []byte(c.want); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: Invoke = %s, %v; want %s", name, got, err, want)
		}
	}
}
