package infra_test

// Offline checks of the deployment templates, one file per template: fc_test.go (s.yaml
// and the RAM policy), sam_test.go (the SAM template, samconfig.toml), repo_test.go (the
// templates against the repository: Makefile targets, function directories, sample
// events). Every check is a function from a file's bytes to a list of problems, so each
// file's broken-variant table can feed it broken copies of the real files and prove each
// rule fires.
//
// Where a rule comes from a platform's documentation, the comment names the page.

import (
	"bytes"
	"embed"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"sgref/shared/config"
)

// Files, relative to this package's directory (where go test runs).
const (
	repoRoot       = ".."
	fcTemplateFile = "../s.yaml"
	samTemplate    = "aws/template.yaml"
	samConfigFile  = "aws/samconfig.toml"
	samMakefile    = "aws/sam.mk"
)

// problems collects what a check found wrong.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return b
}

func reportProblems(t *testing.T, what string, ps problems) {
	t.Helper()
	for _, p := range ps {
		t.Errorf("%s: %s", what, p)
	}
}

// ---------------------------------------------------------------------------
// Small accessors for decoded YAML/JSON trees.

func getMap(v any, path ...string) map[string]any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	m, _ := v.(map[string]any)
	return m
}

func getString(v any, path ...string) (string, bool) {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		v = m[k]
	}
	s, ok := v.(string)
	return s, ok
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string: // CloudFormation Number parameters may be written as strings
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// stringList accepts a string or a list of strings (as IAM and RAM statements do).
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// ---------------------------------------------------------------------------
// Rules shared by both clouds.

// checkPolicyActions walks any tree and reports every policy action that is a wildcard
// or a NotAction (which grants everything but the list): least privilege means naming
// each action. A Deny may use wildcards: it takes rights away (the bucket policy's
// refusal of plain HTTP denies s3:*).
func checkPolicyActions(where string, v any, p *problems) {
	switch x := v.(type) {
	case map[string]any:
		deny := x["Effect"] == "Deny"
		for _, k := range sortedKeys(x) {
			switch strings.ToLower(k) {
			case "notaction":
				p.addf("%s: NotAction grants every action not listed; name the actions instead", where)
			case "action":
				acts, ok := stringList(x[k])
				if !ok {
					p.addf("%s: Action is not a string or a list of strings: %v", where, x[k])
				}
				for _, a := range acts {
					if strings.Contains(a, "*") && !deny {
						p.addf("%s: wildcard action %q", where, a)
					}
				}
			}
			checkPolicyActions(where+"."+k, x[k], p)
		}
	case []any:
		for i, e := range x {
			checkPolicyActions(fmt.Sprintf("%s[%d]", where, i), e, p)
		}
	}
}

// checkEnvValues checks the values of the variables sgref reads against what
// shared/config accepts.
func checkEnvValues(where string, env map[string]string, p *problems) {
	for _, k := range sortedKeys(env) {
		if !slices.Contains(config.Vars, k) && k != envCapture && k != envCaptureSource {
			p.addf("%s: environment variable %s is not one sgref reads (shared/config.Vars)", where, k)
		}
	}
	if v, ok := env[config.EnvAuth]; ok && v != config.AuthOff && v != config.AuthRequired {
		p.addf("%s: %s=%q, want %q or %q", where, config.EnvAuth, v, config.AuthOff, config.AuthRequired)
	}
	if v, ok := env[config.EnvLogLevel]; ok {
		var l slog.Level // the parser config.FromEnv uses
		if err := l.UnmarshalText([]byte(v)); err != nil {
			p.addf("%s: %s=%q: %v", where, config.EnvLogLevel, v, err)
		}
	}
	if v, ok := env[config.EnvReport]; ok && v != "stdout" && !(strings.HasPrefix(v, "file:") && len(v) > len("file:")) {
		if u, err := parseStoreURL(v); err != nil || !u.prefix() {
			p.addf("%s: %s=%q, want stdout, file:DIR or an oss:// or s3:// prefix ending in /", where, config.EnvReport, v)
		}
	}
	if v, ok := env[config.EnvRefresh]; ok {
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			p.addf("%s: %s=%q, want a positive Go duration", where, config.EnvRefresh, v)
		}
	}
}

// brokenVariant is a broken copy of a real file: old replaced by new must make the file's
// checker report a problem containing want.
type brokenVariant struct {
	Name string `yaml:"name"`
	Old  string `yaml:"old"`
	New  string `yaml:"new"`
	Want string `yaml:"want"`
}

//go:embed testdata/broken
var brokenVariants embed.FS

// testBrokenVariants proves that check catches every variant in testdata/broken/<name>.yaml
// of the file at path.
func testBrokenVariants(t *testing.T, path, name string, check func(string) problems) {
	t.Helper()
	orig := string(mustRead(t, path))
	raw, err := brokenVariants.ReadFile("testdata/broken/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var variants []brokenVariant
	if err := yaml.Unmarshal(raw, &variants); err != nil {
		t.Fatalf("testdata/broken/%s.yaml: %v", name, err)
	}
	if len(variants) == 0 {
		t.Fatalf("testdata/broken/%s.yaml: no variants", name)
	}
	for _, tc := range variants {
		t.Run(tc.Name, func(t *testing.T) {
			if !strings.Contains(orig, tc.Old) {
				t.Fatalf("%s no longer contains %q; update this case", path, tc.Old)
			}
			wantProblem(t, check(strings.Replace(orig, tc.Old, tc.New, 1)), tc.Want)
		})
	}
}

// wantProblem fails unless one of got mentions want.
func wantProblem(t *testing.T, got problems, want string) {
	t.Helper()
	for _, p := range got {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("no problem mentions %q; got %d:\n%s", want, len(got), strings.Join(got, "\n"))
}

// TestScheduleExpressions checks the schedule syntax of both clouds: FC timer crons
// (checkFCCron, fc_test.go) and EventBridge schedules (checkScheduleExpression,
// sam_test.go).
func TestScheduleExpressions(t *testing.T) {
	tests := []struct {
		cloud string
		check func(string) error
		expr  string
		valid bool
	}{
		{"fc", checkFCCron, "0 0 3 * * *", true},
		{"fc", checkFCCron, "CRON_TZ=Asia/Shanghai 0 0 3 * * *", true},
		{"fc", checkFCCron, "0 */5 * * * *", true},
		{"fc", checkFCCron, "0 0 8 ? * MON-FRI", true},
		{"fc", checkFCCron, "0 30 1 1,15 JAN-MAR *", true},
		{"fc", checkFCCron, "@every 5m", true},
		{"fc", checkFCCron, "@every 2h", true},
		{"fc", checkFCCron, "0 3 * * *", false}, // five fields: a Unix cron line
		{"fc", checkFCCron, "0 0 3 * * * 2026", false},
		{"fc", checkFCCron, "0 0 24 * * *", false},
		{"fc", checkFCCron, "0 60 3 * * *", false},
		{"fc", checkFCCron, "0 0 3 * * 8", false},
		{"fc", checkFCCron, "CRON_TZ=Mars/Olympus 0 0 3 * * *", false},
		{"fc", checkFCCron, "CRON_TZ=Asia/Shanghai", false},
		{"fc", checkFCCron, "@every 0m", false},
		{"fc", checkFCCron, "@every 30s", false},
		{"fc", checkFCCron, "0 0 3 * * */0", false},
		{"fc", checkFCCron, "0 0 5-3 * * *", false},
		{"fc", checkFCCron, "", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 * * ? *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0/15 8-17 ? * MON-FRI *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 12 L * ? *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 10 ? * 6L *)", true},
		{"eventbridge", checkScheduleExpression, "rate(1 day)", true},
		{"eventbridge", checkScheduleExpression, "rate(5 minutes)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 3 * * * *)", false}, // day-of-month and day-of-week both set
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * ? *)", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 * * ?)", false},
		{"eventbridge", checkScheduleExpression, "cron(60 3 * * ? *)", false},
		{"eventbridge", checkScheduleExpression, "rate(1 days)", false},
		{"eventbridge", checkScheduleExpression, "rate(5 minute)", false},
		{"eventbridge", checkScheduleExpression, "rate(0 minutes)", false},
		{"eventbridge", checkScheduleExpression, "0 3 * * ? *", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * 1 *)", true}, // Sunday is 1, robfig's 0
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * 2-6 *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * 0 *)", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * 8 *)", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 ? * 1/2 *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 10 ? * 6#3 *)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 10 ? * 6#9 *)", false},
		{"eventbridge", checkScheduleExpression, "cron(0 3 * * ? 2026-2030)", true},
		{"eventbridge", checkScheduleExpression, "cron(0 3 * * ? 1969)", false},
	}
	for _, tc := range tests {
		t.Run(tc.cloud+" "+tc.expr, func(t *testing.T) {
			if err := tc.check(tc.expr); (err == nil) != tc.valid {
				t.Errorf("%s: check(%q) = %v, want valid=%v", tc.cloud, tc.expr, err, tc.valid)
			}
		})
	}
}

// TestChecksSurviveMalformedInput feeds every check truncated and mangled copies of the
// real files: each must report problems, never panic. (A Go fuzz target would be the
// usual tool, but goformation's generated code is so large that coverage-guided fuzzing
// of this package runs at a few executions a second.)
func TestChecksSurviveMalformedInput(t *testing.T) {
	checks := map[string]func([]byte){
		fcTemplateFile: func(b []byte) {
			if tpl, _ := parseFC(b); tpl.Doc != nil {
				checkFC(tpl)
			}
		},
		samTemplate:                           func(b []byte) { checkSAM(b) },
		samConfigFile:                         func(b []byte) { checkSAMConfig(b, mustRead(t, samTemplate), repoRoot) },
		ramPolicyFiles["describe-references"]: func(b []byte) { checkRAMPolicy(b) },
		ramPolicyFiles["orphan-scan"]: func(b []byte) {
			tpl, _ := parseFC(mustRead(t, fcTemplateFile))
			checkFCRoles(tpl, map[string][]byte{"orphan-scan": b})
		},
	}
	const structural = ":-[]{}'\"\n #!*$,=\t"
	rng := rand.New(rand.NewPCG(1, 2))
	for _, path := range sortedKeys(checks) {
		data := mustRead(t, path)
		var inputs [][]byte
		lines := bytes.SplitAfter(data, []byte("\n"))
		// About 30 cuts and 30 mangled copies a file: checkSAM renders the template a dozen
		// times, which the race detector makes slow.
		for i := 0; i < len(lines); i += max(1, len(lines)/30) {
			inputs = append(inputs, bytes.Join(lines[:i], nil))
		}
		for range 30 {
			b := bytes.Clone(data)
			for range 1 + rng.IntN(3) {
				b[rng.IntN(len(b))] = structural[rng.IntN(len(structural))]
			}
			inputs = append(inputs, b)
		}
		for _, in := range inputs {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s check panicked on:\n%s\npanic: %v", path, in, r)
					}
				}()
				checks[path](in)
				checkFCCron(string(in))
				checkScheduleExpression(string(in))
				decodeTimerJob(string(in))
				parseStoreURL(string(in))
				parseOverrides(string(in))
			}()
		}
	}
}
