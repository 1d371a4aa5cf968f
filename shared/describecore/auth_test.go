package describecore_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"sgref/shared/config"
	"sgref/shared/describecore"
	"sgref/shared/ecsapi"
)

func TestAuthenticatorFromConfig(t *testing.T) {
	const good = `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-0123456789","AliUid":"1"}]}`
	const bad = `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-short","AliUid":"1"}]}`
	for name, tc := range map[string]struct {
		auth, keys string
		want       bool   // an authenticator
		err        string // a part of the error
	}{
		"off":                {config.AuthOff, "", false, ""},
		"off with a table":   {config.AuthOff, good, false, ""},
		"required":           {config.AuthRequired, good, true, ""},
		"required, bad":      {config.AuthRequired, bad, false, "SGREF_ACCESS_KEYS: AccessKeys[0].AccessKeySecret: too short"},
		"required, not JSON": {config.AuthRequired, "S3CRET-alone", false, "SGREF_ACCESS_KEYS: want file:PATH"},
		"required, no file":  {config.AuthRequired, "file:/nonexistent/keys.json", false, "SGREF_ACCESS_KEYS: read key table"},
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			a, err := describecore.Authenticator(config.Config{Auth: tc.auth, AccessKeys: config.Secret(tc.keys)}, slog.New(slog.NewJSONHandler(&logs, nil)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if (a != nil) != tc.want {
				t.Errorf("authenticator %v, want one: %v", a, tc.want)
			}
			for _, out := range []string{logs.String(), errString(err)} {
				if strings.Contains(out, "S3CRET") {
					t.Errorf("a secret is shown: %s", out)
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestBuildRequiresSignatures: with SGREF_AUTH=required the API of Build refuses
// unsigned requests.
func TestBuildRequiresSignatures(t *testing.T) {
	c := config.Config{Auth: config.AuthRequired, AccessKeys: `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-0123456789","AliUid":"123"}]}`}
	core, err := describecore.Build(context.Background(), c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	resp := core.API.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{},
		RawQuery: "Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"})
	if resp.Status != 400 || resp.Code != ecsapi.CodeIncompleteSignature {
		t.Errorf("unsigned request: Status=%d Code=%s, want 400 %s", resp.Status, resp.Code, ecsapi.CodeIncompleteSignature)
	}
}

// TestFaultActions: the fault-injection actions exist only with SGREF_FAULTS=on.
func TestFaultActions(t *testing.T) {
	for on, want := range map[bool]int{false: 404, true: 200} {
		core, err := describecore.Build(context.Background(), config.Config{Auth: config.AuthOff, Faults: on}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		resp := core.API.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{},
			RawQuery: "Action=SgrefFaultSleep&Millis=1&Format=JSON"})
		if resp.Status != want {
			t.Errorf("SGREF_FAULTS on=%v: Status=%d %s, want %d", on, resp.Status, resp.Body, want)
		}
	}
}
