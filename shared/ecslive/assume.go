package ecslive

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// assumedRole is the temporary credentials of one account's role, from STS AssumeRole
// with the source's own credentials: asked for on first use, reused within their
// lifetime (AssumeRole is rate-limited), renewed when less than RenewBefore remain (half
// their lifetime when that is shorter). It is a CredentialSource; a renewal holds back the
// account's other callers, so that one AssumeRole serves them all.
type assumedRole struct {
	s       *Source
	arn     string
	mu      sync.Mutex
	base    *conn // the source's own credentials, used under mu
	cur     Credentials
	renewAt time.Time
	session string // RoleSessionName of the next AssumeRole
}

// role returns the account's role credentials, kept across reads; calls counts its
// AssumeRole calls, session names the ones it makes.
func (s *Source) role(account, session string, calls *atomic.Int64) *assumedRole {
	v, _ := s.assumed.LoadOrStore(account, &assumedRole{s: s, arn: "acs:ram::" + account + ":role/" + s.opts.Role})
	a := v.(*assumedRole)
	a.mu.Lock()
	a.base, a.session = s.newConn(s.opts.Credentials, calls), session
	a.mu.Unlock()
	return a
}

func (a *assumedRole) Credentials(ctx context.Context) (Credentials, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur.AccessKeyID != "" && time.Now().Before(a.renewAt) {
		return a.cur, nil
	}
	params := map[string]string{"RoleArn": a.arn, "RoleSessionName": a.session,
		"DurationSeconds": strconv.Itoa(int(a.s.opts.Duration / time.Second))}
	var out struct {
		Credentials struct{ AccessKeyId, AccessKeySecret, SecurityToken, Expiration string }
	}
	asked := time.Now()
	if err := a.s.call(ctx, a.base, "Sts", "sts.aliyuncs.com", "2015-04-01", "AssumeRole", "", params, &out); err != nil {
		return Credentials{}, fmt.Errorf("assume %s: %w", a.arn, err)
	}
	c := out.Credentials
	exp, err := time.Parse(time.RFC3339, c.Expiration)
	if err != nil || c.AccessKeyId == "" || c.AccessKeySecret == "" {
		return Credentials{}, fmt.Errorf("assume %s: AssumeRole answered no usable credentials (Expiration %q)", a.arn, c.Expiration)
	}
	life := exp.Sub(asked)
	a.cur = Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
	a.renewAt = exp.Add(-min(a.s.opts.RenewBefore, life/2))
	return a.cur, nil
}

// newSessionName names the role sessions of one read: sgref-<capture id>, the id its
// start time and a random suffix, so that ActionTrail ties every call to one capture.
func newSessionName(now time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return "sgref-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// expire has c renewed at the next use, unless a renewal replaced it already: a call
// found them expired (clocks differ, or the call took long on the way).
func (a *assumedRole) expire(c Credentials) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur == c {
		a.renewAt = time.Time{}
	}
}
