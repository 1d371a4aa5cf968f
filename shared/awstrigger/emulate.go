package awstrigger

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// EventFromHTTP builds the HTTP API (payload 2.0) event API Gateway would deliver for r:
// the raw query string as sent, headers lower-cased with repeated values joined by
// commas, the body base64-encoded unless it is valid UTF-8 text.
func EventFromHTTP(r *http.Request, body []byte, requestID string, now time.Time) *events.APIGatewayV2HTTPRequest {
	headers := make(map[string]string, len(r.Header)+1)
	for k, v := range r.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	query := map[string]string{}
	for k, v := range r.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	b64 := !utf8.Valid(body)
	encoded := string(body)
	if b64 {
		encoded = base64.StdEncoding.EncodeToString(body)
	}
	ev := &events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              "$default",
		RawPath:               r.URL.Path,
		RawQueryString:        r.URL.RawQuery,
		Headers:               headers,
		QueryStringParameters: query,
		Body:                  encoded,
		IsBase64Encoded:       b64,
	}
	rc := &ev.RequestContext
	rc.RouteKey = "$default"
	rc.AccountID = "123456789012"
	rc.Stage = "$default"
	rc.RequestID = requestID
	rc.APIID = "local"
	rc.DomainName = r.Host
	rc.DomainPrefix = "local"
	rc.Time = now.UTC().Format("02/Jan/2006:15:04:05 -0700")
	rc.TimeEpoch = now.UnixMilli()
	rc.HTTP = events.APIGatewayV2HTTPRequestContextHTTPDescription{
		Method: r.Method, Path: r.URL.Path, Protocol: r.Proto,
		SourceIP: strings.Split(r.RemoteAddr, ":")[0], UserAgent: r.UserAgent(),
	}
	return ev
}
