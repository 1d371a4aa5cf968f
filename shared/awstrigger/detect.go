package awstrigger

import (
	"encoding/json"
	"errors"
	"strings"
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
	var p struct {
		Version        string          `json:"version"`
		HTTPMethod     string          `json:"httpMethod"`
		RouteKey       *string         `json:"routeKey"`
		Source         string          `json:"source"`
		DetailType     string          `json:"detail-type"`
		Regions        json.RawMessage `json:"Regions"`
		Accounts       json.RawMessage `json:"Accounts"`
		RequestContext *struct {
			ELB        json.RawMessage `json:"elb"`
			DomainName string          `json:"domainName"`
			HTTP       *struct {
				Method string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil || obj == nil {
			return Unknown, errors.New("event is not a JSON object")
		}
		return Unknown, errors.New("event has a field of the wrong type for every known shape")
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
	case p.Source == "aws.events" && p.DetailType == "Scheduled Event":
		return Schedule, nil
	}
	// Not on the HTTP path: look at the members only now.
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
