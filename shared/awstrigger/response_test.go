package awstrigger

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"sgref/shared/ecsapi"
)

// TestAnswerMarshal: for every front door, marshal gives the bytes the SDK's own path
// gives the SDK's response type, for answers the fixtures do not produce (an inventory's
// age, characters to escape, an empty body, an error status).
func TestAnswerMarshal(t *testing.T) {
	responses := map[string]*ecsapi.Response{
		"json": {Status: 200, ContentType: "application/json", RequestID: "CEF72CEB-54B6-4AE8-B225-F876FF7BA984", Body: []byte(`{"RequestId":"x"}`)},
		"aged": {Status: 200, ContentType: "text/xml", RequestID: "r", Body: []byte(`<a>&amp;</a>`), InventoryAge: 75 * time.Second},
		"escape": {Status: 400, ContentType: "application/json", RequestID: "r\u2028",
			Body: []byte("{\"Message\":\"<b> & \\\"quoted\\\" \u2028\x01\"}")},
		"empty": {Status: 503},
	}
	for _, kind := range []Kind{APIGatewayV1, HTTPAPIV2, FunctionURL, ALB} {
		for _, multi := range []bool{false, true} {
			if multi && kind != ALB {
				continue
			}
			for name, r := range responses {
				t.Run(fmt.Sprintf("%v/multi=%v/%s", kind, multi, name), func(t *testing.T) {
					a := answer{kind: kind, multiValue: multi, r: r}
					got, err := a.marshal()
					sdk := lambda.NewHandler(func() (any, error) { return a.sdk(), nil })
					want, wantErr := sdk.Invoke(context.Background(), []byte(`{}`))
					if err != nil || wantErr != nil || !bytes.Equal(got, want) {
						t.Errorf("marshal = %s, %v\nSDK gives %s, %v", got, err, want, wantErr)
					}
				})
			}
		}
	}
}

// TestRequestOwnsItsStrings: the request's strings refer to the adapter's copy of the
// event, not to the runtime's buffer, which the runtime fills with the next event.
func TestRequestOwnsItsStrings(t *testing.T) {
	raw, err := os.ReadFile("../../events/aws/http-api-v2.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := decodeHTTP(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprint(req.Header, req.RawQuery, req.Host, req.Method)
	for i := range raw {
		raw[i] = 'x'
	}
	if after := fmt.Sprint(req.Header, req.RawQuery, req.Host, req.Method); after != before {
		t.Errorf("the request changed with the runtime's buffer:\n%s\nwas\n%s", after, before)
	}
}
