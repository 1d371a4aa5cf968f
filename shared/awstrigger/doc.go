// Package awstrigger adapts AWS Lambda events to the sgref core: every HTTP front door AWS
// gives a function (API Gateway REST proxy, HTTP API payload 2.0, Function URL, ALB with
// and without multi-value headers), told apart from the raw event in one place, and the
// scheduled events of the scan (EventBridge schedule, EventBridge Scheduler input). It
// also builds the event a front door would send for a net/http request, for the local
// server's Lambda mode.
package awstrigger
