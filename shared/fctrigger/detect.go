package fctrigger

import (
	"errors"

	gojson "github.com/goccy/go-json"
)

// Kind is the shape of an FC event.
type Kind int

// Event kinds.
const (
	Unknown Kind = iota
	HTTP         // HTTP trigger
	Timer        // timer trigger
)

func (k Kind) String() string {
	return [...]string{"unknown", "fc-http", "fc-timer"}[k]
}

// event is what one decode of an FC event reads: the members of the SDK's HTTP-trigger
// event (events.HTTPTriggerEvent) that the adapter uses, under its names, and the timer
// event's members that tell the two apart. An HTTP invocation decodes its event once,
// into this, and the shape is told from the same pass. A member is a pointer only where
// its absence means something other than its zero value.
type event struct {
	Version         string            `json:"version"`
	RawPath         *string           `json:"rawPath"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	TriggerContext  struct {
		DomainName string `json:"domainName"`
		HTTP       struct {
			Method string `json:"method"`
		} `json:"http"`
	} `json:"requestContext"`
	TriggerTime *string `json:"triggerTime"`
	TriggerName *string `json:"triggerName"`
}

// Detect tells an FC event's kind from its JSON, or returns an error for anything that is
// neither an HTTP-trigger nor a timer event.
func Detect(raw []byte) (Kind, error) {
	var ev event
	return decodeEvent(raw, &ev)
}

// decodeEvent decodes raw into ev (goccy/go-json, encoding/json's rules at a fraction of
// its cost: README, Performance) and tells its kind. The decoded strings refer to raw
// (DecodeNoCopyString): raw must not change while they are in use.
func decodeEvent(raw []byte, ev *event) (Kind, error) {
	if err := gojson.UnmarshalWithOption(raw, ev, gojson.DecodeNoCopyString()); err != nil {
		return Unknown, errors.New("event is not a JSON object")
	}
	switch {
	case ev.TriggerContext.HTTP.Method != "" && ev.RawPath != nil &&
		ev.Version != "2.0": // FC sends "v1"; "2.0" is an AWS payload of the same outline
		return HTTP, nil
	case ev.TriggerTime != nil && ev.TriggerName != nil:
		return Timer, nil
	}
	return Unknown, errors.New("event is neither an FC HTTP-trigger event (version v1, rawPath, requestContext.http.method) nor a timer event (triggerTime, triggerName)")
}
