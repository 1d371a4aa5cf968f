package fctrigger

import (
	"encoding/json"
	"errors"
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

// Detect tells an FC event's kind from its JSON, or returns an error for anything that is
// neither an HTTP-trigger nor a timer event.
func Detect(raw []byte) (Kind, error) {
	var p struct {
		Version        *string `json:"version"`
		RawPath        *string `json:"rawPath"`
		RequestContext *struct {
			HTTP *struct {
				Method *string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
		TriggerTime *string `json:"triggerTime"`
		TriggerName *string `json:"triggerName"`
		Payload     *string `json:"payload"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return Unknown, errors.New("event is not a JSON object")
	}
	switch {
	case p.RequestContext != nil && p.RequestContext.HTTP != nil && str(p.RequestContext.HTTP.Method) != "" && p.RawPath != nil &&
		str(p.Version) != "2.0": // FC sends "v1"; "2.0" is an AWS payload of the same outline

		return HTTP, nil
	case p.TriggerTime != nil && p.TriggerName != nil:
		return Timer, nil
	}
	return Unknown, errors.New("event is neither an FC HTTP-trigger event (version v1, rawPath, requestContext.http.method) nor a timer event (triggerTime, triggerName)")
}
