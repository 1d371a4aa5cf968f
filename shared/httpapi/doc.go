// Package httpapi serves the ECS API over net/http: the local server's adapter, and the
// same path a deployed function takes, minus the platform's event encoding.
package httpapi
