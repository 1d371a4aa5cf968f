// Package fctrigger adapts Alibaba Cloud Function Compute 3.0 events to the sgref core:
// the HTTP trigger (events.HTTPTriggerEvent in, events.HTTPTriggerResponse out) and the
// timer trigger (events.TimerEvent, its payload a JSON scan request). It also turns a
// net/http request into the event FC would deliver, so the local server can run the very
// path a deployed function runs.
package fctrigger
