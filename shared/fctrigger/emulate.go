package fctrigger

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// EventFromHTTP builds the HTTP-trigger event FC would deliver for r, as the local
// server's FC mode and the emulated invocations need: repeated query keys and headers
// joined with commas, the body base64-encoded unless it is valid UTF-8 text.
func EventFromHTTP(r *http.Request, body []byte, requestID string, now time.Time) *events.HTTPTriggerEvent {
	join := func(m map[string][]string) *map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = strings.Join(v, ",")
		}
		return &out
	}
	headers := join(r.Header)
	if r.Host != "" {
		(*headers)["Host"] = r.Host
	}
	b64 := !utf8.Valid(body)
	encoded := string(body)
	if b64 {
		encoded = base64.StdEncoding.EncodeToString(body)
	}
	s := func(v string) *string { return &v }
	ev := &events.HTTPTriggerEvent{
		Version:         s("v1"),
		RawPath:         s(r.URL.Path),
		Body:            &encoded,
		IsBase64Encoded: &b64,
		Headers:         headers,
		QueryParameters: join(r.URL.Query()),
	}
	ev.TriggerContext.AccountId = s("1234567890123456")
	ev.TriggerContext.DomainName = s(r.Host)
	ev.TriggerContext.DomainPrefix = s("local")
	ev.TriggerContext.Http.Method = s(r.Method)
	ev.TriggerContext.Http.Path = s(r.URL.Path)
	ev.TriggerContext.Http.Protocol = s(r.Proto)
	ev.TriggerContext.Http.SourceIp = s(strings.Split(r.RemoteAddr, ":")[0])
	ev.TriggerContext.Http.UserAgent = s(r.UserAgent())
	ev.TriggerContext.RequestId = s(requestID)
	ev.TriggerContext.Time = s(now.UTC().Format(time.RFC3339))
	ev.TriggerContext.TimeEpoch = s(strconv.FormatInt(now.UnixMilli(), 10))
	return ev
}
