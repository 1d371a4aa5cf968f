package ecsemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"time"

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

// STS's error codes, as STS answers them (not ECS's: the emulator's alone).
func stsError(status int, code, message string) *ecsapi.Error {
	return &ecsapi.Error{Code: code, Status: status, Message: message}
}

var roleARN = regexp.MustCompile(`^acs:ram::([0-9]+):role/([A-Za-z0-9._-]+)$`)

// issued is one set of temporary credentials the emulated STS handed out.
type issued struct {
	account string
	expires time.Time
}

type assumeRoleResponse struct {
	XMLName     xml.Name `json:"-" xml:"AssumeRoleResponse"`
	RequestId   string
	Credentials struct {
		AccessKeyId, AccessKeySecret, SecurityToken, Expiration string
	}
	AssumedRoleUser struct{ Arn, AssumedRoleId string }
}

// assumeRole emulates STS AssumeRole (2015-04-01): temporary credentials bound to the
// account of RoleArn, which every emulated action then answers for. The role must be
// Options.Role in an account of the directory; DurationSeconds 900..43200 (3600 when
// absent), the lifetime cut to Options.CredentialLifetime when that is set.
func (e *Emulator) assumeRole(_ context.Context, c *ecsapi.Call) (any, error) {
	p := c.Params()
	arn, session := p.Get("RoleArn"), p.Get("RoleSessionName")
	if arn == "" {
		return nil, ecsapi.Errorf(ecsapi.CodeMissingParameter, "RoleArn")
	}
	if !regexp.MustCompile(`^[\w.@-]{2,64}$`).MatchString(session) {
		return nil, ecsapi.Errorf(ecsapi.CodeInvalidParameter, "RoleSessionName")
	}
	dur, err := c.IntParam("DurationSeconds", 3600, 900, 43200)
	if err != nil {
		return nil, err
	}
	m := roleARN.FindStringSubmatch(arn)
	if m == nil {
		return nil, stsError(http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
	}
	account, role := m[1], m[2]
	if !e.members[account] || role != e.opts.Role {
		return nil, stsError(http.StatusNotFound, "EntityNotExist.Role", "The specified Role not exists: "+arn)
	}
	life := time.Duration(dur) * time.Second
	if l := e.opts.CredentialLifetime; l > 0 && l < life {
		life = l
	}
	now := time.Now()
	resp := &assumeRoleResponse{RequestId: c.RequestID()}
	id := "STS." + random(12)
	resp.Credentials.AccessKeyId, resp.Credentials.AccessKeySecret, resp.Credentials.SecurityToken = id, random(16), "CAIS"+random(24)
	resp.Credentials.Expiration = now.Add(life + e.opts.ClockSkew).UTC().Format(time.RFC3339Nano)
	resp.AssumedRoleUser.Arn = arn + "/" + session
	resp.AssumedRoleUser.AssumedRoleId = strconv.FormatInt(now.UnixNano(), 10) + ":" + session
	e.mu.Lock()
	e.issued[id] = issued{account: account, expires: now.Add(life)}
	e.mu.Unlock()
	return resp, nil
}

// credentialed returns fn behind the check of temporary credentials: an expired one is
// refused as ECS refuses it.
func (e *Emulator) credentialed(fn action) action {
	return func(ctx context.Context, c *ecsapi.Call) (any, error) {
		if id := c.Params().Get("AccessKeyId"); id != "" {
			e.mu.Lock()
			t, ok := e.issued[id]
			e.mu.Unlock()
			if ok && time.Now().After(t.expires) {
				return nil, stsError(http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
			}
		}
		return fn(ctx, c)
	}
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
