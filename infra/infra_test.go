package infra_test

// Offline checks of the deployment templates. Every check is a function from a parsed
// template (or raw bytes) to a list of problems, so TestChecksCatchBrokenTemplates can
// feed it broken variants of the real files and prove each rule fires.
//
// Where a rule comes from a platform's documentation, the comment names the page.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // CRON_TZ zones are checked without relying on the host's zoneinfo

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"
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
	ramPolicyFile  = "alibaba/ram-policy.json"
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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
// each action.
func checkPolicyActions(where string, v any, p *problems) {
	switch x := v.(type) {
	case map[string]any:
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
					if strings.Contains(a, "*") {
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

// scanScope is the orphan scan's input: the FC timer payload and the EventBridge Input
// carry the same JSON document.
type scanScope struct {
	Regions  *[]string `json:"Regions"`
	Accounts *[]string `json:"Accounts"`
}

var regionIDPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)

func decodeScanScope(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var sc scanScope
	if err := dec.Decode(&sc); err != nil {
		return fmt.Errorf("scan scope %q: %w", s, err)
	}
	if dec.More() {
		return fmt.Errorf("scan scope %q: trailing data after the JSON object", s)
	}
	if sc.Regions == nil || sc.Accounts == nil {
		return fmt.Errorf("scan scope %q: want both Regions and Accounts (lists, possibly empty)", s)
	}
	for _, r := range *sc.Regions {
		if !regionIDPattern.MatchString(r) {
			return fmt.Errorf("scan scope %q: %q is not a region ID", s, r)
		}
	}
	for _, a := range *sc.Accounts {
		if strings.TrimSpace(a) == "" {
			return fmt.Errorf("scan scope %q: empty account", s)
		}
	}
	return nil
}

// checkEnvValues checks the values of the variables sgref reads against what
// shared/config accepts.
func checkEnvValues(where string, env map[string]string, p *problems) {
	for _, k := range sortedKeys(env) {
		if !slices.Contains(config.Vars, k) {
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
		p.addf("%s: %s=%q, want stdout or file:DIR", where, config.EnvReport, v)
	}
}

// cronField describes one field of a cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i (JAN.. or SUN..)
	question bool     // "?" allowed
	special  *regexp.Regexp
}

func (f cronField) value(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= f.min && n <= f.max
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, true
		}
	}
	return 0, false
}

func (f cronField) check(s string) error {
	if s == "?" {
		if !f.question {
			return fmt.Errorf("%s: ? is not allowed", f.name)
		}
		return nil
	}
	if f.special != nil && f.special.MatchString(s) {
		return nil
	}
	for _, item := range strings.Split(s, ",") {
		base, step, hasStep := strings.Cut(item, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n <= 0 {
				return fmt.Errorf("%s: bad step in %q", f.name, item)
			}
		}
		switch lo, hi, isRange := strings.Cut(base, "-"); {
		case base == "*":
		case isRange:
			a, okA := f.value(lo)
			b, okB := f.value(hi)
			if !okA || !okB || a > b {
				return fmt.Errorf("%s: bad range %q (want %d-%d)", f.name, base, f.min, f.max)
			}
		default:
			if _, ok := f.value(base); !ok {
				return fmt.Errorf("%s: bad value %q (want %d-%d)", f.name, base, f.min, f.max)
			}
		}
	}
	return nil
}

var (
	months   = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	weekdays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// FC timer triggers (Function Compute "Time triggers", API TimeTriggerConfig): "@every N"
// minutes or hours, or six fields "second minute hour day-of-month month day-of-week" in
// UTC, optionally prefixed by "CRON_TZ=<IANA zone> ". The pages read do not say how FC
// numbers the days of the week, so both 0 and 7 are taken for Sunday.
var (
	fcCronFields = []cronField{
		{name: "second", min: 0, max: 59},
		{name: "minute", min: 0, max: 59},
		{name: "hour", min: 0, max: 23},
		{name: "day-of-month", min: 1, max: 31, question: true},
		{name: "month", min: 1, max: 12, names: months},
		{name: "day-of-week", min: 0, max: 7, names: weekdays, question: true},
	}
	fcEvery = regexp.MustCompile(`^@every [1-9][0-9]*[mh]$`)
)

func checkFCCron(expr string) error {
	if fcEvery.MatchString(expr) {
		return nil
	}
	rest := expr
	if strings.HasPrefix(rest, "CRON_TZ=") {
		zone, after, ok := strings.Cut(strings.TrimPrefix(rest, "CRON_TZ="), " ")
		if !ok {
			return fmt.Errorf("cron %q: CRON_TZ=<zone> must be followed by the fields", expr)
		}
		if _, err := time.LoadLocation(zone); err != nil || zone == "" {
			return fmt.Errorf("cron %q: unknown time zone %q", expr, zone)
		}
		rest = after
	}
	fields := strings.Fields(rest)
	if len(fields) != len(fcCronFields) {
		return fmt.Errorf("cron %q: %d fields, FC timers want 6 (second minute hour day-of-month month day-of-week) or @every", expr, len(fields))
	}
	for i, f := range fcCronFields {
		if err := f.check(fields[i]); err != nil {
			return fmt.Errorf("cron %q: %w", expr, err)
		}
	}
	return nil
}

// EventBridge schedule expressions ("Schedule expressions for rules", Amazon EventBridge):
// rate(N unit) or cron(minute hour day-of-month month day-of-week year), where one of
// day-of-month and day-of-week must be "?".
var (
	ebCronFields = []cronField{
		{name: "minute", min: 0, max: 59},
		{name: "hour", min: 0, max: 23},
		{name: "day-of-month", min: 1, max: 31, question: true, special: regexp.MustCompile(`^(L|LW|[0-9]{1,2}W)$`)},
		{name: "month", min: 1, max: 12, names: months},
		{name: "day-of-week", min: 1, max: 7, names: weekdays, question: true, special: regexp.MustCompile(`^([1-7]|[A-Za-z]{3})(L|#[1-5])$|^L$`)},
		{name: "year", min: 1970, max: 2199},
	}
	ebRate = regexp.MustCompile(`^rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)$`)
	ebCron = regexp.MustCompile(`^cron\((.*)\)$`)
)

func checkScheduleExpression(expr string) error {
	if m := ebRate.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch {
		case n <= 0:
			return fmt.Errorf("schedule %q: the rate must be positive", expr)
		case n == 1 && strings.HasSuffix(m[2], "s"), n > 1 && !strings.HasSuffix(m[2], "s"):
			return fmt.Errorf("schedule %q: use the singular unit for 1 and the plural otherwise", expr)
		}
		return nil
	}
	m := ebCron.FindStringSubmatch(expr)
	if m == nil {
		return fmt.Errorf("schedule %q: want rate(...) or cron(...)", expr)
	}
	fields := strings.Fields(m[1])
	if len(fields) != len(ebCronFields) {
		return fmt.Errorf("schedule %q: %d cron fields, EventBridge wants 6 (minute hour day-of-month month day-of-week year)", expr, len(fields))
	}
	for i, f := range ebCronFields {
		if err := f.check(fields[i]); err != nil {
			return fmt.Errorf("schedule %q: %w", expr, err)
		}
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("schedule %q: exactly one of day-of-month and day-of-week must be ?", expr)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Serverless Devs 3 / fc3: s.yaml.

// fcTemplate is s.yaml with every ${...} magic variable substituted.
type fcTemplate struct {
	Doc map[string]any
	// FromEnv holds the paths of values that came (directly or through vars) from the
	// deployer's shell via ${env(...)}.
	FromEnv map[string]bool
}

// Values the magic variables stand for in the checks. config('AccountID') is the only
// account setting a template may read: AccessKeys have no business in a template.
const fakeAccountID = "1234567890123456"

var (
	magicVar = regexp.MustCompile(`\$\{([^}]*)\}`)
	envCall  = regexp.MustCompile(`^env\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)$`)
	varsRef  = regexp.MustCompile(`^vars\.([A-Za-z_][A-Za-z0-9_-]*)$`)
)

// fcResolver substitutes magic variables (Serverless Devs "Yaml specification":
// ${env(...)}, ${vars.*}, ${config(...)}).
type fcResolver struct {
	vars    map[string]any
	varsEnv map[string]bool
}

// resolve substitutes every ${...} in s. A string that is exactly one ${vars.x} takes
// the variable's value with its type.
func (r *fcResolver) resolve(s string, allowVars bool) (any, bool, error) {
	fromEnv := false
	var subErr error
	one := func(expr string) (any, error) {
		expr = strings.TrimSpace(expr)
		if m := envCall.FindStringSubmatch(expr); m != nil {
			fromEnv = true
			if !strings.Contains(expr, ",") {
				return nil, fmt.Errorf("${%s} has no default: a shell without %s would deploy an empty value", expr, m[1])
			}
			return m[2], nil
		}
		if expr == "config('AccountID')" || expr == `config("AccountID")` {
			return fakeAccountID, nil
		}
		if m := varsRef.FindStringSubmatch(expr); m != nil {
			if !allowVars {
				return nil, fmt.Errorf("${%s}: vars may not refer to other vars", expr)
			}
			v, ok := r.vars[m[1]]
			if !ok {
				return nil, fmt.Errorf("${%s}: vars has no %s", expr, m[1])
			}
			if r.varsEnv[m[1]] {
				fromEnv = true
			}
			return v, nil
		}
		return nil, fmt.Errorf("${%s}: unsupported magic variable", expr)
	}
	if m := magicVar.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && m[1] == len(s) {
		v, err := one(s[m[2]:m[3]])
		return v, fromEnv, err
	}
	out := magicVar.ReplaceAllStringFunc(s, func(match string) string {
		v, err := one(match[2 : len(match)-1])
		if err != nil {
			if subErr == nil {
				subErr = err
			}
			return match
		}
		return fmt.Sprint(v)
	})
	return out, fromEnv, subErr
}

func (r *fcResolver) walk(path string, v any, fromEnv map[string]bool, p *problems) any {
	switch x := v.(type) {
	case string:
		out, env, err := r.resolve(x, true)
		if err != nil {
			p.addf("%s: %v", path, err)
		}
		if env {
			fromEnv[path] = true
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			out[k] = r.walk(path+"."+k, x[k], fromEnv, p)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.walk(fmt.Sprintf("%s[%d]", path, i), e, fromEnv, p)
		}
		return out
	}
	return v
}

// parseFC decodes s.yaml and substitutes its magic variables.
func parseFC(raw []byte) (fcTemplate, problems) {
	var p problems
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		p.addf("s.yaml: %v", err)
		return fcTemplate{}, p
	}
	r := &fcResolver{vars: map[string]any{}, varsEnv: map[string]bool{}}
	vars, _ := doc["vars"].(map[string]any)
	if doc["vars"] != nil && vars == nil {
		p.addf("vars: want a mapping")
	}
	for _, k := range sortedKeys(vars) {
		v := vars[k]
		if s, ok := v.(string); ok {
			out, env, err := r.resolve(s, false)
			if err != nil {
				p.addf("vars.%s: %v", k, err)
			}
			v = out
			r.varsEnv[k] = env
		}
		r.vars[k] = v
	}
	t := fcTemplate{FromEnv: map[string]bool{}}
	resolved := make(map[string]any, len(doc))
	for _, k := range sortedKeys(doc) {
		if k == "vars" {
			resolved[k] = r.vars
			continue
		}
		resolved[k] = r.walk(k, doc[k], t.FromEnv, &p)
	}
	t.Doc = resolved
	return t, p
}

// fc3's rules, from devsapp/fc3 src/schema.json (the component's own validation schema)
// unless a comment says otherwise.
var (
	fcTopLevel = []string{"edition", "name", "access", "vars", "resources", "actions"}
	fcProps    = []string{"annotations", "asyncInvokeConfig", "code", "concurrencyConfig", "cpu",
		"customContainerConfig", "customDNS", "customRuntimeConfig", "description", "diskSize",
		"enableLongLiving", "endpoint", "environmentVariables", "functionName", "gpuConfig", "handler",
		"instanceConcurrency", "instanceIsolationMode", "instanceLifecycleConfig", "internetAccess",
		"layers", "logConfig", "memorySize", "nasConfig", "ossMountConfig", "provisionConfig", "region",
		"resourceGroupId", "role", "runtime", "scalingConfig", "sessionAffinity", "sessionAffinityConfig",
		"supplement", "tags", "timeout", "tracingConfig", "triggers", "vpcBinding", "vpcConfig"}
	fcRuntimes = []string{"custom", "custom-container", "micro-sandbox", "custom.debian10",
		"custom.debian11", "custom.debian12", "dotnetcore2.1", "dotnetcore3.1", "go1", "java11",
		"java8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20", "nodejs8",
		"php7.2", "python2.7", "python3", "python3.10", "python3.12", "python3.9"}
	fcRegions = []string{"ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1",
		"ap-southeast-2", "ap-southeast-3", "ap-southeast-5", "ap-southeast-7", "cn-beijing",
		"cn-chengdu", "cn-hangzhou", "cn-heyuan-acdr-1", "cn-hongkong", "cn-huhehaote", "cn-qingdao",
		"cn-shanghai", "cn-shanghai-cloudspe", "cn-shanghai-finance-1", "cn-shenzhen",
		"cn-wulanchabu", "cn-zhangjiakou", "eu-central-1", "eu-west-1", "me-central-1", "us-east-1",
		"us-west-1"}
	fcTriggerTypes  = []string{"cdn_events", "eventbridge", "http", "log", "mns_topic", "oss", "tablestore", "timer"}
	fcTriggerKeys   = []string{"triggerName", "triggerType", "triggerConfig", "description", "qualifier", "sourceArn", "invocationRole"}
	fcHTTPMethods   = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
	fcHTTPAuthTypes = []string{"anonymous", "function", "jwt"}
	fcHTTPKeys      = []string{"authType", "methods", "disableURLInternet", "authConfig"}
	fcTimerKeys     = []string{"cronExpression", "enable", "payload"}
	// ROS ALIYUN::FC3::Function: letters, digits, _ and -, 1 to 64, not starting with a
	// digit or a hyphen.
	fcFunctionName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	// Function Compute "Configure environment variables": keys start with a letter and
	// hold letters, digits and _; FC_ is reserved; 4 KB in all.
	fcEnvKey  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	fcRoleARN = regexp.MustCompile(`^acs:ram::[0-9]+:role/[A-Za-z0-9.@_-]+$`)
)

const (
	fcEnvMaxBytes     = 4 << 10
	fcTimerPayloadMax = 128 << 10 // Function Compute "Time triggers": the async payload limit
)

// fcSystemCredentials are injected by FC from the function's role ("Configure environment
// variables"); setting them in s.yaml would replace temporary credentials with long-lived
// keys stored in the function configuration.
var fcSystemCredentials = []string{config.EnvAlibabaAccessKeyID, config.EnvAlibabaAccessKeySecret, config.EnvAlibabaSecurityToken}

func checkFC(t fcTemplate) problems {
	var p problems
	doc := t.Doc
	for _, k := range sortedKeys(doc) {
		if !slices.Contains(fcTopLevel, k) {
			p.addf("s.yaml: unknown top-level key %q", k)
		}
	}
	if e, _ := doc["edition"].(string); e != "3.0.0" {
		p.addf("edition=%v, want 3.0.0 (Serverless Devs 3.x)", doc["edition"])
	}
	if n, _ := doc["name"].(string); n == "" {
		p.addf("name: missing")
	}
	resources := getMap(doc, "resources")
	if len(resources) == 0 {
		p.addf("resources: none")
	}
	for _, id := range sortedKeys(resources) {
		checkFCResource(t, "resources."+id, getMap(resources, id), &p)
	}
	checkPolicyActions("s.yaml", doc, &p)
	return p
}

func checkFCResource(t fcTemplate, where string, res map[string]any, p *problems) {
	if c, _ := res["component"].(string); c != "fc3" && !strings.HasPrefix(c, "fc3@") {
		p.addf("%s: component=%v, want fc3", where, res["component"])
		return
	}
	props := getMap(res, "props")
	if props == nil {
		p.addf("%s: props missing", where)
		return
	}
	where += ".props"
	for _, k := range sortedKeys(props) {
		if !slices.Contains(fcProps, k) {
			p.addf("%s: unknown property %q (fc3 ignores it)", where, k)
		}
	}
	region, _ := props["region"].(string)
	if !slices.Contains(fcRegions, region) {
		p.addf("%s.region=%q: not an FC 3.0 region", where, region)
	}
	if name, _ := props["functionName"].(string); !fcFunctionName.MatchString(name) {
		p.addf("%s.functionName=%q: want 1-64 letters, digits, _ or -, not starting with a digit or -", where, name)
	}
	runtime, _ := props["runtime"].(string)
	if !slices.Contains(fcRuntimes, runtime) {
		p.addf("%s.runtime=%q: not an fc3 runtime", where, runtime)
	}
	custom := strings.HasPrefix(runtime, "custom")
	if runtime != "custom-container" && runtime != "micro-sandbox" {
		if props["code"] == nil {
			p.addf("%s.code: missing", where)
		}
		if h, _ := props["handler"].(string); !custom && h == "" {
			p.addf("%s.handler: missing", where)
		}
	}
	if v, ok := props["memorySize"]; ok {
		n, isNum := number(v)
		switch {
		case !isNum || n != float64(int(n)):
			p.addf("%s.memorySize=%v: want an integer", where, v)
		case int(n)%64 != 0 || n < 128 || n > 32768:
			p.addf("%s.memorySize=%v: want a multiple of 64 in 128..32768", where, v)
		}
	}
	if v, ok := props["timeout"]; ok {
		if n, isNum := number(v); !isNum || n != float64(int(n)) || n < 1 || n > 86400 {
			p.addf("%s.timeout=%v: want an integer in 1..86400 seconds", where, v)
		}
	}
	if v, ok := props["cpu"]; ok {
		if n, isNum := number(v); !isNum || n < 0.05 || n > 16 {
			p.addf("%s.cpu=%v: want 0.05..16", where, v)
		}
	}
	if v, ok := props["diskSize"]; ok {
		if n, _ := number(v); n != 512 && n != 10240 {
			p.addf("%s.diskSize=%v: want 512 or 10240", where, v)
		}
	}
	if v, ok := props["instanceConcurrency"]; ok {
		n, isNum := number(v)
		switch {
		case !isNum || n < 1 || n > 200:
			p.addf("%s.instanceConcurrency=%v: want 1..200", where, v)
		case n > 1 && !custom:
			// FC 3.0 ("Comparison and compatibility between Function Compute 3.0 and 2.0"):
			// built-in runtimes no longer take concurrent requests per instance; fc3's own
			// s2tos3 drops the setting for them.
			p.addf("%s.instanceConcurrency=%v: FC 3.0 built-in runtimes (%s) allow only 1", where, v, runtime)
		}
	}
	switch lc := props["logConfig"].(type) {
	case nil:
	case string:
		if lc != "auto" {
			p.addf("%s.logConfig=%q: want auto or {project, logstore}", where, lc)
		}
	case map[string]any:
		if lc["project"] == nil || lc["logstore"] == nil {
			p.addf("%s.logConfig: want project and logstore", where)
		}
	default:
		p.addf("%s.logConfig: want auto or {project, logstore}", where)
	}
	// The functions need a role of their own (least privilege, infra/alibaba/ram-policy.json);
	// "auto" would attach the broad AliyunFCDefaultRole.
	if role, _ := props["role"].(string); !fcRoleARN.MatchString(role) {
		p.addf("%s.role=%q: want acs:ram::<account>:role/<name> of the sgref role", where, role)
	} else if strings.EqualFold(role[strings.LastIndex(role, "/")+1:], "aliyunfcdefaultrole") {
		p.addf("%s.role: AliyunFCDefaultRole is not least privilege", where)
	}

	env := map[string]string{}
	if ev, ok := props["environmentVariables"]; ok {
		m, isMap := ev.(map[string]any)
		if !isMap {
			p.addf("%s.environmentVariables: want a mapping of strings", where)
		}
		size := 0
		for _, k := range sortedKeys(m) {
			s, isStr := m[k].(string)
			if !isStr {
				p.addf("%s.environmentVariables.%s: want a string, got %T", where, k, m[k])
			}
			if !fcEnvKey.MatchString(k) || strings.HasPrefix(k, "FC_") {
				p.addf("%s.environmentVariables.%s: keys start with a letter, hold letters, digits and _, and FC_ is reserved", where, k)
			}
			if slices.Contains(fcSystemCredentials, k) {
				p.addf("%s.environmentVariables.%s: FC injects the role's temporary credentials; never set AccessKeys", where, k)
			}
			size += len(k) + len(s)
			env[k] = s
		}
		if size > fcEnvMaxBytes {
			p.addf("%s.environmentVariables: %d bytes, FC allows 4 KB", where, size)
		}
		// The key table holds secrets: it comes from the deployer's shell at deploy time,
		// never from s.yaml, where it (or an ${env(...)} default) would be committed.
		if v, ok := env[config.EnvAccessKeys]; ok {
			if !t.FromEnv[where+".environmentVariables."+config.EnvAccessKeys] {
				p.addf("%s.environmentVariables.%s must come from ${env(...)}: a key table written in s.yaml is committed", where, config.EnvAccessKeys)
			} else if v != "" {
				p.addf("%s.environmentVariables.%s: the ${env(...)} default is committed too; leave it empty", where, config.EnvAccessKeys)
			}
		}
	}
	checkEnvValues(where+".environmentVariables", env, p)

	triggers, _ := props["triggers"].([]any)
	if props["triggers"] != nil && triggers == nil {
		p.addf("%s.triggers: want a list", where)
	}
	names := map[string]bool{}
	for i, tr := range triggers {
		tw := fmt.Sprintf("%s.triggers[%d]", where, i)
		trig, _ := tr.(map[string]any)
		for _, k := range sortedKeys(trig) {
			if !slices.Contains(fcTriggerKeys, k) {
				p.addf("%s: unknown key %q", tw, k)
			}
		}
		name, _ := trig["triggerName"].(string)
		if name == "" || names[name] {
			p.addf("%s.triggerName=%q: want a unique name", tw, name)
		}
		names[name] = true
		typ, _ := trig["triggerType"].(string)
		if !slices.Contains(fcTriggerTypes, typ) {
			p.addf("%s.triggerType=%q: want one of %v", tw, typ, fcTriggerTypes)
		}
		cfg := getMap(trig, "triggerConfig")
		if cfg == nil {
			p.addf("%s.triggerConfig: missing", tw)
			continue
		}
		switch typ {
		case "http":
			checkFCHTTPTrigger(t, tw, cfg, env, where, p)
		case "timer":
			checkFCTimerTrigger(tw, cfg, p)
		}
	}
}

func checkFCHTTPTrigger(t fcTemplate, tw string, cfg map[string]any, env map[string]string, propsPath string, p *problems) {
	for _, k := range sortedKeys(cfg) {
		if !slices.Contains(fcHTTPKeys, k) {
			p.addf("%s.triggerConfig: unknown key %q", tw, k)
		}
	}
	auth, _ := cfg["authType"].(string)
	if !slices.Contains(fcHTTPAuthTypes, auth) {
		p.addf("%s.triggerConfig.authType=%q: want one of %v", tw, auth, fcHTTPAuthTypes)
	}
	if auth == "jwt" && cfg["authConfig"] == nil {
		p.addf("%s.triggerConfig: authType jwt needs authConfig", tw)
	}
	methods, ok := stringList(cfg["methods"])
	if !ok || len(methods) == 0 {
		p.addf("%s.triggerConfig.methods: want a non-empty list", tw)
	}
	seen := map[string]bool{}
	for _, m := range methods {
		if !slices.Contains(fcHTTPMethods, m) || seen[m] {
			p.addf("%s.triggerConfig.methods: %q is not one of %v, or repeats", tw, m, fcHTTPMethods)
		}
		seen[m] = true
	}
	if v, ok := cfg["disableURLInternet"]; ok {
		if _, isBool := v.(bool); !isBool {
			p.addf("%s.triggerConfig.disableURLInternet=%v: want true or false", tw, v)
		}
	}
	if auth == "anonymous" && env[config.EnvAuth] != config.AuthRequired {
		p.addf("%s: anonymous HTTP trigger without %s=%s in the function's environment: an unauthenticated front door", tw, config.EnvAuth, config.AuthRequired)
	}
	// Whether the door is open must not depend on the deployer's shell.
	for _, path := range []string{tw + ".triggerConfig.authType", propsPath + ".environmentVariables." + config.EnvAuth} {
		if t.FromEnv[path] {
			p.addf("%s: comes from ${env(...)}; HTTP auth settings must be literals in s.yaml", path)
		}
	}
}

func checkFCTimerTrigger(tw string, cfg map[string]any, p *problems) {
	for _, k := range sortedKeys(cfg) {
		if !slices.Contains(fcTimerKeys, k) {
			p.addf("%s.triggerConfig: unknown key %q", tw, k)
		}
	}
	cron, _ := cfg["cronExpression"].(string)
	if err := checkFCCron(cron); err != nil {
		p.addf("%s.triggerConfig.cronExpression: %v", tw, err)
	}
	if _, ok := cfg["enable"].(bool); !ok {
		p.addf("%s.triggerConfig.enable: want true or false", tw)
	}
	if v, ok := cfg["payload"]; ok {
		s, isStr := v.(string)
		switch {
		case !isStr:
			p.addf("%s.triggerConfig.payload: want a string (the scan decodes it as JSON)", tw)
		case len(s) > fcTimerPayloadMax:
			p.addf("%s.triggerConfig.payload: %d bytes, FC allows 128 KB", tw, len(s))
		default:
			if err := decodeScanScope(s); err != nil {
				p.addf("%s.triggerConfig.payload: %v", tw, err)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// RAM policy of the FC functions' role.

// ramAllowedActions is everything the functions may do on Alibaba Cloud.
var ramAllowedActions = map[string]string{
	"ecs:DescribeRegions":                "live inventory: list the regions",
	"ecs:DescribeSecurityGroups":         "live inventory: list the groups",
	"ecs:DescribeSecurityGroupAttribute": "live inventory: read the rules",
	"log:PostLogStoreLogs":               "deliver function logs (logConfig: auto)",
}

var ramActionPattern = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

func checkRAMPolicy(raw []byte) problems {
	var p problems
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			Action    any
			NotAction any
			Resource  any
			Condition any
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		p.addf("RAM policy: %v", err)
		return p
	}
	if doc.Version != "1" {
		p.addf("RAM policy: Version=%q, want \"1\"", doc.Version)
	}
	if len(doc.Statement) == 0 {
		p.addf("RAM policy: no statements")
	}
	for i, st := range doc.Statement {
		where := fmt.Sprintf("RAM policy Statement[%d]", i)
		if st.Effect != "Allow" && st.Effect != "Deny" {
			p.addf("%s: Effect=%q, want Allow or Deny", where, st.Effect)
		}
		if st.Resource == nil {
			p.addf("%s: Resource missing", where)
		}
		acts, ok := stringList(st.Action)
		if !ok || len(acts) == 0 {
			p.addf("%s: Action must be a non-empty string or list", where)
		}
		for _, a := range acts {
			if !ramActionPattern.MatchString(a) && !strings.Contains(a, "*") {
				p.addf("%s: %q is not service:Action", where, a)
			}
			if _, ok := ramAllowedActions[a]; st.Effect == "Allow" && !ok && !strings.Contains(a, "*") {
				p.addf("%s: %q is not an action sgref needs", where, a)
			}
		}
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err == nil {
		checkPolicyActions("RAM policy", tree, &p)
	}
	return p
}

// ---------------------------------------------------------------------------
// AWS SAM: infra/aws/template.yaml.

// goformation's YAML front end (short-form tags to long form) writes a package-level map
// on every call, so calls are serialized.
var yamlFrontEnd sync.Mutex

// parseSAM decodes the template into a generic tree with intrinsic functions in their
// long form ({"Ref": ...}, {"Fn::If": ...}).
func parseSAM(raw []byte) (map[string]any, error) {
	yamlFrontEnd.Lock()
	js, err := intrinsics.ProcessYAML(raw, &intrinsics.ProcessorOptions{NoProcess: true})
	yamlFrontEnd.Unlock()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// samRendering is the template as CloudFormation sees it for one choice of parameter
// values: conditions evaluated, false-condition resources and outputs dropped, Fn::If
// taken, AWS::NoValue removed, Refs to parameters and pseudo parameters replaced and
// Fn::Sub filled in with them. Refs to resources and Fn::GetAtt are left as they are.
type samRendering struct {
	Label  string
	Params map[string]any
	Doc    map[string]any
}

var pseudoParams = map[string]any{
	"AWS::AccountId": "123456789012",
	"AWS::Partition": "aws",
	"AWS::Region":    "us-east-1",
	"AWS::StackId":   "arn:aws:cloudformation:us-east-1:123456789012:stack/sgref/00000000-0000-0000-0000-000000000000",
	"AWS::StackName": "sgref",
	"AWS::URLSuffix": "amazonaws.com",
}

// intrinsic reports whether v is a one-key map naming an intrinsic function.
func intrinsic(v any) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	for k, arg := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, arg, true
		}
	}
	return "", nil, false
}

type cfnRenderer struct {
	doc     map[string]any
	params  map[string]any
	conds   map[string]bool
	pending map[string]bool
}

func (r *cfnRenderer) condition(name string) (bool, error) {
	if v, ok := r.conds[name]; ok {
		return v, nil
	}
	expr, ok := getMap(r.doc, "Conditions")[name]
	if !ok {
		return false, fmt.Errorf("condition %s is not defined", name)
	}
	if r.pending[name] {
		return false, fmt.Errorf("condition %s refers to itself", name)
	}
	r.pending[name] = true
	v, err := r.boolean(expr)
	delete(r.pending, name)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	r.conds[name] = v
	return v, nil
}

func (r *cfnRenderer) boolean(expr any) (bool, error) {
	fn, arg, ok := intrinsic(expr)
	if !ok {
		return false, fmt.Errorf("not a condition function: %v", expr)
	}
	args, _ := arg.([]any)
	switch fn {
	case "Condition":
		name, _ := arg.(string)
		return r.condition(name)
	case "Fn::Equals":
		if len(args) != 2 {
			return false, errors.New("Fn::Equals wants 2 arguments")
		}
		a, err := r.scalar(args[0])
		if err != nil {
			return false, err
		}
		b, err := r.scalar(args[1])
		if err != nil {
			return false, err
		}
		return fmt.Sprint(a) == fmt.Sprint(b), nil
	case "Fn::Not":
		if len(args) != 1 {
			return false, errors.New("Fn::Not wants 1 argument")
		}
		v, err := r.boolean(args[0])
		return !v, err
	case "Fn::And", "Fn::Or":
		if len(args) < 2 || len(args) > 10 {
			return false, fmt.Errorf("%s wants 2 to 10 arguments", fn)
		}
		and := fn == "Fn::And"
		for _, a := range args {
			v, err := r.boolean(a)
			if err != nil {
				return false, err
			}
			if v != and {
				return !and, nil
			}
		}
		return and, nil
	}
	return false, fmt.Errorf("%s is not supported in conditions here", fn)
}

func (r *cfnRenderer) scalar(v any) (any, error) {
	if fn, arg, ok := intrinsic(v); ok {
		name, _ := arg.(string)
		if fn != "Ref" {
			return nil, fmt.Errorf("%s is not supported in conditions here", fn)
		}
		if pv, ok := r.params[name]; ok {
			return pv, nil
		}
		if pv, ok := pseudoParams[name]; ok {
			return pv, nil
		}
		return nil, fmt.Errorf("Ref %s: not a parameter", name)
	}
	return v, nil
}

var subVar = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// sub fills a Fn::Sub string with parameter and pseudo-parameter values (and the
// variables of the two-argument form). It returns a plain string when nothing is left
// to substitute, else {"Fn::Sub": rest}.
func (r *cfnRenderer) sub(arg any) (any, error) {
	var s string
	local := map[string]any{}
	switch x := arg.(type) {
	case string:
		s = x
	case []any:
		if len(x) != 2 {
			return nil, errors.New("Fn::Sub wants a string or [string, map]")
		}
		s, _ = x[0].(string)
		vars, _ := x[1].(map[string]any)
		for k, v := range vars {
			rv, _, err := r.render(v)
			if err != nil {
				return nil, err
			}
			local[k] = rv
		}
	default:
		return nil, errors.New("Fn::Sub wants a string or [string, map]")
	}
	left := false
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		for _, src := range []map[string]any{local, r.params, pseudoParams} {
			if v, ok := src[name]; ok {
				if _, isMap := v.(map[string]any); !isMap {
					return fmt.Sprint(v)
				}
			}
		}
		left = true
		return m
	})
	if left {
		return map[string]any{"Fn::Sub": out}, nil
	}
	return out, nil
}

// render returns v as CloudFormation resolves it; keep is false for AWS::NoValue.
func (r *cfnRenderer) render(v any) (out any, keep bool, err error) {
	switch x := v.(type) {
	case map[string]any:
		if fn, arg, ok := intrinsic(x); ok {
			switch fn {
			case "Fn::If":
				args, _ := arg.([]any)
				if len(args) != 3 {
					return nil, false, errors.New("Fn::If wants [condition, then, else]")
				}
				name, _ := args[0].(string)
				c, err := r.condition(name)
				if err != nil {
					return nil, false, err
				}
				if c {
					return r.render(args[1])
				}
				return r.render(args[2])
			case "Ref":
				name, _ := arg.(string)
				if name == "AWS::NoValue" {
					return nil, false, nil
				}
				if pv, ok := r.params[name]; ok {
					return pv, true, nil
				}
				if pv, ok := pseudoParams[name]; ok {
					return pv, true, nil
				}
				return x, true, nil
			case "Fn::Sub":
				s, err := r.sub(arg)
				return s, err == nil, err
			}
		}
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			o, keep, err := r.render(x[k])
			if err != nil {
				return nil, false, err
			}
			if keep {
				out[k] = o
			}
		}
		return out, true, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			o, keep, err := r.render(e)
			if err != nil {
				return nil, false, err
			}
			if keep {
				out = append(out, o)
			}
		}
		return out, true, nil
	}
	return v, true, nil
}

func renderSAM(doc map[string]any, params map[string]any) (map[string]any, error) {
	r := &cfnRenderer{doc: doc, params: params, conds: map[string]bool{}, pending: map[string]bool{}}
	out := map[string]any{}
	for _, section := range sortedKeys(doc) {
		v := doc[section]
		switch section {
		case "Parameters", "Conditions":
			out[section] = v
		case "Resources", "Outputs":
			entries := map[string]any{}
			for _, id := range sortedKeys(getMap(v)) {
				entry := getMap(v, id)
				if name, ok := entry["Condition"].(string); ok {
					c, err := r.condition(name)
					if err != nil {
						return nil, fmt.Errorf("%s.%s: %w", section, id, err)
					}
					if !c {
						continue
					}
				}
				o, _, err := r.render(entry)
				if err != nil {
					return nil, fmt.Errorf("%s.%s: %w", section, id, err)
				}
				entries[id] = o
			}
			out[section] = entries
		default:
			o, _, err := r.render(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", section, err)
			}
			out[section] = o
		}
	}
	return out, nil
}

// conditionParams lists the parameters the Conditions section reads.
func conditionParams(doc map[string]any) []string {
	params := getMap(doc, "Parameters")
	found := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if fn, arg, ok := intrinsic(x); ok && fn == "Ref" {
				if name, _ := arg.(string); params[name] != nil {
					found[name] = true
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc["Conditions"])
	return sortedKeys(found)
}

// samRenderings renders the template for every combination of the values of the
// parameters that drive conditions (their AllowedValues, or the default and one other
// value), the rest at their defaults.
func samRenderings(doc map[string]any) ([]samRendering, problems) {
	var p problems
	params := getMap(doc, "Parameters")
	base := map[string]any{}
	for _, name := range sortedKeys(params) {
		def, ok := getMap(params, name)["Default"]
		if !ok {
			def = "example-" + strings.ToLower(name)
		}
		base[name] = def
	}
	combos := []map[string]any{base}
	var labels []string
	for _, name := range conditionParams(doc) {
		var choices []any
		if allowed, ok := getMap(params, name)["AllowedValues"].([]any); ok {
			choices = allowed
		} else if def := base[name]; fmt.Sprint(def) == "" {
			choices = []any{def, "example"}
		} else {
			choices = []any{def, ""}
		}
		var next []map[string]any
		for _, c := range combos {
			for _, v := range choices {
				m := make(map[string]any, len(c))
				for k, cv := range c {
					m[k] = cv
				}
				m[name] = v
				next = append(next, m)
			}
		}
		combos = next
		labels = append(labels, name)
	}
	var out []samRendering
	for _, params := range combos {
		var parts []string
		for _, name := range labels {
			parts = append(parts, fmt.Sprintf("%s=%v", name, params[name]))
		}
		label := strings.Join(parts, " ")
		if label == "" {
			label = "defaults"
		}
		rendered, err := renderSAM(doc, params)
		if err != nil {
			p.addf("[%s] %v", label, err)
			continue
		}
		out = append(out, samRendering{Label: label, Params: params, Doc: rendered})
	}
	return out, p
}

// subString returns a plain string or the template of a Fn::Sub that still names
// resources.
func subString(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if fn, arg, ok := intrinsic(v); ok && fn == "Fn::Sub" {
		s, ok := arg.(string)
		return s, ok
	}
	return "", false
}

// refTarget returns the logical ID a Ref or Fn::GetAtt points at.
func refTarget(v any) (string, bool) {
	fn, arg, ok := intrinsic(v)
	if !ok {
		return "", false
	}
	switch fn {
	case "Ref":
		s, ok := arg.(string)
		return s, ok
	case "Fn::GetAtt":
		switch a := arg.(type) {
		case string:
			id, _, _ := strings.Cut(a, ".")
			return id, true
		case []any:
			if len(a) == 2 {
				s, ok := a[0].(string)
				return s, ok
			}
		}
	}
	return "", false
}

// samFunction is an AWS::Serverless::Function with Globals.Function applied.
type samFunction struct {
	ID     string
	Res    map[string]any
	Props  map[string]any
	Global map[string]any
}

func (f samFunction) get(name string) (any, bool) {
	if v, ok := f.Props[name]; ok {
		return v, true
	}
	v, ok := f.Global[name]
	return v, ok
}

// env merges the global and the function's variables ("Globals section of the AWS SAM
// template": maps are merged, the resource's entries win).
func (f samFunction) env() map[string]any {
	out := map[string]any{}
	for k, v := range getMap(f.Global, "Environment", "Variables") {
		out[k] = v
	}
	for k, v := range getMap(f.Props, "Environment", "Variables") {
		out[k] = v
	}
	return out
}

// logGroupName is the name Lambda writes to: /aws/lambda/<FunctionName>.
func (f samFunction) logGroupName() string {
	if name, ok := subString(f.Props["FunctionName"]); ok {
		return "/aws/lambda/" + name
	}
	return "/aws/lambda/${" + f.ID + "}"
}

func samFunctions(doc map[string]any) []samFunction {
	resources := getMap(doc, "Resources")
	var out []samFunction
	for _, id := range sortedKeys(resources) {
		res := getMap(resources, id)
		if t, _ := res["Type"].(string); t == "AWS::Serverless::Function" {
			out = append(out, samFunction{ID: id, Res: res, Props: getMap(res, "Properties"), Global: getMap(doc, "Globals", "Function")})
		}
	}
	return out
}

func resourcesOfType(doc map[string]any, typ string) []string {
	resources := getMap(doc, "Resources")
	var ids []string
	for _, id := range sortedKeys(resources) {
		if t, _ := getString(resources, id, "Type"); t == typ {
			ids = append(ids, id)
		}
	}
	return ids
}

// Lambda quotas ("Lambda quotas"): 128..10240 MB, 1..900 s.
const (
	lambdaMinMemory  = 128
	lambdaMaxMemory  = 10240
	lambdaMaxTimeout = 900
)

// AWS::Logs::LogGroup RetentionInDays allowed values (CloudFormation template reference).
var logRetentionDays = []float64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// The only actions the functions' roles grant: writing to their own log group.
var lambdaRoleActions = []string{"logs:CreateLogStream", "logs:PutLogEvents"}

var secretsManagerRef = regexp.MustCompile(`^\{\{resolve:secretsmanager:[^{}]+\}\}$`)

// checkSAM checks the template in every rendering; problems found in several renderings
// are reported once, with the first rendering's parameters.
func checkSAM(raw []byte) problems {
	var p problems
	doc, err := parseSAM(raw)
	if err != nil {
		p.addf("template: %v", err)
		return p
	}
	if tr, _ := doc["Transform"].(string); tr != "AWS::Serverless-2016-10-31" {
		p.addf("Transform=%v, want AWS::Serverless-2016-10-31", doc["Transform"])
	}
	params := getMap(doc, "Parameters")
	for _, name := range sortedKeys(params) {
		param := getMap(params, name)
		if allowed, ok := param["AllowedValues"].([]any); ok {
			if def, ok := param["Default"]; ok && !slices.ContainsFunc(allowed, func(a any) bool { return fmt.Sprint(a) == fmt.Sprint(def) }) {
				p.addf("Parameters.%s: Default %v is not among AllowedValues %v", name, def, allowed)
			}
		}
	}
	renderings, rp := samRenderings(doc)
	p = append(p, rp...)
	seen := map[string]bool{}
	for _, r := range renderings {
		var rp problems
		checkSAMSchema(r.Doc, &rp)
		checkSAMRendering(r.Doc, &rp)
		for _, msg := range rp {
			if !seen[msg] {
				seen[msg] = true
				p.addf("%s [%s]", msg, r.Label)
			}
		}
	}
	return p
}

func checkSAMRendering(doc map[string]any, p *problems) {
	resources := getMap(doc, "Resources")
	functions := samFunctions(doc)
	if len(functions) == 0 {
		p.addf("no AWS::Serverless::Function")
	}
	public := map[string][]string{} // function ID -> unauthenticated front doors
	for _, f := range functions {
		where := "Resources." + f.ID
		if v, _ := f.get("Runtime"); v != "provided.al2023" {
			p.addf("%s: Runtime=%v, want provided.al2023", where, v)
		}
		// provided.al2023 runs the executable named bootstrap, which make build-aws writes.
		if v, _ := f.get("Handler"); v != "bootstrap" {
			p.addf("%s: Handler=%v, want bootstrap", where, v)
		}
		if v, _ := f.get("Architectures"); !reflect.DeepEqual(v, []any{"arm64"}) {
			p.addf("%s: Architectures=%v, want [arm64] (make build-aws builds linux/arm64)", where, v)
		}
		if v, _ := getString(f.Res, "Metadata", "BuildMethod"); v != "makefile" {
			p.addf("%s: Metadata.BuildMethod=%q, want makefile (infra/aws/sam.mk)", where, v)
		}
		if v, _ := f.get("CodeUri"); v != "../../" {
			p.addf("%s: CodeUri=%v, want ../../ (the repository root, where the Makefile is)", where, v)
		}
		if v, ok := f.get("MemorySize"); !ok {
			p.addf("%s: MemorySize unset", where)
		} else if n, isNum := number(v); !isNum || n < lambdaMinMemory || n > lambdaMaxMemory {
			p.addf("%s: MemorySize=%v, want %d..%d", where, v, lambdaMinMemory, lambdaMaxMemory)
		}
		if v, ok := f.get("Timeout"); !ok {
			p.addf("%s: Timeout unset", where)
		} else if n, isNum := number(v); !isNum || n < 1 || n > lambdaMaxTimeout {
			p.addf("%s: Timeout=%v, want 1..%d", where, v, lambdaMaxTimeout)
		}
		if _, ok := f.Props["Policies"]; ok {
			p.addf("%s: Policies: the functions need no AWS permissions beyond their log group; use the explicit Role", where)
		}

		env := map[string]string{}
		fenv := f.env()
		for _, k := range sortedKeys(fenv) {
			v := fenv[k]
			s, ok := v.(string)
			if !ok {
				p.addf("%s: environment variable %s is not a plain string after rendering: %v", where, k, v)
				continue
			}
			env[k] = s
		}
		checkEnvValues(where+" Environment", env, p)
		for _, k := range append(slices.Clone(fcSystemCredentials), config.EnvAccessKeys) {
			if v, ok := env[k]; ok && !secretsManagerRef.MatchString(v) {
				p.addf("%s: %s must be a {{resolve:secretsmanager:...}} dynamic reference, never a literal", where, k)
			}
		}
		if _, ok := env[config.EnvAccessKeys]; ok && env[config.EnvAuth] != config.AuthRequired {
			p.addf("%s: %s given to a function that does not verify signatures (%s=%q): secrets it does not need", where, config.EnvAccessKeys, config.EnvAuth, env[config.EnvAuth])
		}

		checkSAMRole(doc, f, p)
		checkSAMLogGroup(doc, f, p)

		if cfg := getMap(f.Props, "FunctionUrlConfig"); cfg != nil {
			if at, _ := cfg["AuthType"].(string); at != "AWS_IAM" {
				public[f.ID] = append(public[f.ID], "FunctionUrlConfig AuthType "+fmt.Sprint(cfg["AuthType"]))
			}
		}
		events := getMap(f.Props, "Events")
		for _, name := range sortedKeys(events) {
			ev := getMap(events, name)
			ew := where + ".Events." + name
			typ, _ := ev["Type"].(string)
			props := getMap(ev, "Properties")
			switch typ {
			case "HttpApi":
				if ok, why := httpAPIAuthenticated(doc, props, ew, p); !ok {
					public[f.ID] = append(public[f.ID], ew+" ("+why+")")
				}
			case "Api":
				if a, _ := getString(props, "Auth", "Authorizer"); a != "AWS_IAM" {
					public[f.ID] = append(public[f.ID], ew+" (REST API without AWS_IAM)")
				}
			case "Schedule", "ScheduleV2":
				expr, _ := props["Schedule"].(string)
				if typ == "ScheduleV2" {
					expr, _ = props["ScheduleExpression"].(string)
				}
				if err := checkScheduleExpression(expr); err != nil {
					p.addf("%s: %v", ew, err)
				}
				if in, ok := props["Input"]; ok {
					s, _ := in.(string)
					if err := decodeScanScope(s); err != nil {
						p.addf("%s.Input: %v", ew, err)
					}
				}
			}
		}
	}

	for _, id := range sortedKeys(resources) {
		res := getMap(resources, id)
		props := getMap(res, "Properties")
		switch res["Type"] {
		case "AWS::Lambda::Url":
			target, _ := refTarget(props["TargetFunctionArn"])
			if at, _ := props["AuthType"].(string); at != "AWS_IAM" {
				public[target] = append(public[target], "Resources."+id+" (function URL AuthType "+fmt.Sprint(props["AuthType"])+")")
			}
			if !isFunction(doc, target) {
				p.addf("Resources.%s: TargetFunctionArn does not name a function of this template", id)
			}
		case "AWS::Lambda::Permission":
			target, _ := refTarget(props["FunctionName"])
			if props["Principal"] == "*" || props["FunctionUrlAuthType"] == "NONE" {
				public[target] = append(public[target], "Resources."+id+" (public invoke permission)")
			}
			if !isFunction(doc, target) {
				p.addf("Resources.%s: FunctionName does not name a function of this template", id)
			}
		}
	}
	for _, id := range sortedKeys(public) {
		f, ok := functionByID(functions, id)
		if !ok {
			continue
		}
		if v, _ := f.env()[config.EnvAuth].(string); v != config.AuthRequired {
			p.addf("Resources.%s: unauthenticated front door %v without %s=%s", id, public[id], config.EnvAuth, config.AuthRequired)
		}
	}

	for _, id := range resourcesOfType(doc, "AWS::Serverless::HttpApi") {
		found := false
		for _, o := range getMap(doc, "Outputs") {
			if s, ok := subString(getMap(o)["Value"]); ok && strings.Contains(s, "${"+id+"}") && strings.Contains(s, "execute-api") {
				found = true
			}
		}
		if !found {
			p.addf("Outputs: no output gives the URL of %s", id)
		}
	}
	checkPolicyActions("template", doc, p)
}

func isFunction(doc map[string]any, id string) bool {
	t, _ := getString(doc, "Resources", id, "Type")
	return t == "AWS::Serverless::Function" || t == "AWS::Lambda::Function"
}

func functionByID(fs []samFunction, id string) (samFunction, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return samFunction{}, false
}

// httpAPIAuthenticated reports whether an HttpApi event's route requires a caller
// identity, following "HttpApiFunctionAuth" and "HttpApiAuth" (AWS SAM): the event's
// Authorizer, else the API's DefaultAuthorizer; AWS_IAM needs EnableIamAuthorizer.
func httpAPIAuthenticated(doc map[string]any, props map[string]any, where string, p *problems) (bool, string) {
	api := getMap(doc, "Globals", "HttpApi") // the implicit API
	if id, ok := refTarget(props["ApiId"]); ok {
		if t, _ := getString(doc, "Resources", id, "Type"); t != "AWS::Serverless::HttpApi" {
			p.addf("%s: ApiId does not name an AWS::Serverless::HttpApi", where)
		}
		api = getMap(doc, "Resources", id, "Properties")
	}
	auth := getMap(api, "Auth")
	authorizer, _ := getString(props, "Auth", "Authorizer")
	if authorizer == "" {
		authorizer, _ = auth["DefaultAuthorizer"].(string)
	}
	switch authorizer {
	case "", "NONE":
		return false, "no authorizer"
	case "AWS_IAM":
		if auth["EnableIamAuthorizer"] != true {
			p.addf("%s: Authorizer AWS_IAM needs EnableIamAuthorizer: true on the API", where)
			return false, "AWS_IAM not enabled"
		}
		return true, ""
	}
	if getMap(auth, "Authorizers")[authorizer] == nil {
		p.addf("%s: authorizer %s is not defined on the API", where, authorizer)
		return false, "undefined authorizer"
	}
	return true, ""
}

// checkSAMRole checks that the function runs as a role of this template that Lambda
// alone may assume and that may only write to the function's own log group.
func checkSAMRole(doc map[string]any, f samFunction, p *problems) {
	where := "Resources." + f.ID
	roleID, ok := refTarget(f.Props["Role"])
	if !ok {
		p.addf("%s: Role must be !GetAtt <role>.Arn of an AWS::IAM::Role in this template (without it SAM attaches AWSLambdaBasicExecutionRole)", where)
		return
	}
	role := getMap(doc, "Resources", roleID)
	if role["Type"] != "AWS::IAM::Role" {
		p.addf("%s: Role %s is not an AWS::IAM::Role", where, roleID)
		return
	}
	rw := "Resources." + roleID
	props := getMap(role, "Properties")
	if _, ok := props["ManagedPolicyArns"]; ok {
		p.addf("%s: ManagedPolicyArns cannot be checked offline; grant inline statements", rw)
	}
	trust, _ := getMap(props, "AssumeRolePolicyDocument")["Statement"].([]any)
	if len(trust) == 0 {
		p.addf("%s: AssumeRolePolicyDocument has no statement", rw)
	}
	for i, st := range trust {
		svc, _ := stringList(getMap(st, "Principal")["Service"])
		acts, _ := stringList(getMap(st)["Action"])
		if !reflect.DeepEqual(svc, []string{"lambda.amazonaws.com"}) || !reflect.DeepEqual(acts, []string{"sts:AssumeRole"}) {
			p.addf("%s: AssumeRolePolicyDocument.Statement[%d]: only lambda.amazonaws.com may assume the role", rw, i)
		}
	}
	logGroup := f.logGroupName()
	ownGroup := false
	policies, _ := props["Policies"].([]any)
	for i, pol := range policies {
		stmts, _ := getMap(pol, "PolicyDocument")["Statement"].([]any)
		for j, st := range stmts {
			sw := fmt.Sprintf("%s.Policies[%d].Statement[%d]", rw, i, j)
			if getMap(st)["Effect"] != "Allow" {
				continue
			}
			acts, _ := stringList(getMap(st)["Action"])
			for _, a := range acts {
				if !slices.Contains(lambdaRoleActions, a) {
					p.addf("%s: %s: the functions need only %v", sw, a, lambdaRoleActions)
				}
			}
			var rs []string
			switch r := getMap(st)["Resource"].(type) {
			case []any:
				for _, e := range r {
					s, _ := subString(e)
					rs = append(rs, s)
				}
			default:
				s, _ := subString(r)
				rs = append(rs, s)
			}
			for _, r := range rs {
				if r == "*" || r == "" {
					p.addf("%s: Resource %q: name the log group", sw, r)
				}
				if strings.Contains(r, ":log-group:"+logGroup+":") {
					ownGroup = true
				}
			}
		}
	}
	if !ownGroup {
		p.addf("%s: role %s grants no write to the function's log group %s", where, roleID, logGroup)
	}
}

// checkSAMLogGroup checks that the function's log group is in the template, with a
// retention.
func checkSAMLogGroup(doc map[string]any, f samFunction, p *problems) {
	want := f.logGroupName()
	for _, id := range resourcesOfType(doc, "AWS::Logs::LogGroup") {
		props := getMap(doc, "Resources", id, "Properties")
		if name, _ := subString(props["LogGroupName"]); name != want {
			continue
		}
		n, ok := number(props["RetentionInDays"])
		if !ok || !slices.Contains(logRetentionDays, n) {
			p.addf("Resources.%s: RetentionInDays=%v, want one of %v", id, props["RetentionInDays"], logRetentionDays)
		}
		return
	}
	p.addf("Resources.%s: no AWS::Logs::LogGroup named %s (Lambda would create one that keeps logs forever)", f.ID, want)
}

// ---------------------------------------------------------------------------
// Strict schema check with goformation.

// schemaGap is a property that current SAM or CloudFormation documents but goformation
// v7.14.9's generated types predate. It is checked here and removed before the strict
// decode; anything else unknown is an error.
type schemaGap struct {
	where string   // resource type, or "Globals.<section>"
	path  []string // under Properties (or the Globals section)
	doc   string
}

var schemaGaps = []schemaGap{
	{"AWS::Serverless::HttpApi", []string{"Auth", "EnableIamAuthorizer"}, "AWS SAM HttpApiAuth"},
	{"Globals.HttpApi", []string{"Auth", "EnableIamAuthorizer"}, "AWS SAM HttpApiAuth"},
	{"AWS::Lambda::Permission", []string{"InvokedViaFunctionUrl"}, "CloudFormation AWS::Lambda::Permission"},
}

// stripGaps checks and removes the schema gaps of props (a copy is modified).
func stripGaps(where string, props map[string]any, name string, p *problems) map[string]any {
	out := deepCopy(props).(map[string]any)
	for _, g := range schemaGaps {
		if g.where != where {
			continue
		}
		parent := out
		for _, k := range g.path[:len(g.path)-1] {
			parent = getMap(parent, k)
		}
		last := g.path[len(g.path)-1]
		if v, ok := parent[last]; ok {
			if _, isBool := v.(bool); !isBool {
				p.addf("%s.%s: want true or false (%s)", name, strings.Join(g.path, "."), g.doc)
			}
			delete(parent, last)
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

var cfnTypes = sync.OnceValue(cloudformation.AllResources)

// samEventTypes maps each SAM event Type to goformation's type for its Properties.
var samEventTypes = map[string]func() any{
	"AlexaSkill":      func() any { return new(serverless.Function_AlexaSkillEvent) },
	"Api":             func() any { return new(serverless.Function_ApiEvent) },
	"CloudWatchEvent": func() any { return new(serverless.Function_CloudWatchEventEvent) },
	"CloudWatchLogs":  func() any { return new(serverless.Function_CloudWatchLogsEvent) },
	"Cognito":         func() any { return new(serverless.Function_CognitoEvent) },
	"DynamoDB":        func() any { return new(serverless.Function_DynamoDBEvent) },
	"EventBridgeRule": func() any { return new(serverless.Function_EventBridgeRuleEvent) },
	"HttpApi":         func() any { return new(serverless.Function_HttpApiEvent) },
	"IoTRule":         func() any { return new(serverless.Function_IoTRuleEvent) },
	"Kinesis":         func() any { return new(serverless.Function_KinesisEvent) },
	"S3":              func() any { return new(serverless.Function_S3Event) },
	"SNS":             func() any { return new(serverless.Function_SNSEvent) },
	"SQS":             func() any { return new(serverless.Function_SQSEvent) },
	"Schedule":        func() any { return new(serverless.Function_ScheduleEvent) },
}

var samGlobalTypes = map[string]func() any{
	"Function":    func() any { return new(global.Function) },
	"HttpApi":     func() any { return new(global.HttpApi) },
	"Api":         func() any { return new(global.Api) },
	"SimpleTable": func() any { return new(global.SimpleTable) },
}

func strictDecode(v any, target any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(target)
}

// checkSAMSchema decodes every resource into goformation's generated type with unknown
// properties rejected. goformation's resource types already decode strictly; its Globals
// and its union type for event properties do not, so those are decoded here per type.
func checkSAMSchema(doc map[string]any, p *problems) {
	js, err := json.Marshal(doc)
	if err != nil {
		p.addf("template: %v", err)
		return
	}
	// Resolve what is left (Refs to resources, Fn::GetAtt, Fn::Sub) the way goformation
	// does, so the typed decode sees strings where CloudFormation will have them.
	processed, err := intrinsics.ProcessJSON(js, nil)
	if err != nil {
		p.addf("template: %v", err)
		return
	}
	var tree map[string]any
	if err := json.Unmarshal(processed, &tree); err != nil {
		p.addf("template: %v", err)
		return
	}
	globals := getMap(tree, "Globals")
	for _, name := range sortedKeys(globals) {
		newT, ok := samGlobalTypes[name]
		if !ok {
			p.addf("Globals.%s: not a SAM Globals section", name)
			continue
		}
		section := stripGaps("Globals."+name, getMap(globals, name), "Globals."+name, p)
		if err := strictDecode(section, newT()); err != nil {
			p.addf("Globals.%s: %v", name, err)
		}
	}
	resources := getMap(tree, "Resources")
	for _, id := range sortedKeys(resources) {
		res := getMap(resources, id)
		typ, _ := res["Type"].(string)
		if strings.HasPrefix(typ, "Custom::") {
			continue
		}
		proto, ok := cfnTypes()[typ]
		if !ok {
			p.addf("Resources.%s: unknown resource type %q", id, typ)
			continue
		}
		res = deepCopy(res).(map[string]any)
		if props := getMap(res, "Properties"); props != nil {
			res["Properties"] = stripGaps(typ, props, "Resources."+id, p)
		}
		b, _ := json.Marshal(res)
		target := reflect.New(reflect.TypeOf(proto).Elem()).Interface()
		if err := json.Unmarshal(b, target); err != nil {
			p.addf("Resources.%s (%s): %v", id, typ, err)
		}
		if typ == "AWS::Serverless::Function" {
			events := getMap(res, "Properties", "Events")
			for _, name := range sortedKeys(events) {
				ew := "Resources." + id + ".Events." + name
				var ev struct {
					Type       string
					Properties map[string]any
				}
				if err := strictDecode(events[name], &ev); err != nil {
					p.addf("%s: %v", ew, err)
					continue
				}
				newT, ok := samEventTypes[ev.Type]
				if !ok {
					p.addf("%s: event type %q is not modelled by goformation v7.14.9, so its properties cannot be checked", ew, ev.Type)
					continue
				}
				if err := strictDecode(ev.Properties, newT()); err != nil {
					p.addf("%s (%s): %v", ew, ev.Type, err)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// samconfig.toml.

// parseTOML reads the subset of TOML samconfig.toml uses: [tables], key = "string",
// booleans, numbers and lists of strings; comments. Keys are "table.key".
func parseTOML(raw string) (map[string]any, error) {
	out := map[string]any{}
	table := ""
	for n, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(stripTOMLComment(line))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("line %d: bad table header %q", n+1, line)
			}
			table = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want key = value", n+1)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		key := k
		if table != "" {
			key = table + "." + k
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("line %d: %s set twice", n+1, key)
		}
		var val any
		switch {
		case strings.HasPrefix(v, `"`):
			s, err := strconv.Unquote(v)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n+1, err)
			}
			val = s
		case v == "true" || v == "false":
			val = v == "true"
		case strings.HasPrefix(v, "["):
			var list []string
			if err := json.Unmarshal([]byte(v), &list); err != nil {
				return nil, fmt.Errorf("line %d: %v", n+1, err)
			}
			val = list
		default:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: unsupported value %q", n+1, v)
			}
			val = f
		}
		out[key] = val
	}
	return out, nil
}

func stripTOMLComment(line string) string {
	inString := false
	for i, c := range line {
		switch {
		case c == '"' && (i == 0 || line[i-1] != '\\'):
			inString = !inString
		case c == '#' && !inString:
			return line[:i]
		}
	}
	return line
}

// parseOverrides splits "K=V K2='V 2'" as sam does for parameter_overrides.
func parseOverrides(s string) (map[string]string, error) {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, rest, ok := strings.Cut(s, "=")
		if !ok || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("parameter_overrides: bad entry in %q", s)
		}
		var v string
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				return nil, fmt.Errorf("parameter_overrides: unterminated quote in %q", s)
			}
			v, s = rest[1:end+1], rest[end+2:]
		} else {
			v, s, _ = strings.Cut(rest, " ")
		}
		out[k] = v
	}
	return out, nil
}

// CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)

// Lambda function names are at most 64 characters ("Lambda quotas").
const lambdaMaxFunctionName = 64

// checkSAMConfig checks samconfig.toml against the template ("AWS SAM CLI configuration
// file").
func checkSAMConfig(raw []byte, samRaw []byte, root string) problems {
	var p problems
	cfg, err := parseTOML(string(raw))
	if err != nil {
		p.addf("samconfig.toml: %v", err)
		return p
	}
	doc, err := parseSAM(samRaw)
	if err != nil {
		p.addf("template: %v", err)
		return p
	}
	if cfg["version"] != 0.1 {
		p.addf("samconfig.toml: version=%v, want 0.1", cfg["version"])
	}
	get := func(key string) (any, bool) {
		for _, cmd := range []string{"deploy", "global"} {
			if v, ok := cfg["default."+cmd+".parameters."+key]; ok {
				return v, true
			}
		}
		return nil, false
	}
	stack, _ := get("stack_name")
	stackName, _ := stack.(string)
	if !stackNamePattern.MatchString(stackName) {
		p.addf("samconfig.toml: stack_name=%v, want a CloudFormation stack name", stack)
	}
	for _, f := range samFunctions(doc) {
		if name, ok := subString(f.Props["FunctionName"]); ok {
			name = strings.ReplaceAll(name, "${AWS::StackName}", stackName)
			if len(name) > lambdaMaxFunctionName {
				p.addf("samconfig.toml: stack_name %q makes %s's FunctionName %q longer than %d", stackName, f.ID, name, lambdaMaxFunctionName)
			}
		}
	}
	if r, _ := get("region"); r == nil || r == "" {
		p.addf("samconfig.toml: region unset")
	}
	caps, _ := cfg["default.deploy.parameters.capabilities"].(string)
	capList := strings.Fields(caps)
	for _, id := range resourcesOfType(doc, "AWS::IAM::Role") {
		want := "CAPABILITY_IAM"
		if getMap(doc, "Resources", id, "Properties")["RoleName"] != nil {
			want = "CAPABILITY_NAMED_IAM"
		}
		if !slices.Contains(capList, want) {
			p.addf("samconfig.toml: capabilities=%q lacks %s, which %s needs", caps, want, id)
		}
	}
	if cfg["default.deploy.parameters.resolve_s3"] != true && cfg["default.deploy.parameters.s3_bucket"] == nil {
		p.addf("samconfig.toml: deploy needs resolve_s3 = true or an s3_bucket for the artifacts")
	}
	if _, ok := cfg["default.deploy.parameters.confirm_changeset"].(bool); !ok {
		p.addf("samconfig.toml: confirm_changeset unset")
	}
	// Deploy must take the built template (.aws-sam/build/template.yaml), whose CodeUri
	// are the bootstrap zips; the source template's CodeUri is the whole repository.
	for _, cmd := range []string{"deploy", "global", "package"} {
		if _, ok := cfg["default."+cmd+".parameters.template_file"]; ok {
			p.addf("samconfig.toml: template_file under %s would deploy the unbuilt template; set it for build only", cmd)
		}
	}
	if tf, ok := cfg["default.build.parameters.template_file"].(string); ok {
		if _, err := os.Stat(filepath.Join(root, tf)); err != nil {
			p.addf("samconfig.toml: build template_file %q: %v (relative to the repository root)", tf, err)
		}
	}
	if ov, ok := cfg["default.deploy.parameters.parameter_overrides"].(string); ok {
		overrides, err := parseOverrides(ov)
		if err != nil {
			p.addf("samconfig.toml: %v", err)
		}
		params := getMap(doc, "Parameters")
		for _, k := range sortedKeys(overrides) {
			param := getMap(params, k)
			if param == nil {
				p.addf("samconfig.toml: parameter_overrides sets %s, which the template does not declare", k)
				continue
			}
			if allowed, ok := param["AllowedValues"].([]any); ok && !slices.ContainsFunc(allowed, func(a any) bool { return fmt.Sprint(a) == overrides[k] }) {
				p.addf("samconfig.toml: parameter_overrides %s=%s is not among %v", k, overrides[k], allowed)
			}
		}
	}
	return p
}

// ---------------------------------------------------------------------------
// Cross-checks between the templates and the repository: build outputs, function
// directories, sample events.

type makeRule struct {
	targets []string
	prereqs []string
	recipe  []string
}

var makeAssign = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.-]*)\s*(:=|::=|\?=|\+=|!=|=)\s*(.*)$`)

// makefile is what the checks read of a Makefile: rules, include lines and variables.
type makefile struct {
	rules    []makeRule
	includes []string
	vars     map[string]string
}

// parseMakefile reads rules, include lines and plain variable assignments; enough for
// the Makefiles of this repository.
func parseMakefile(raw string) makefile {
	mf := makefile{vars: map[string]string{}}
	lines := strings.Split(strings.ReplaceAll(raw, "\\\n", " "), "\n")
	var cur *makeRule
	for _, line := range lines {
		if strings.HasPrefix(line, "\t") {
			if cur != nil {
				cur.recipe = append(cur.recipe, strings.TrimSpace(line))
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		cur = nil
		if f := strings.Fields(trimmed); f[0] == "include" || f[0] == "-include" || f[0] == "sinclude" {
			mf.includes = append(mf.includes, f[1:]...)
			continue
		}
		if m := makeAssign.FindStringSubmatch(trimmed); m != nil {
			if m[2] == "+=" {
				mf.vars[m[1]] = strings.TrimSpace(mf.vars[m[1]] + " " + m[3])
			} else if _, set := mf.vars[m[1]]; m[2] != "?=" || !set {
				mf.vars[m[1]] = m[3]
			}
			continue
		}
		targets, prereqs, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		mf.rules = append(mf.rules, makeRule{targets: strings.Fields(targets), prereqs: strings.Fields(prereqs)})
		cur = &mf.rules[len(mf.rules)-1]
	}
	return mf
}

func findRule(rules []makeRule, target string) (makeRule, bool) {
	for _, r := range rules {
		if slices.Contains(r.targets, target) && len(r.recipe) > 0 {
			return r, true
		}
	}
	for _, r := range rules {
		if slices.Contains(r.targets, target) {
			return r, true
		}
	}
	return makeRule{}, false
}

var functionsArg = regexp.MustCompile(`\./functions/([A-Za-z0-9_.-]+)`)

// functionDirExists reports whether functions/<dir> holds a Go package.
func functionDirExists(root, dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(root, "functions", dir, "*.go"))
	return len(matches) > 0
}

// repoFiles are the inputs of the cross-checks; tests substitute broken ones.
type repoFiles struct {
	root     string
	fc       []byte // s.yaml
	sam      []byte // infra/aws/template.yaml
	samMk    []byte // infra/aws/sam.mk
	makefile []byte // root Makefile
}

func loadRepo(tb testing.TB, root string) repoFiles {
	tb.Helper()
	rf := repoFiles{
		root:  root,
		fc:    mustRead(tb, filepath.Join(root, "s.yaml")),
		sam:   mustRead(tb, filepath.Join(root, "infra", samTemplate)),
		samMk: mustRead(tb, filepath.Join(root, "infra", samMakefile)),
	}
	rf.makefile, _ = os.ReadFile(filepath.Join(root, "Makefile")) // a missing one is reported by the check
	return rf
}

func checkRepo(rf repoFiles) problems {
	var p problems
	mf := parseMakefile(string(rf.makefile))
	if len(rf.makefile) == 0 {
		p.addf("Makefile: missing at the repository root")
	}
	checkFCBuild(rf, mf, &p)
	checkSAMBuild(rf, mf, &p)
	checkSampleEvents(rf, &p)
	return p
}

// checkFCBuild: each fc3 function's code is ./build/fc/<fn>, the directory make build-fc
// fills with the executable main for functions/<fn>, run by runtime go1 with handler main.
func checkFCBuild(rf repoFiles, mf makefile, p *problems) {
	t, tp := parseFC(rf.fc)
	*p = append(*p, tp...)
	if _, ok := findRule(mf.rules, "build/fc/%/main"); !ok {
		p.addf("Makefile: no build/fc/%%/main rule (make build-fc)")
	}
	buildFC, ok := findRule(mf.rules, "build-fc")
	if !ok {
		p.addf("Makefile: no build-fc target")
	}
	resources := getMap(t.Doc, "resources")
	for _, id := range sortedKeys(resources) {
		where := "s.yaml resources." + id
		props := getMap(resources, id, "props")
		code, _ := props["code"].(string)
		fn, isBuild := strings.CutPrefix(code, "./build/fc/")
		if !isBuild || fn == "" || strings.Contains(fn, "/") {
			p.addf("%s: code=%q, want ./build/fc/<function> (what make build-fc writes)", where, code)
			continue
		}
		if !functionDirExists(rf.root, fn) {
			p.addf("%s: code %s, but functions/%s holds no Go package", where, code, fn)
		}
		viaList := slices.Contains(buildFC.prereqs, "$(FUNCTIONS:%=build/fc/%/main)") && slices.Contains(strings.Fields(mf.vars["FUNCTIONS"]), fn)
		if ok && !viaList && !slices.Contains(buildFC.prereqs, "build/fc/"+fn+"/main") {
			p.addf("Makefile: build-fc does not build build/fc/%s/main", fn)
		}
		if h, _ := props["handler"].(string); h != "main" {
			p.addf("%s: handler=%q, want main (the executable make build-fc writes)", where, h)
		}
		if r, _ := props["runtime"].(string); r != "go1" {
			p.addf("%s: runtime=%q, want go1", where, r)
		}
		built := false
		steps, _ := getMap(resources, id, "actions")["pre-deploy"].([]any)
		for _, st := range steps {
			run, _ := getString(st, "run")
			path, _ := getString(st, "path")
			if (run == "make build-fc" || run == "make build/fc/"+fn+"/main") && filepath.Clean(path) == "." {
				built = true
			}
		}
		if !built {
			p.addf("%s: actions.pre-deploy does not run make build-fc in ./", where)
		}
	}
}

// checkSAMBuild: sam build runs build-<LogicalId> from the root Makefile, which must
// include sam.mk; each target builds functions/<fn> into $(ARTIFACTS_DIR)/bootstrap with
// the recipe of the root Makefile's build/aws/%/bootstrap rule.
func checkSAMBuild(rf repoFiles, mf makefile, p *problems) {
	if !slices.Contains(mf.includes, "infra/aws/sam.mk") {
		p.addf("Makefile: does not include infra/aws/sam.mk, so sam build finds no build-<Function> targets")
	}
	awsRule, haveAWSRule := findRule(mf.rules, "build/aws/%/bootstrap")
	if !haveAWSRule || len(awsRule.recipe) != 1 {
		p.addf("Makefile: want a one-line build/aws/%%/bootstrap rule (make build-aws) to compare sam.mk with")
	}
	mkRules := parseMakefile(string(rf.samMk)).rules
	doc, err := parseSAM(rf.sam)
	if err != nil {
		p.addf("template: %v", err)
		return
	}
	for _, f := range samFunctions(doc) {
		if m, _ := getString(f.Res, "Metadata", "BuildMethod"); m != "makefile" {
			continue
		}
		target := "build-" + f.ID
		rule, ok := findRule(mkRules, target)
		if !ok || len(rule.recipe) == 0 {
			p.addf("sam.mk: no %s target for %s", target, f.ID)
			continue
		}
		var build string
		for _, line := range rule.recipe {
			if strings.Contains(line, " build ") {
				build = line
			}
		}
		m := functionsArg.FindStringSubmatch(build)
		if m == nil {
			p.addf("sam.mk %s: no go build of ./functions/<dir>", target)
			continue
		}
		if !functionDirExists(rf.root, m[1]) {
			p.addf("sam.mk %s: builds ./functions/%s, which holds no Go package", target, m[1])
		}
		if handler, _ := f.get("Handler"); !strings.Contains(build, "-o $(ARTIFACTS_DIR)/"+fmt.Sprint(handler)+" ") {
			p.addf("sam.mk %s: does not write $(ARTIFACTS_DIR)/%v (the Handler)", target, handler)
		}
		if haveAWSRule && len(awsRule.recipe) == 1 {
			norm := strings.Replace(build, "$(ARTIFACTS_DIR)/bootstrap", "$@", 1)
			norm = strings.Replace(norm, "./functions/"+m[1], "./functions/$*", 1)
			if norm != awsRule.recipe[0] {
				p.addf("sam.mk %s: recipe differs from make build-aws:\n\t%s\nwant (with $@ and $*):\n\t%s", target, build, awsRule.recipe[0])
			}
		}
	}
}

// sampleEvent names the sample event of one trigger shape and how to recognise it.
type sampleEvent struct {
	glob  string
	check func(map[string]any, []byte) error
}

func wantString(doc map[string]any, want string, path ...string) error {
	if got, _ := getString(doc, path...); got != want {
		return fmt.Errorf("%s=%q, want %q", strings.Join(path, "."), got, want)
	}
	return nil
}

func wantPresent(doc map[string]any, path ...string) error {
	last := path[len(path)-1]
	if _, ok := getMap(doc, path[:len(path)-1]...)[last]; !ok {
		return fmt.Errorf("no %s", strings.Join(path, "."))
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Trigger shapes and their sample events. FC shapes: Function Compute "Use an HTTP
// trigger to invoke a function" and "Time triggers". AWS shapes: the Lambda developer
// guide pages of each event source. A Schedule with a constant Input delivers that Input
// and nothing of the scheduled event (EventBridge "Target" Input).
var sampleEvents = map[string]sampleEvent{
	"fc http": {"events/fc/http-*.json", func(d map[string]any, _ []byte) error {
		return firstErr(wantString(d, "v1", "version"), wantPresent(d, "rawPath"), wantPresent(d, "isBase64Encoded"), wantPresent(d, "requestContext", "http", "method"))
	}},
	"fc timer": {"events/fc/timer.json", func(d map[string]any, _ []byte) error {
		payload, _ := getString(d, "payload")
		return firstErr(wantPresent(d, "triggerTime"), wantPresent(d, "triggerName"), decodeScanScope(payload))
	}},
	"aws HttpApi": {"events/aws/http-api-v2.json", func(d map[string]any, _ []byte) error {
		return firstErr(wantString(d, "2.0", "version"), wantPresent(d, "routeKey"), wantPresent(d, "requestContext", "http", "method"))
	}},
	"aws Api": {"events/aws/apigw-v1.json", func(d map[string]any, _ []byte) error {
		return firstErr(wantPresent(d, "httpMethod"), wantPresent(d, "requestContext", "resourcePath"))
	}},
	"aws FunctionUrl": {"events/aws/function-url.json", func(d map[string]any, _ []byte) error {
		domain, _ := getString(d, "requestContext", "domainName")
		if !strings.Contains(domain, ".lambda-url.") {
			return fmt.Errorf("requestContext.domainName=%q, want a function URL host (*.lambda-url.*)", domain)
		}
		return firstErr(wantString(d, "2.0", "version"), wantPresent(d, "requestContext", "http", "method"))
	}},
	"aws Schedule": {"events/aws/eventbridge-schedule.json", func(d map[string]any, _ []byte) error {
		return firstErr(wantString(d, "Scheduled Event", "detail-type"), wantString(d, "aws.events", "source"))
	}},
	"aws Schedule Input": {"events/aws/scheduler-input.json", func(_ map[string]any, raw []byte) error {
		return decodeScanScope(string(raw))
	}},
}

// triggerShapes lists the shapes of every trigger of both templates, in any rendering.
func triggerShapes(rf repoFiles) map[string][]string {
	shapes := map[string][]string{}
	add := func(shape, where string) { shapes[shape] = append(shapes[shape], where) }
	t, _ := parseFC(rf.fc)
	resources := getMap(t.Doc, "resources")
	for _, id := range sortedKeys(resources) {
		triggers, _ := getMap(resources, id, "props")["triggers"].([]any)
		for i, tr := range triggers {
			typ, _ := getString(tr, "triggerType")
			add("fc "+typ, fmt.Sprintf("s.yaml resources.%s triggers[%d]", id, i))
		}
	}
	doc, err := parseSAM(rf.sam)
	if err != nil {
		return shapes
	}
	renderings, _ := samRenderings(doc)
	seen := map[string]bool{}
	for _, r := range renderings {
		for _, f := range samFunctions(r.Doc) {
			events := getMap(f.Props, "Events")
			for _, name := range sortedKeys(events) {
				typ, _ := getString(events, name, "Type")
				if _, hasInput := getMap(events, name, "Properties")["Input"]; hasInput && (typ == "Schedule" || typ == "ScheduleV2") {
					typ = "Schedule Input"
				} else if typ == "ScheduleV2" {
					typ = "Schedule Input" // EventBridge Scheduler delivers its Input as the event
				}
				if where := "template " + f.ID + ".Events." + name; !seen[typ+where] {
					seen[typ+where] = true
					add("aws "+typ, where)
				}
			}
			if getMap(f.Props, "FunctionUrlConfig") != nil && !seen["url"+f.ID] {
				seen["url"+f.ID] = true
				add("aws FunctionUrl", "template "+f.ID+".FunctionUrlConfig")
			}
		}
		for _, id := range resourcesOfType(r.Doc, "AWS::Lambda::Url") {
			if !seen["url"+id] {
				seen["url"+id] = true
				add("aws FunctionUrl", "template "+id)
			}
		}
	}
	return shapes
}

func checkSampleEvents(rf repoFiles, p *problems) {
	shapes := triggerShapes(rf)
	for _, shape := range sortedKeys(shapes) {
		se, ok := sampleEvents[shape]
		if !ok {
			p.addf("%v: no sample event shape is known for trigger %q", shapes[shape], shape)
			continue
		}
		files, _ := filepath.Glob(filepath.Join(rf.root, se.glob))
		if len(files) == 0 {
			p.addf("%v: no sample event %s", shapes[shape], se.glob)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				p.addf("%s: %v", f, err)
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				p.addf("%s: %v", f, err)
				continue
			}
			if err := se.check(doc, raw); err != nil {
				p.addf("%s: not a %s event: %v", f, shape, err)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Tests of the real files.

func TestSAMTemplate(t *testing.T) {
	reportProblems(t, samTemplate, checkSAM(mustRead(t, samTemplate)))
}

func TestSAMTemplateRenderings(t *testing.T) {
	// The checks are only as good as the renderings they see: every FunctionUrlAuth and
	// both secret settings must be covered.
	doc, err := parseSAM(mustRead(t, samTemplate))
	if err != nil {
		t.Fatal(err)
	}
	rs, p := samRenderings(doc)
	reportProblems(t, "renderings", p)
	var labels []string
	for _, r := range rs {
		labels = append(labels, r.Label)
	}
	for _, want := range []string{
		"AccessKeysSecret= AlibabaCredentialsSecret= FunctionUrlAuth=DISABLED",
		"AccessKeysSecret=example AlibabaCredentialsSecret=example FunctionUrlAuth=NONE",
		"AccessKeysSecret= AlibabaCredentialsSecret= FunctionUrlAuth=NONE",
	} {
		if !slices.Contains(labels, want) {
			t.Errorf("renderings %q lack %q", labels, want)
		}
	}
	for _, r := range rs {
		url := getMap(r.Doc, "Resources", "DescribeReferencesUrl")
		wantURL := r.Params["FunctionUrlAuth"] != "DISABLED"
		if (url != nil) != wantURL {
			t.Errorf("[%s] DescribeReferencesUrl present=%v, want %v", r.Label, url != nil, wantURL)
		}
		env := samFunctions(r.Doc)[0].env()
		if _, ok := env[config.EnvAlibabaAccessKeyID]; ok != (r.Params["AlibabaCredentialsSecret"] != "") {
			t.Errorf("[%s] %s present=%v", r.Label, config.EnvAlibabaAccessKeyID, ok)
		}
		// SDK mode: a public URL makes the function verify signatures, against the key
		// table when one is named (without one it refuses to start).
		public := r.Params["FunctionUrlAuth"] == "NONE"
		if got, want := env[config.EnvAuth], map[bool]string{true: config.AuthRequired, false: config.AuthOff}[public]; got != want {
			t.Errorf("[%s] %s=%v, want %s", r.Label, config.EnvAuth, got, want)
		}
		if _, ok := env[config.EnvAccessKeys]; ok != (public && r.Params["AccessKeysSecret"] != "") {
			t.Errorf("[%s] %s present=%v", r.Label, config.EnvAccessKeys, ok)
		}
	}
}

func TestSAMConfig(t *testing.T) {
	reportProblems(t, samConfigFile, checkSAMConfig(mustRead(t, samConfigFile), mustRead(t, samTemplate), repoRoot))
}

func TestFCTemplate(t *testing.T) {
	tpl, p := parseFC(mustRead(t, fcTemplateFile))
	p = append(p, checkFC(tpl)...)
	reportProblems(t, "s.yaml", p)
}

func TestRAMPolicy(t *testing.T) {
	reportProblems(t, ramPolicyFile, checkRAMPolicy(mustRead(t, ramPolicyFile)))
}

// TestAnonymousWithAuthRequiredPasses: the rule pairs an anonymous trigger with
// SGREF_AUTH=required; it does not forbid it.
func TestAnonymousWithAuthRequiredPasses(t *testing.T) {
	fc := string(mustRead(t, fcTemplateFile))
	for old, new := range map[string]string{"httpAuth: function": "httpAuth: anonymous", "auth: 'off'": "auth: required"} {
		if !strings.Contains(fc, old) {
			t.Fatalf("s.yaml no longer contains %q; update this test", old)
		}
		fc = strings.Replace(fc, old, new, 1)
	}
	tpl, p := parseFC([]byte(fc))
	reportProblems(t, "s.yaml with anonymous and required", append(p, checkFC(tpl)...))
}

// TestRepoCrossChecks checks the templates against this repository: function
// directories, Makefile targets, sample events.
func TestRepoCrossChecks(t *testing.T) {
	reportProblems(t, "repository", checkRepo(loadRepo(t, repoRoot)))
}

// ---------------------------------------------------------------------------
// Unit tests of the parsers the checks rely on.

func TestFCCronExpressions(t *testing.T) {
	tests := map[string]bool{
		"0 0 3 * * *":                       true,
		"CRON_TZ=Asia/Shanghai 0 0 3 * * *": true,
		"0 */5 * * * *":                     true,
		"0 0 8 ? * MON-FRI":                 true,
		"0 30 1 1,15 JAN-MAR *":             true,
		"@every 5m":                         true,
		"@every 2h":                         true,
		"0 3 * * *":                         false, // five fields: a Unix cron line
		"0 0 3 * * * 2026":                  false,
		"0 0 24 * * *":                      false,
		"0 60 3 * * *":                      false,
		"0 0 3 * * 8":                       false,
		"CRON_TZ=Mars/Olympus 0 0 3 * * *":  false,
		"CRON_TZ=Asia/Shanghai":             false,
		"@every 0m":                         false,
		"@every 30s":                        false,
		"0 0 3 * * */0":                     false,
		"0 0 5-3 * * *":                     false,
		"":                                  false,
	}
	for expr, valid := range tests {
		t.Run(expr, func(t *testing.T) {
			if err := checkFCCron(expr); (err == nil) != valid {
				t.Errorf("checkFCCron(%q) = %v, want valid=%v", expr, err, valid)
			}
		})
	}
}

func TestScheduleExpressions(t *testing.T) {
	tests := map[string]bool{
		"cron(0 3 * * ? *)":             true,
		"cron(0/15 8-17 ? * MON-FRI *)": true,
		"cron(0 12 L * ? *)":            true,
		"cron(0 10 ? * 6L *)":           true,
		"rate(1 day)":                   true,
		"rate(5 minutes)":               true,
		"cron(0 3 * * * *)":             false, // day-of-month and day-of-week both set
		"cron(0 3 ? * ? *)":             false,
		"cron(0 3 * * ?)":               false,
		"cron(60 3 * * ? *)":            false,
		"rate(1 days)":                  false,
		"rate(5 minute)":                false,
		"rate(0 minutes)":               false,
		"0 3 * * ? *":                   false,
	}
	for expr, valid := range tests {
		t.Run(expr, func(t *testing.T) {
			if err := checkScheduleExpression(expr); (err == nil) != valid {
				t.Errorf("checkScheduleExpression(%q) = %v, want valid=%v", expr, err, valid)
			}
		})
	}
}

func TestScanScope(t *testing.T) {
	tests := map[string]bool{
		`{"Regions":["cn-hangzhou"],"Accounts":[]}`:                      true,
		`{"Regions":["cn-hangzhou","ap-southeast-1"],"Accounts":["12"]}`: true,
		`{"Regions":[],"Accounts":[]}`:                                   true,
		`{"Regions":["cn-hangzhou"]}`:                                    false,
		`{"Regions":["cn-hangzhou"],"Accounts":[],"Zones":[]}`:           false,
		`{"Regions":["Hangzhou"],"Accounts":[]}`:                         false,
		`{"Regions":["cn-hangzhou"],"Accounts":[]} {}`:                   false,
		`{"Regions":"cn-hangzhou","Accounts":[]}`:                        false,
		`cn-hangzhou`: false,
	}
	for in, valid := range tests {
		t.Run(in, func(t *testing.T) {
			if err := decodeScanScope(in); (err == nil) != valid {
				t.Errorf("decodeScanScope(%q) = %v, want valid=%v", in, err, valid)
			}
		})
	}
}

func TestParseOverrides(t *testing.T) {
	got, err := parseOverrides(`A=1 B="two words" C='x=y' D=`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "x=y", "D": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseOverrides = %v, want %v", got, want)
	}
	if _, err := parseOverrides(`A="open`); err == nil {
		t.Error("parseOverrides accepted an unterminated quote")
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
		samTemplate:   func(b []byte) { checkSAM(b) },
		samConfigFile: func(b []byte) { checkSAMConfig(b, mustRead(t, samTemplate), repoRoot) },
		ramPolicyFile: func(b []byte) { checkRAMPolicy(b) },
	}
	const structural = ":-[]{}'\"\n #!*$,=\t"
	rng := rand.New(rand.NewPCG(1, 2))
	for _, path := range sortedKeys(checks) {
		data := mustRead(t, path)
		var inputs [][]byte
		lines := bytes.SplitAfter(data, []byte("\n"))
		for i := 0; i < len(lines); i += 3 {
			inputs = append(inputs, bytes.Join(lines[:i], nil))
		}
		for range 60 {
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
				decodeScanScope(string(in))
				parseOverrides(string(in))
				parseMakefile(string(in))
			}()
		}
	}
}

// ---------------------------------------------------------------------------
// Negative tests: broken variants of the real files, each caught by a named rule.

func TestChecksCatchBrokenTemplates(t *testing.T) {
	sam := string(mustRead(t, samTemplate))
	samcfg := string(mustRead(t, samConfigFile))
	fc := string(mustRead(t, fcTemplateFile))
	ram := string(mustRead(t, ramPolicyFile))

	checkers := map[string]func(string) problems{
		"sam": func(s string) problems { return checkSAM([]byte(s)) },
		"samconfig": func(s string) problems {
			return checkSAMConfig([]byte(s), []byte(sam), repoRoot)
		},
		"fc": func(s string) problems {
			tpl, p := parseFC([]byte(s))
			return append(p, checkFC(tpl)...)
		},
		"ram": func(s string) problems { return checkRAMPolicy([]byte(s)) },
	}
	originals := map[string]string{"sam": sam, "samconfig": samcfg, "fc": fc, "ram": ram}

	tests := []struct {
		name     string
		file     string
		old, new string
		want     string // a substring of some problem
	}{
		// AWS SAM template.
		{"sam wrong handler", "sam", "Handler: bootstrap", "Handler: main", "Handler=main, want bootstrap"},
		{"sam wrong runtime", "sam", "Runtime: provided.al2023", "Runtime: go1.x", "Runtime=go1.x"},
		{"sam x86", "sam", "Architectures: [arm64]", "Architectures: [x86_64]", "want [arm64]"},
		{"sam wrong CodeUri", "sam", "CodeUri: ../../\n      Role: !GetAtt OrphanScanRole.Arn", "CodeUri: ../\n      Role: !GetAtt OrphanScanRole.Arn", "CodeUri=../"},
		{"sam no build method", "sam", "BuildMethod: makefile\n    Properties:\n      FunctionName: !Sub ${AWS::StackName}-orphan-scan", "BuildMethod: go1.x\n    Properties:\n      FunctionName: !Sub ${AWS::StackName}-orphan-scan", "BuildMethod"},
		{"sam timeout over 900", "sam", "Timeout: 300", "Timeout: 1200", "Timeout=1200"},
		{"sam wildcard action", "sam", "- logs:PutLogEvents", "- logs:*", `wildcard action "logs:*"`},
		{"sam extra action", "sam", "- logs:PutLogEvents", "- s3:GetObject", "s3:GetObject: the functions need only"},
		{"sam role on any log group", "sam", "log-group:/aws/lambda/${AWS::StackName}-orphan-scan:*", "log-group:*", "grants no write to the function's log group"},
		{"sam managed policy", "sam", "      Policies:\n        - PolicyName: write-own-log-group", "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n      Policies:\n        - PolicyName: write-own-log-group", "ManagedPolicyArns"},
		{"sam no explicit role", "sam", "      Role: !GetAtt OrphanScanRole.Arn\n", "", "Role must be"},
		{"sam function policies", "sam", "      Role: !GetAtt OrphanScanRole.Arn\n", "      Role: !GetAtt OrphanScanRole.Arn\n      Policies: [AWSLambdaBasicExecutionRole]\n", "Policies: the functions need no AWS permissions"},
		{"sam public URL without SGREF_AUTH=required", "sam", `SGREF_AUTH: !If [PublicFunctionUrl, required, "off"]`, `SGREF_AUTH: "off"`, "unauthenticated front door"},
		{"sam HttpApi without authorizer", "sam", "            Auth:\n              Authorizer: AWS_IAM\n", "            Auth:\n              Authorizer: NONE\n", "unauthenticated front door"},
		{"sam IAM authorizer not enabled", "sam", "EnableIamAuthorizer: true", "EnableIamAuthorizer: false", "needs EnableIamAuthorizer"},
		{"sam unknown function property", "sam", "      Description: ECS DescribeSecurityGroupReferences\n", "      Description: ECS DescribeSecurityGroupReferences\n      Bogus: 1\n", `unknown field "Bogus"`},
		{"sam unknown event property", "sam", "            Path: /\n", "            Path: /\n            Colour: blue\n", `unknown field "Colour"`},
		{"sam unknown globals property", "sam", "    MemorySize: 256\n", "    MemorySize: 256\n    Memory: 256\n", `Globals.Function: json: unknown field "Memory"`},
		{"sam unknown role property", "sam", "      Policies:\n        - PolicyName: write-own-log-group", "      Polices: []\n      Policies:\n        - PolicyName: write-own-log-group", `unknown field "Polices"`},
		{"sam unmodelled event type", "sam", "          Type: Schedule\n", "          Type: ScheduleV2\n", "not modelled by goformation"},
		{"sam schema gap with a wrong type", "sam", "InvokedViaFunctionUrl: true", "InvokedViaFunctionUrl: yes please", "InvokedViaFunctionUrl: want true or false"},
		{"sam env var not in config", "sam", "          SGREF_REPORT: !Ref ScanReport\n", "          SGREF_REPORT: !Ref ScanReport\n          SGREF_COLOUR: blue\n", "SGREF_COLOUR is not one sgref reads"},
		{"sam literal key table", "sam", `!Sub "{{resolve:secretsmanager:${AccessKeysSecret}:SecretString}}"`, `'{"AccessKeys":[]}'`, "SGREF_ACCESS_KEYS must be a {{resolve:secretsmanager"},
		{"sam key table without SGREF_AUTH=required", "sam", "            - PublicWithAccessKeys\n", "            - HasAlibabaSecret\n", "does not verify signatures"},
		{"sam literal Alibaba key", "sam", `!Sub "{{resolve:secretsmanager:${AlibabaCredentialsSecret}:SecretString:AccessKeyId}}"`, "LTAIexampleexample", "ALIBABA_CLOUD_ACCESS_KEY_ID must be a {{resolve:secretsmanager"},
		{"sam bad log level default", "sam", "Default: info\n    AllowedValues: [debug, info, warn, error]", "Default: loud\n    AllowedValues: [debug, info, warn, error, loud]", `SGREF_LOG_LEVEL="loud"`},
		{"sam default outside AllowedValues", "sam", "Default: DISABLED", "Default: OPEN", "Default OPEN is not among AllowedValues"},
		{"sam schedule both days", "sam", "Default: cron(0 3 * * ? *)", "Default: cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week"},
		{"sam scan input unknown field", "sam", `'{"Regions":["cn-hangzhou"],"Accounts":[]}'`, `'{"Regions":["cn-hangzhou"],"Acounts":[]}'`, `unknown field "Acounts"`},
		{"sam no retention", "sam", "      RetentionInDays: !Ref LogRetentionDays\n\n  OrphanScanRole:", "\n  OrphanScanRole:", "RetentionInDays=<nil>"},
		{"sam log group of another name", "sam", "LogGroupName: !Sub /aws/lambda/${AWS::StackName}-orphan-scan", "LogGroupName: !Sub /aws/lambda/orphans", "no AWS::Logs::LogGroup named /aws/lambda/sgref-orphan-scan"},
		{"sam no API URL output", "sam", "https://${ReferencesApi}.execute-api", "https://example.com/", "no output gives the URL of ReferencesApi"},
		{"sam undefined condition", "sam", "Condition: PublicFunctionUrl\n    Properties:\n      Action: lambda:InvokeFunctionUrl", "Condition: PublicUrl\n    Properties:\n      Action: lambda:InvokeFunctionUrl", "condition PublicUrl is not defined"},

		// samconfig.toml.
		{"samconfig deploys the source template", "samconfig", "resolve_s3 = true\n", "resolve_s3 = true\ntemplate_file = \"infra/aws/template.yaml\"\n", "template_file under deploy"},
		{"samconfig without CAPABILITY_IAM", "samconfig", `capabilities = "CAPABILITY_IAM"`, `capabilities = "CAPABILITY_AUTO_EXPAND"`, "lacks CAPABILITY_IAM"},
		{"samconfig unknown parameter", "samconfig", "FunctionUrlAuth=DISABLED", "FunctionUrlAuth=DISABLED Colour=blue", "does not declare"},
		{"samconfig value not allowed", "samconfig", "FunctionUrlAuth=DISABLED", "FunctionUrlAuth=OPEN", "FunctionUrlAuth=OPEN is not among"},
		{"samconfig long stack name", "samconfig", `stack_name = "sgref"`, `stack_name = "sgref-with-a-stack-name-far-too-long-for-lambda"`, "longer than 64"},
		{"samconfig no artifact bucket", "samconfig", "resolve_s3 = true\n", "", "resolve_s3 = true or an s3_bucket"},
		{"samconfig missing build template", "samconfig", `template_file = "infra/aws/template.yaml"`, `template_file = "infra/aws/missing.yaml"`, "missing.yaml"},

		// s.yaml.
		{"fc memorySize not a multiple of 64", "fc", "memorySize: 256\n      timeout: 10", "memorySize: 250\n      timeout: 10", "memorySize=250: want a multiple of 64"},
		{"fc memorySize too small", "fc", "memorySize: 256\n      timeout: 10", "memorySize: 64\n      timeout: 10", "memorySize=64"},
		{"fc five-field cron", "fc", "cronExpression: '0 0 3 * * *'", "cronExpression: '0 3 * * *'", "5 fields, FC timers want 6"},
		{"fc bad cron zone", "fc", "cronExpression: '0 0 3 * * *'", "cronExpression: 'CRON_TZ=Mars/Olympus 0 0 3 * * *'", "unknown time zone"},
		{"fc anonymous without SGREF_AUTH=required", "fc", "httpAuth: function", "httpAuth: anonymous", "anonymous HTTP trigger without SGREF_AUTH=required"},
		{"fc literal key table", "fc", "accessKeys: ${env('SGREF_FC_ACCESS_KEYS', '')}", `accessKeys: '{"AccessKeys":[]}'`, "SGREF_ACCESS_KEYS must come from ${env(...)}"},
		{"fc key table default", "fc", "${env('SGREF_FC_ACCESS_KEYS', '')}", "${env('SGREF_FC_ACCESS_KEYS', 'file:/keys.json')}", "default is committed too"},
		{"fc auth from the shell", "fc", "httpAuth: function", "httpAuth: ${env('SGREF_FC_HTTP_AUTH', 'function')}", "HTTP auth settings must be literals"},
		{"fc SGREF_AUTH from the shell", "fc", "auth: 'off'", "auth: ${env('SGREF_FC_AUTH', 'off')}", "HTTP auth settings must be literals"},
		{"fc unknown auth type", "fc", "httpAuth: function", "httpAuth: signed", `authType="signed"`},
		{"fc bad method", "fc", "- POST", "- FETCH", `"FETCH" is not one of`},
		{"fc instanceConcurrency on go1", "fc", "memorySize: 256\n      timeout: 10\n", "memorySize: 256\n      timeout: 10\n      instanceConcurrency: 20\n", "built-in runtimes (go1) allow only 1"},
		{"fc unknown runtime", "fc", "runtime: go1\n      handler: main\n      code: ./build/fc/orphan-scan", "runtime: go1.x\n      handler: main\n      code: ./build/fc/orphan-scan", `runtime="go1.x"`},
		{"fc timeout too long", "fc", "timeout: 300", "timeout: 100000", "timeout=100000"},
		{"fc unknown property", "fc", "      logConfig: auto\n      role: acs:ram::${config('AccountID')}:role/${vars.roleName}\n      environmentVariables:\n        SGREF_INVENTORY: ${vars.inventory}\n        SGREF_LOG_LEVEL: ${vars.logLevel}\n        SGREF_AUTH", "      logconfig: auto\n      role: acs:ram::${config('AccountID')}:role/${vars.roleName}\n      environmentVariables:\n        SGREF_INVENTORY: ${vars.inventory}\n        SGREF_LOG_LEVEL: ${vars.logLevel}\n        SGREF_AUTH", `unknown property "logconfig"`},
		{"fc undefined var", "fc", "${vars.inventory}", "${vars.inventroy}", "vars has no inventroy"},
		{"fc env without default", "fc", "${env('SGREF_FC_STAGE', 'dev')}", "${env('SGREF_FC_STAGE')}", "has no default"},
		{"fc AccessKey in config", "fc", "SGREF_REPORT: stdout\n", "SGREF_REPORT: stdout\n        ALIBABA_CLOUD_ACCESS_KEY_ID: LTAIexample\n", "never set AccessKeys"},
		{"fc env var not in config", "fc", "SGREF_REPORT: stdout\n", "SGREF_REPORT: stdout\n        SGREF_COLOUR: blue\n", "SGREF_COLOUR is not one sgref reads"},
		{"fc reserved env prefix", "fc", "SGREF_REPORT: stdout\n", "SGREF_REPORT: stdout\n        FC_DEBUG: '1'\n", "FC_ is reserved"},
		{"fc bad report", "fc", "SGREF_REPORT: stdout", "SGREF_REPORT: stderr", `SGREF_REPORT="stderr"`},
		{"fc payload unknown field", "fc", `"Accounts":[]}'`, `"Acounts":[]}'`, `unknown field "Acounts"`},
		{"fc payload not JSON", "fc", `payload: '{"Regions":["cn-hangzhou"],"Accounts":[]}'`, `payload: 'cn-hangzhou'`, "scan scope"},
		{"fc role auto", "fc", "role: acs:ram::${config('AccountID')}:role/${vars.roleName}", "role: auto", `role="auto"`},
		{"fc default role", "fc", "'sgref-fc-functions'", "'AliyunFCDefaultRole'", "not least privilege"},
		{"fc unknown region", "fc", "'cn-hangzhou'", "'cn-atlantis'", "not an FC 3.0 region"},
		{"fc bad function name", "fc", "functionName: sgref-${vars.stage}-orphan-scan", "functionName: 9-orphan-scan", `functionName="9-orphan-scan"`},
		{"fc unknown trigger type", "fc", "triggerType: timer", "triggerType: cron", `triggerType="cron"`},
		{"fc edition 1", "fc", "edition: 3.0.0", "edition: 1.0.0", "want 3.0.0"},
		{"fc wrong component", "fc", "component: fc3\n    actions:\n      pre-deploy:\n        - run: make build-fc\n          path: ./\n    props:\n      region: ${vars.region}\n      functionName: sgref-${vars.stage}-orphan-scan", "component: fc\n    actions:\n      pre-deploy:\n        - run: make build-fc\n          path: ./\n    props:\n      region: ${vars.region}\n      functionName: sgref-${vars.stage}-orphan-scan", "want fc3"},
		{"fc wildcard inline policy", "fc", "edition: 3.0.0\n", "edition: 3.0.0\nactions:\n  pre-deploy:\n    - run: 'true'\n      Action: ['ecs:*']\n", `wildcard action "ecs:*"`},

		// RAM policy.
		{"ram wildcard action", "ram", `"ecs:DescribeRegions"`, `"ecs:Describe*"`, `wildcard action "ecs:Describe*"`},
		{"ram star", "ram", `"log:PostLogStoreLogs"`, `"*"`, `wildcard action "*"`},
		{"ram action sgref does not need", "ram", `"ecs:DescribeRegions"`, `"ecs:RevokeSecurityGroup"`, "not an action sgref needs"},
		{"ram NotAction", "ram", `"Effect": "Allow",
      "Action": [
        "log:PostLogStoreLogs"
      ]`, `"Effect": "Allow",
      "NotAction": [
        "ram:CreateUser"
      ],
      "Action": [
        "log:PostLogStoreLogs"
      ]`, "NotAction grants every action"},
		{"ram version", "ram", `"Version": "1"`, `"Version": "2012-10-17"`, `Version="2012-10-17"`},
		{"ram unknown key", "ram", `"Version": "1",`, `"Version": "1", "Id": "x",`, `unknown field "Id"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := originals[tc.file]
			if !strings.Contains(orig, tc.old) {
				t.Fatalf("the %s file no longer contains %q; update this case", tc.file, tc.old)
			}
			broken := strings.Replace(orig, tc.old, tc.new, 1)
			got := checkers[tc.file](broken)
			for _, p := range got {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; got %d:\n%s", tc.want, len(got), strings.Join(got, "\n"))
		})
	}
}

// Minimal sample events of each shape, for the synthetic repository.
var syntheticEvents = map[string]string{
	"events/fc/http-get.json":               `{"version":"v1","rawPath":"/","body":"","isBase64Encoded":false,"headers":{},"queryParameters":{"Action":"DescribeSecurityGroupReferences"},"requestContext":{"http":{"method":"GET","path":"/"}}}`,
	"events/fc/timer.json":                  `{"triggerTime":"2026-01-01T03:00:00Z","triggerName":"nightly","payload":"{\"Regions\":[\"cn-hangzhou\"],\"Accounts\":[]}"}`,
	"events/aws/http-api-v2.json":           `{"version":"2.0","routeKey":"ANY /","rawPath":"/","requestContext":{"domainName":"abc.execute-api.us-east-1.amazonaws.com","http":{"method":"GET"}}}`,
	"events/aws/function-url.json":          `{"version":"2.0","routeKey":"$default","rawPath":"/","requestContext":{"domainName":"abc.lambda-url.us-east-1.on.aws","http":{"method":"GET"}}}`,
	"events/aws/eventbridge-schedule.json":  `{"version":"0","detail-type":"Scheduled Event","source":"aws.events","detail":{}}`,
	"events/aws/scheduler-input.json":       `{"Regions":["cn-hangzhou"],"Accounts":[]}`,
	"functions/describe-references/main.go": "package main\n",
	"functions/orphan-scan/main.go":         "package main\n",
}

// newSyntheticRepo lays out a repository with the real templates and Makefiles, two
// function packages and a sample event of each shape.
func newSyntheticRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel string, data []byte) {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for rel, data := range syntheticEvents {
		write(rel, []byte(data))
	}
	write("s.yaml", mustRead(t, fcTemplateFile))
	write("infra/"+samTemplate, mustRead(t, samTemplate))
	write("infra/"+samMakefile, mustRead(t, samMakefile))
	makefile := string(mustRead(t, filepath.Join(repoRoot, "Makefile")))
	if !slices.Contains(parseMakefile(makefile).includes, "infra/aws/sam.mk") {
		makefile += "\ninclude infra/aws/sam.mk\n"
	}
	write("Makefile", []byte(makefile))
	return root
}

func TestCrossChecksOnSyntheticRepo(t *testing.T) {
	root := newSyntheticRepo(t)
	if p := checkRepo(loadRepo(t, root)); len(p) > 0 {
		t.Fatalf("the synthetic repository should pass:\n%s", strings.Join(p, "\n"))
	}

	tests := []struct {
		name   string
		mutate func(rf *repoFiles)
		want   string
	}{
		{"function directory missing", func(rf *repoFiles) {
			os.RemoveAll(filepath.Join(rf.root, "functions", "orphan-scan"))
		}, "functions/orphan-scan holds no Go package"},
		{"HttpApi sample event missing", func(rf *repoFiles) {
			os.Remove(filepath.Join(rf.root, "events/aws/http-api-v2.json"))
		}, "no sample event events/aws/http-api-v2.json"},
		{"FC timer sample event of the wrong shape", func(rf *repoFiles) {
			os.WriteFile(filepath.Join(rf.root, "events/fc/timer.json"), []byte(`{"triggerTime":"x","triggerName":"y","payload":"{}"}`), 0o644)
		}, "not a fc timer event"},
		{"FC HTTP sample event of the wrong shape", func(rf *repoFiles) {
			os.WriteFile(filepath.Join(rf.root, "events/fc/http-get.json"), []byte(`{"version":"2.0","rawPath":"/"}`), 0o644)
		}, "not a fc http event"},
		{"function URL sample event from API Gateway", func(rf *repoFiles) {
			os.WriteFile(filepath.Join(rf.root, "events/aws/function-url.json"), []byte(syntheticEvents["events/aws/http-api-v2.json"]), 0o644)
		}, "want a function URL host"},
		{"sam.mk writes the wrong file", func(rf *repoFiles) {
			rf.samMk = bytes.Replace(rf.samMk, []byte("$(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan"), []byte("$(ARTIFACTS_DIR)/main ./functions/orphan-scan"), 1)
		}, "does not write $(ARTIFACTS_DIR)/bootstrap"},
		{"sam.mk flags differ from make build-aws", func(rf *repoFiles) {
			rf.samMk = bytes.Replace(rf.samMk, []byte("GOARCH=arm64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan"), []byte("GOARCH=amd64 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan"), 1)
		}, "recipe differs from make build-aws"},
		{"sam.mk target missing", func(rf *repoFiles) {
			rf.samMk = bytes.Replace(rf.samMk, []byte("build-OrphanScanFunction:"), []byte("build-Orphans:"), 1)
		}, "no build-OrphanScanFunction target"},
		{"Makefile does not build one of the functions", func(rf *repoFiles) {
			rf.makefile = bytes.Replace(rf.makefile, []byte("FUNCTIONS := describe-references orphan-scan"), []byte("FUNCTIONS := describe-references"), 1)
		}, "build-fc does not build build/fc/orphan-scan/main"},
		{"Makefile does not include sam.mk", func(rf *repoFiles) {
			rf.makefile = bytes.ReplaceAll(rf.makefile, []byte("include infra/aws/sam.mk"), nil)
		}, "does not include infra/aws/sam.mk"},
		{"s.yaml handler is not the built binary", func(rf *repoFiles) {
			rf.fc = bytes.Replace(rf.fc, []byte("handler: main"), []byte("handler: bootstrap"), 1)
		}, `handler="bootstrap", want main`},
		{"s.yaml code is not a build directory", func(rf *repoFiles) {
			rf.fc = bytes.Replace(rf.fc, []byte("code: ./build/fc/orphan-scan"), []byte("code: ./functions/orphan-scan"), 1)
		}, "want ./build/fc/<function>"},
		{"s.yaml code of a function that does not exist", func(rf *repoFiles) {
			rf.fc = bytes.Replace(rf.fc, []byte("code: ./build/fc/orphan-scan"), []byte("code: ./build/fc/orphans"), 1)
		}, "functions/orphans holds no Go package"},
		{"s.yaml does not build before deploying", func(rf *repoFiles) {
			rf.fc = bytes.Replace(rf.fc, []byte("- run: make build-fc"), []byte("- run: make test"), 1)
		}, "does not run make build-fc"},
		{"template with a trigger of unknown shape", func(rf *repoFiles) {
			rf.sam = bytes.Replace(rf.sam, []byte("          Type: Schedule\n"), []byte("          Type: SQS\n"), 1)
		}, `no sample event shape is known for trigger "aws SQS"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rf := loadRepo(t, newSyntheticRepo(t))
			tc.mutate(&rf)
			got := checkRepo(rf)
			for _, p := range got {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; got %d:\n%s", tc.want, len(got), strings.Join(got, "\n"))
		})
	}
}
