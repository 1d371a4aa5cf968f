// Package trigger runs a function's invocations the same way on both clouds. A cloud's
// adapter (fctrigger, awstrigger) only decodes its events: an HTTP event into an
// ecsapi.Request and a way to encode the ecsapi.Response in the event's response shape,
// a scheduled event into a scan.Request. HTTP and Scan do the rest: guard the decoding,
// serve or scan, log.
package trigger
