// Package fccustom runs the describe API as a Function Compute custom runtime: the binary
// is the HTTP server FC forwards each request to (on the port the function's
// configuration names, 9000 by default, on every interface), many requests at a time on
// one instance (instanceConcurrency). It is the net/http adapter (package httpapi) with
// FC's part of the contract: the request ID of x-fc-request-id on the log line, the
// temporary credentials of x-fc-access-key-id, x-fc-access-key-secret and
// x-fc-security-token handed to the live or stored inventory, 200 for the initializer
// call (x-fc-control-path /initialize) and a health path.
package fccustom
