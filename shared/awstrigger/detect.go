package awstrigger

import (
	"encoding/json"
	"errors"
	"strings"

	gojson "github.com/goccy/go-json"
)

// Kind is the shape of a Lambda event.
type Kind int

// Event kinds.
const (
	Unknown      Kind = iota
	APIGatewayV1      // API Gateway REST API proxy integration (payload 1.0)
	HTTPAPIV2         // API Gateway HTTP API, payload 2.0
	FunctionURL       // Lambda Function URL (payload 2.0 shape)
	ALB               // Application Load Balancer target
	Schedule          // EventBridge scheduled event envelope
	ScanScope         // a bare job request (scan scope or capture), as Scheduler or a rule's constant Input delivers it
)

func (k Kind) String() string {
	return [...]string{"unknown", "apigw-v1", "http-api-v2", "function-url", "alb", "eventbridge-schedule", "scan-scope"}[k]
}

// IsHTTP reports whether the kind is an HTTP front door.
func (k Kind) IsHTTP() bool { return k >= APIGatewayV1 && k <= ALB }

// Detect tells a Lambda event's kind from its JSON. It is the one place that knows the
// shapes apart.
func Detect(raw []byte) (Kind, error) {
	var ev httpEvent
	return decodeEvent(raw, &ev)
}

// httpEvent is what one decode of a Lambda event reads: the members of the four HTTP front
// doors' SDK events (events.APIGatewayProxyRequest, APIGatewayV2HTTPRequest,
// LambdaFunctionURLRequest, ALBTargetGroupRequest) that the adapter uses, under the SDK's
// names, and those that tell the shapes apart. An HTTP invocation decodes its event once,
// into this, and the shape is told from the same pass.
type httpEvent struct {
	Version           string              `json:"version"`
	RouteKey          *string             `json:"routeKey"`
	HTTPMethod        string              `json:"httpMethod"`
	RawQueryString    string              `json:"rawQueryString"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	// Only API Gateway v1 and ALB read the query maps (payload 2.0 has rawQueryString):
	// they are kept as they came and decoded for those kinds alone.
	QueryStringParameters           gojson.RawMessage `json:"queryStringParameters"`
	MultiValueQueryStringParameters gojson.RawMessage `json:"multiValueQueryStringParameters"`
	Body                            string            `json:"body"`
	IsBase64Encoded                 bool              `json:"isBase64Encoded"`
	Source                          string            `json:"source"`
	DetailType                      string            `json:"detail-type"`
	RequestContext                  *struct {
		ELB        gojson.RawMessage `json:"elb"`
		DomainName string            `json:"domainName"`
		HTTP       *struct {
			Method string `json:"method"`
		} `json:"http"`
	} `json:"requestContext"`
}

// decodeEvent decodes raw into ev (goccy/go-json, encoding/json's rules at a fraction of
// its cost: README, Performance) and tells its kind. The decoded strings refer to raw
// (DecodeNoCopyString): raw must not change while they are in use.
func decodeEvent(raw []byte, p *httpEvent) (Kind, error) {
	if err := gojson.UnmarshalWithOption(raw, p, gojson.DecodeNoCopyString()); err != nil {
		// A scheduled event may carry members of its own that an HTTP event types
		// otherwise: tell it by the members it is known by.
		return detectScheduled(raw)
	}
	rc := p.RequestContext
	switch {
	case rc != nil && len(rc.ELB) > 0 && p.HTTPMethod != "":
		return ALB, nil
	case p.Version == "2.0" && rc != nil && rc.HTTP != nil && rc.HTTP.Method != "":
		if strings.Contains(rc.DomainName, ".lambda-url.") || p.RouteKey == nil {
			return FunctionURL, nil
		}
		return HTTPAPIV2, nil
	case p.HTTPMethod != "" && rc != nil:
		return APIGatewayV1, nil
	}
	return detectScheduled(raw)
}

// detectScheduled tells the kinds off the HTTP path, where a second look costs nothing
// that matters.
func detectScheduled(raw []byte) (Kind, error) {
	var p struct {
		Source     string `json:"source"`
		DetailType string `json:"detail-type"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil || obj == nil {
			return Unknown, errors.New("event is not a JSON object")
		}
		return Unknown, errors.New("event has a field of the wrong type for every known shape")
	}
	if p.Source == "aws.events" && p.DetailType == "Scheduled Event" {
		return Schedule, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return Unknown, errors.New("event is not a JSON object")
	}
	onlyScope := true
	for k := range obj {
		if k != "Job" && k != "Regions" && k != "Accounts" {
			onlyScope = false
		}
	}
	if onlyScope {
		return ScanScope, nil
	}
	return Unknown, errors.New("event matches no known shape (API Gateway v1/v2, Function URL, ALB, EventBridge schedule, job request)")
}
