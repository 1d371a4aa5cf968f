package awstrigger

import (
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	gojson "github.com/goccy/go-json"

	"sgref/shared/ecsapi"
)

// answer is the API's response to an event of a front door, for Handle to turn into the
// SDK's response type of that front door and for Invoke to encode straight to the same
// bytes.
type answer struct {
	kind       Kind
	multiValue bool // ALB with multi-value headers on: answered with them, and only them
	r          *ecsapi.Response
}

// sdk returns the answer as the SDK's response type of its front door.
func (a answer) sdk() any {
	r := a.r
	switch a.kind {
	case APIGatewayV1:
		return events.APIGatewayProxyResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	case HTTPAPIV2:
		return events.APIGatewayV2HTTPResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	case FunctionURL:
		return events.LambdaFunctionURLResponse{StatusCode: r.Status, Headers: r.Headers(), Body: string(r.Body)}
	}
	out := events.ALBTargetGroupResponse{StatusCode: r.Status, StatusDescription: statusDescription(r.Status), Body: string(r.Body)}
	if a.multiValue {
		out.MultiValueHeaders = map[string][]string{}
		for k, v := range r.Headers() {
			out.MultiValueHeaders[k] = []string{v}
		}
	} else {
		out.Headers = r.Headers()
	}
	return out
}

func statusDescription(status int) string {
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

// The SDK's response types with their headers as a struct (ecsapi.HeaderFields) instead
// of a map: the same members in the same order under the same names, so that they encode
// to the same JSON without a map built to be thrown away (TestAnswerMarshal). A pointer
// where the SDK's map may be nil (null).
type (
	proxyResponse struct { // events.APIGatewayProxyResponse
		StatusCode        int                 `json:"statusCode"`
		Headers           ecsapi.HeaderFields `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded,omitempty"`
	}
	httpAPIResponse struct { // events.APIGatewayV2HTTPResponse
		StatusCode        int                 `json:"statusCode"`
		Headers           ecsapi.HeaderFields `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded,omitempty"`
		Cookies           []string            `json:"cookies"`
	}
	functionURLResponse struct { // events.LambdaFunctionURLResponse
		StatusCode      int                 `json:"statusCode"`
		Headers         ecsapi.HeaderFields `json:"headers"`
		Body            string              `json:"body"`
		IsBase64Encoded bool                `json:"isBase64Encoded"`
		Cookies         []string            `json:"cookies"`
	}
	albResponse struct { // events.ALBTargetGroupResponse
		StatusCode        int                  `json:"statusCode"`
		StatusDescription string               `json:"statusDescription"`
		Headers           *ecsapi.HeaderFields `json:"headers"`
		MultiValueHeaders *multiHeaderFields   `json:"multiValueHeaders"`
		Body              string               `json:"body,omitempty"`
		IsBase64Encoded   bool                 `json:"isBase64Encoded"`
	}
	// multiHeaderFields is ecsapi.HeaderFields with each value alone in a list.
	multiHeaderFields struct {
		ContentType  []string `json:"Content-Type"`
		RequestID    []string `json:"x-acs-request-id"`
		InventoryAge []string `json:"x-sgref-inventory-age,omitempty"`
	}
)

// marshal encodes the answer as the SDK's reflection encodes sdk()'s value (HTML not
// escaped).
func (a answer) marshal() ([]byte, error) {
	r := a.r
	h := r.HeaderFields()
	var v any
	switch a.kind {
	case APIGatewayV1:
		v = &proxyResponse{StatusCode: r.Status, Headers: h, Body: string(r.Body)}
	case HTTPAPIV2:
		v = &httpAPIResponse{StatusCode: r.Status, Headers: h, Body: string(r.Body)}
	case FunctionURL:
		v = &functionURLResponse{StatusCode: r.Status, Headers: h, Body: string(r.Body)}
	default:
		out := &albResponse{StatusCode: r.Status, StatusDescription: statusDescription(r.Status), Body: string(r.Body)}
		if a.multiValue {
			out.MultiValueHeaders = &multiHeaderFields{ContentType: []string{h.ContentType}, RequestID: []string{h.RequestID}}
			if h.InventoryAge != "" {
				out.MultiValueHeaders.InventoryAge = []string{h.InventoryAge}
			}
		} else {
			out.Headers = new(h)
		}
		v = out
	}
	return gojson.MarshalWithOption(v, gojson.DisableHTMLEscape())
}
