package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sgref/shared/config"
)

// run runs one of the answering commands on the sample and returns its standard output
// and exit code.
func run(t *testing.T, cmd func(context.Context, []string) error, args ...string) (string, int) {
	t.Helper()
	t.Setenv(config.EnvInventory, "")
	t.Setenv(config.EnvLogLevel, "error")
	var buf bytes.Buffer
	stdout = &buf
	t.Cleanup(func() { stdout = nil })
	code := 0
	if err := cmd(context.Background(), args); err != nil {
		code = exitCode(err)
	}
	return buf.String(), code
}

func TestPlanDeleteAliyun(t *testing.T) {
	out, code := run(t, planDelete, "-region", "cn-hangzhou", "-o", "aliyun", "sg-1133aa")
	want := `# BLOCKED: 2 blockers that no step removes; nothing below would delete every group
# blocker sg-1133aa Instances: 2 instances use sg-1133aa
# blocker sg-1133aa NetworkInterfaces: 2 network interfaces are attached to sg-1133aa
# aliyun ecs RevokeSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-2255cc --SecurityGroupRuleId.1 sgr-000003
# aliyun ecs RevokeSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-2255dd --SecurityGroupRuleId.1 sgr-000005 --SecurityGroupRuleId.2 sgr-000006
# aliyun ecs DeleteSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-1133aa
`
	if out != want || code != exitBlocked {
		t.Errorf("exit %d, output\n%s\nwant exit 3 and\n%s", code, out, want)
	}
	// A set nothing blocks: commands alone, exit 0.
	out, code = run(t, planDelete, "-region", "cn-hangzhou", "-o", "aliyun", "sg-unused01")
	if want := "aliyun ecs DeleteSecurityGroup --RegionId cn-hangzhou --SecurityGroupId sg-unused01\n"; out != want || code != 0 {
		t.Errorf("exit %d, output %q, want 0 %q", code, out, want)
	}
}

func TestAnswerCommands(t *testing.T) {
	for name, tc := range map[string]struct {
		cmd      func(context.Context, []string) error
		args     []string
		code     int
		contains string
	}{
		"refs table":          {refsCmd, []string{"-region", "cn-hangzhou", "sg-1133aa"}, 0, "sg-1133aa  sg-2255dd      123      web-admin"},
		"refs json":           {refsCmd, []string{"-region", "cn-hangzhou", "-o", "json", "sg-1133aa", "sg-unused01"}, 0, `"ReferencingSecurityGroups": []`},
		"rules table":         {rulesCmd, []string{"-region", "cn-hangzhou", "sg-1133aa"}, 0, "sgr-000006  ingress    Drop"},
		"plan table":          {planDelete, []string{"-region", "cn-hangzhou", "sg-db0001", "sg-db0002"}, exitBlocked, "breaks a cycle inside the set"},
		"plan other account":  {planDelete, []string{"-region", "cn-hangzhou", "-account", "123", "sg-classic01"}, exitBlocked, "OtherAccountRule"},
		"plan not the owner":  {planDelete, []string{"-region", "cn-hangzhou", "-account", "456", "sg-classic01"}, 1, ""},
		"graph mermaid":       {graphCmd, []string{"-region", "cn-hangzhou", "sg-1133aa", "-o", "mermaid"}, 0, "flowchart LR"},
		"graph flags after":   {graphCmd, []string{"-region", "cn-hangzhou", "sg-1133aa", "-depth", "2", "-o", "dot"}, 0, "digraph"},
		"unknown group":       {refsCmd, []string{"-region", "cn-hangzhou", "sg-nope"}, 1, ""},
		"group of elsewhere":  {planDelete, []string{"-region", "cn-shanghai", "sg-1133aa"}, 1, ""},
		"unknown region":      {rulesCmd, []string{"-region", "xx-1", "sg-1133aa"}, 1, ""},
		"no region":           {refsCmd, []string{"sg-1133aa"}, exitUsage, ""},
		"no ids":              {planDelete, []string{"-region", "cn-hangzhou"}, exitUsage, ""},
		"bad format":          {graphCmd, []string{"-region", "cn-hangzhou", "-o", "png", "sg-1133aa"}, exitUsage, ""},
		"graph two groups":    {graphCmd, []string{"-region", "cn-hangzhou", "sg-1133aa", "sg-2255cc"}, exitUsage, ""},
		"more than ten is ok": {refsCmd, []string{"-region", "cn-hangzhou", "sg-1133aa", "sg-2255cc", "sg-2255dd", "sg-db0001", "sg-db0002", "sg-cache001", "sg-bastion01", "sg-monitor01", "sg-legacy001", "sg-unused01", "sg-unused02"}, 0, "sg-unused02"},
	} {
		t.Run(name, func(t *testing.T) {
			out, code := run(t, tc.cmd, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.contains) {
				t.Errorf("exit %d, want %d; output:\n%s\nwant it to contain %q", code, tc.code, out, tc.contains)
			}
			if code == 0 && strings.Contains(strings.Join(tc.args, " "), "json") && !json.Valid([]byte(out)) {
				t.Errorf("-o json: not JSON:\n%s", out)
			}
		})
	}
}
