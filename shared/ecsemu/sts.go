package ecsemu

import (
	"context"
	"encoding/xml"

	"sgref/shared/ecsapi"
)

type callerIdentityResponse struct {
	XMLName      xml.Name `json:"-" xml:"GetCallerIdentityResponse"`
	RequestId    string
	AccountId    string
	UserId       string
	PrincipalId  string
	Arn          string
	IdentityType string
}

// getCallerIdentity emulates STS GetCallerIdentity (version 2015-04-01): the caller's
// account (the emulated one without authentication), as its root identity.
func (e *Emulator) getCallerIdentity(_ context.Context, c *ecsapi.Call) (any, error) {
	a := e.account(c)
	return &callerIdentityResponse{RequestId: c.RequestID(), AccountId: a, UserId: a, PrincipalId: a,
		Arn: "acs:ram::" + a + ":root", IdentityType: "Account"}, nil
}
