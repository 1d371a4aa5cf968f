package localemu_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/localemu"
)

func serve(api *ecsapi.Handler, q string) *ecsapi.Response {
	return api.Serve(context.Background(), &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: q})
}

// TestRequiresSignatures: with SGREF_AUTH=required the emulator's API refuses unsigned
// requests, the emulated actions' included.
func TestRequiresSignatures(t *testing.T) {
	c := config.Config{Auth: config.AuthRequired, AccessKeys: `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-0123456789","AliUid":"123"}]}`}
	api, err := localemu.New(context.Background(), c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if resp := serve(api, "Action=DescribeRegions&Format=JSON"); resp.Status != 400 || resp.Code != ecsapi.CodeIncompleteSignature {
		t.Errorf("emulator, unsigned request: Status=%d Code=%s, want 400 %s", resp.Status, resp.Code, ecsapi.CodeIncompleteSignature)
	}
}

// TestFromConfig: the emulated account and faults come from the configuration, the
// describe action stays, and a fault spec that does not parse stops the server.
func TestFromConfig(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	api, err := localemu.New(context.Background(), config.Config{Auth: config.AuthOff, EmulateAccount: "456", EmulateFaults: "failgroup=sg-partner01"}, log)
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"Action=GetCallerIdentity&Version=2015-04-01":                                             `"AccountId":"456"`,
		"Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId=sg-partner01": `"Code":"ServiceUnavailable"`,
		"Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa": `"SecurityGroupId":"sg-1133aa"`,
	} {
		if resp := serve(api, q+"&Format=JSON"); !strings.Contains(string(resp.Body), want) {
			t.Errorf("%s: %s, want %s", q, resp.Body, want)
		}
	}
	if _, err := localemu.New(context.Background(), config.Config{Auth: config.AuthOff, EmulateFaults: "throttle=2"}, log); err == nil || !strings.Contains(err.Error(), config.EnvEmulateFaults) {
		t.Errorf("bad faults: err %v, want one naming %s", err, config.EnvEmulateFaults)
	}
}
