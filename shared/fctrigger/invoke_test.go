package fctrigger_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
)

// TestInvokeMatchesSDK: Invoke answers every fixture, and every malformed event, with the
// bytes (or the error) the SDK's own reflection path gives Handle's answer.
func TestInvokeMatchesSDK(t *testing.T) {
	h := mustHandler(t)
	sdk := fc.NewHandler(h.Handle)
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	files = append(files, "../../events/aws/http-api-v2.json")
	events := map[string][]byte{"not json": []byte(`{"version":`), "empty": []byte(`{}`), "null": []byte(`null`),
		"xml": []byte(`{"version":"v1","rawPath":"/","queryParameters":{"Action":"DescribeSecurityGroupReferences","RegionId":"cn-hangzhou","SecurityGroupId.1":"sg-1133aa"},"requestContext":{"http":{"method":"GET"}}}`)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		events[filepath.Base(f)] = b
	}
	for name, raw := range events {
		t.Run(name, func(t *testing.T) {
			got, err := h.Invoke(context.Background(), raw)
			want, wantErr := sdk.Invoke(context.Background(), raw)
			if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
				t.Errorf("Invoke = %s, %v\nwant %s, %v", got, err, want, wantErr)
			}
		})
	}
}
