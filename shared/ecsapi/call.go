package ecsapi

import "strconv"

// What an Action reads of its request. The handler has checked Format, Action, Version,
// the signature and the owner parameters before the action runs.

// Params returns the request's parameters.
func (c *Call) Params() Params { return c.params }

// RequestID returns the request's ID, the RequestId of its answer.
func (c *Call) RequestID() string { return c.requestID }

// Caller returns who the request acts as: the zero Caller without authentication.
func (c *Call) Caller() Caller { return c.caller }

// RegionID checks RegionId as every sgref action does (given, and a region ECS has or
// the inventory holds a group of the caller in) and returns it.
func (c *Call) RegionID() (string, error) {
	id, _, err := c.region()
	return id, err
}

// IntParam reads an optional integer parameter: def when absent or empty,
// InvalidParameter when not an integer within [lo, hi].
func (c *Call) IntParam(name string, def, lo, hi int) (int, error) {
	v, ok := c.params.Lookup(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, Errorf(CodeInvalidParameter, name)
	}
	return n, nil
}
