package infra_test

// Checks of the AWS SAM template (infra/aws/template.yaml) and samconfig.toml.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"
	"github.com/google/shlex"
	"github.com/robfig/cron/v3"

	"sgref/shared/config"
)

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

// keepUnresolved are the handlers the renderings give goformation's processor in place of
// its own Ref, Fn::Sub and Fn::GetAtt, which turn what they cannot resolve (Refs to
// resources, attributes) into nothing: the checks need to see which resource is named.
var keepUnresolved = map[string]intrinsics.IntrinsicHandler{
	"Ref":        refParameter,
	"Fn::Sub":    subParameters,
	"Fn::GetAtt": func(name string, input, _ any) any { return map[string]any{name: input} },
}

// refParameter resolves a Ref to a pseudo parameter or a parameter (goformation's Ref reads
// the Default that ProcessorOptions.ParameterOverrides set) and keeps a Ref to a resource.
func refParameter(name string, input, template any) any {
	s, _ := input.(string)
	if v, ok := pseudoParams[s]; ok {
		return v
	}
	if _, ok := getMap(template, "Parameters")[s]; ok || s == "AWS::NoValue" {
		return intrinsics.Ref(name, input, template)
	}
	return map[string]any{name: input}
}

var subVar = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// subParameters fills a Fn::Sub string with what refParameter resolves to a string and
// keeps the rest as a Fn::Sub; the [string, variables] form is goformation's.
func subParameters(name string, input, template any) any {
	s, ok := input.(string)
	if !ok {
		return intrinsics.FnSub(name, input, template)
	}
	left := false
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := refParameter("Ref", m[2:len(m)-1], template).(string); ok {
			return v
		}
		left = true
		return m
	})
	if left {
		return map[string]any{name: out}
	}
	return out
}

// renderSAM renders the template for one set of parameter values with goformation's
// intrinsic processor.
func renderSAM(doc map[string]any, params map[string]any) (map[string]any, error) {
	// The processor replaces any map with a Condition key by the condition's value, a
	// whole resource included: the conditions of resources and outputs are taken out here
	// and applied to the result.
	tpl := deepCopy(doc).(map[string]any)
	type entry struct{ section, id string }
	conds := map[entry]string{}
	for _, section := range []string{"Resources", "Outputs"} {
		for id, e := range getMap(tpl, section) {
			if m, ok := e.(map[string]any); ok {
				if c, ok := m["Condition"].(string); ok {
					conds[entry{section, id}] = c
					delete(m, "Condition")
				}
			}
		}
	}
	js, err := json.Marshal(tpl)
	if err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	out, err := intrinsics.ProcessJSON(js, &intrinsics.ProcessorOptions{
		ParameterOverrides:        params,
		EvaluateConditions:        true,
		IntrinsicHandlerOverrides: keepUnresolved,
	})
	if err != nil {
		return nil, fmt.Errorf("process intrinsics: %w", err)
	}
	var rendered map[string]any
	if err := json.Unmarshal(out, &rendered); err != nil {
		return nil, fmt.Errorf("decode rendered template: %w", err)
	}
	evaluated := getMap(rendered, "Conditions")
	for e, c := range conds {
		v, ok := evaluated[c].(bool)
		if !ok {
			return nil, fmt.Errorf("%s.%s: condition %s is not defined", e.section, e.id, c)
		}
		if !v {
			delete(getMap(rendered, e.section), e.id)
		}
	}
	return dropNoValue(rendered).(map[string]any), nil
}

// dropNoValue removes the nulls AWS::NoValue leaves, as CloudFormation removes the
// property.
func dropNoValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNoValue(e)
			}
		}
	case []any:
		out := x[:0]
		for _, e := range x {
			if e != nil {
				out = append(out, dropNoValue(e))
			}
		}
		return out
	}
	return v
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
	base := samDefaults(doc)
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
				m := maps.Clone(c)
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

// samDefaults gives each parameter its Default, or a stand-in when it has none.
func samDefaults(doc map[string]any) map[string]any {
	params := getMap(doc, "Parameters")
	base := map[string]any{}
	for _, name := range sortedKeys(params) {
		def, ok := getMap(params, name)["Default"]
		if !ok {
			def = "example-" + strings.ToLower(name)
		}
		base[name] = def
	}
	return base
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

// The only actions the functions' roles grant: writing to their own log group, and
// reading or writing objects of the stack's bucket (checkSAMStore says which objects).
var (
	lambdaLogActions  = []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	lambdaRoleActions = append(slices.Clone(lambdaLogActions), "s3:GetObject", "s3:PutObject")
)

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
	checkSecretVersions(doc, &p)
	checkFunctionNameLength(doc, &p)
	renderings, rp := samRenderings(doc)
	p = append(p, rp...)
	seen := map[string]bool{}
	defaults := samDefaults(doc)
	for _, r := range renderings {
		var rp problems
		checkSAMSchema(r.Doc, &rp)
		checkSAMRendering(r.Doc, &rp)
		// The sample is served only where the deployer chose another Inventory than the
		// default.
		embeddedChosen := fmt.Sprint(r.Params["Inventory"]) != fmt.Sprint(defaults["Inventory"])
		checkSAMStore(r.Doc, embeddedChosen, &rp)
		for _, msg := range rp {
			if !seen[msg] {
				seen[msg] = true
				p.addf("%s [%s]", msg, r.Label)
			}
		}
	}
	return p
}

// subVars finds the ${Name} variables of a Fn::Sub string.
var subVars = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)\}`)

// secretRefs finds Secrets Manager dynamic references once subVars have become <Name>.
var secretRefs = regexp.MustCompile(`\{\{resolve:secretsmanager:([^{}]*)\}\}`)

// checkSecretVersions: every Secrets Manager reference ends with a version-id taken from
// a parameter. CloudFormation re-resolves a reference only when the resource changes, so
// without a version a rotated secret never reaches the functions: the redeploy is an
// empty change set.
func checkSecretVersions(doc map[string]any, p *problems) {
	params := getMap(doc, "Parameters")
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(where+"."+k, x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", where, i), e)
			}
		case string:
			for _, m := range secretRefs.FindAllStringSubmatch(subVars.ReplaceAllString(x, "<$1>"), -1) {
				segments := strings.Split(m[1], ":")
				last := segments[len(segments)-1]
				name := strings.TrimSuffix(strings.TrimPrefix(last, "<"), ">")
				if len(segments) < 5 || last != "<"+name+">" || params[name] == nil {
					p.addf("%s: %s has no version-id parameter (secret-id:SecretString:json-key::${Version}): a rotated secret would never reach the function", where, m[0])
				}
			}
		}
	}
	walk("Resources", doc["Resources"])
	walk("Globals", doc["Globals"])
}

// Lambda function names are at most 64 characters ("Lambda quotas").
const lambdaMaxFunctionName = 64

// checkFunctionNameLength: a FunctionName must fit Lambda's limit for every value its
// parameters allow, so it may not hold the stack name (128 characters) and each parameter
// it holds needs a MaxLength.
func checkFunctionNameLength(doc map[string]any, p *problems) {
	params := getMap(doc, "Parameters")
	for _, f := range samFunctions(doc) {
		name, ok := subString(f.Props["FunctionName"])
		if !ok {
			continue // generated by CloudFormation, which keeps it within the limit
		}
		longest := subVars.ReplaceAllStringFunc(name, func(v string) string {
			param := getMap(params, v[2:len(v)-1])
			n, ok := number(param["MaxLength"])
			if !ok {
				p.addf("Resources.%s: FunctionName %q holds %s, whose length has no bound (a parameter with MaxLength can)", f.ID, name, v)
				return ""
			}
			return strings.Repeat("x", int(n))
		})
		if len(longest) > lambdaMaxFunctionName {
			p.addf("Resources.%s: FunctionName %q may be %d characters long, Lambda allows %d", f.ID, name, len(longest), lambdaMaxFunctionName)
		}
	}
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
			// A Fn::Sub left naming a resource (s3://${SnapshotBucket}/…) is a string
			// once CloudFormation deploys it.
			s, ok := subString(v)
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
		var jobs []string
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
					if job, err := decodeTimerJob(s); err != nil {
						p.addf("%s.Input: %v", ew, err)
					} else {
						jobs = append(jobs, job)
					}
				}
				// EventBridge invokes asynchronously and Lambda retries a failed
				// asynchronous invocation twice by default: a failing scan would run
				// three times.
				cfg := getMap(f.Props, "EventInvokeConfig")
				if n, ok := number(cfg["MaximumRetryAttempts"]); !ok || n != 0 {
					p.addf("%s: EventInvokeConfig.MaximumRetryAttempts=%v, want 0 for a scheduled function", where, cfg["MaximumRetryAttempts"])
				}
				if n, ok := number(cfg["MaximumEventAgeInSeconds"]); !ok || n < 60 || n > 21600 {
					p.addf("%s: EventInvokeConfig.MaximumEventAgeInSeconds=%v, want 60..21600", where, cfg["MaximumEventAgeInSeconds"])
				}
			}
		}
		if isScheduled(f) {
			checkJobs(where+".Events", jobs, p)
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

	// An IAM-authorized API in front of a function that verifies ECS signatures itself
	// refuses every SigV4 caller: it must not be advertised, and otherwise it must be.
	for _, id := range resourcesOfType(doc, "AWS::Serverless::HttpApi") {
		found := false
		for _, o := range getMap(doc, "Outputs") {
			if s, ok := subString(getMap(o)["Value"]); ok && strings.Contains(s, "${"+id+"}") && strings.Contains(s, "execute-api") {
				found = true
			}
		}
		verifying := slices.ContainsFunc(functions, func(f samFunction) bool {
			return servesAPI(f, id) && f.env()[config.EnvAuth] == config.AuthRequired
		})
		switch {
		case verifying && found:
			p.addf("Outputs: the URL of %s is advertised while its function verifies ECS signatures (%s=%s), which SigV4 callers cannot pass", id, config.EnvAuth, config.AuthRequired)
		case !verifying && !found:
			p.addf("Outputs: no output gives the URL of %s", id)
		}
	}
	checkPolicyActions("template", doc, p)
}

// servesAPI reports whether one of f's HttpApi events routes the API apiID to it.
func servesAPI(f samFunction, apiID string) bool {
	for _, ev := range getMap(f.Props, "Events") {
		if id, _ := refTarget(getMap(ev, "Properties")["ApiId"]); getMap(ev)["Type"] == "HttpApi" && id == apiID {
			return true
		}
	}
	return false
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
					p.addf("%s: Resource %q: name the log group or the object", sw, r)
				}
				if strings.Contains(r, ":log-group:"+logGroup+":") && slices.ContainsFunc(acts, func(a string) bool { return slices.Contains(lambdaLogActions, a) }) {
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
	enum  []any // the values allowed; nil: true or false
}

var schemaGaps = []schemaGap{
	{"AWS::Serverless::HttpApi", []string{"Auth", "EnableIamAuthorizer"}, "AWS SAM HttpApiAuth", nil},
	{"Globals.HttpApi", []string{"Auth", "EnableIamAuthorizer"}, "AWS SAM HttpApiAuth", nil},
	{"AWS::Lambda::Permission", []string{"InvokedViaFunctionUrl"}, "CloudFormation AWS::Lambda::Permission", nil},
	// SAM passes State to the EventBridge rule; unlike Enabled it takes an intrinsic.
	{"Schedule", []string{"State"}, "AWS SAM Schedule", []any{"ENABLED", "DISABLED"}},
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
			if _, isBool := v.(bool); g.enum == nil && !isBool {
				p.addf("%s.%s: want true or false (%s)", name, strings.Join(g.path, "."), g.doc)
			}
			if g.enum != nil && !slices.Contains(g.enum, v) {
				p.addf("%s.%s=%v: want one of %v (%s)", name, strings.Join(g.path, "."), v, g.enum, g.doc)
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
				props := stripGaps(ev.Type, ev.Properties, ew, p)
				if err := strictDecode(props, newT()); err != nil {
					p.addf("%s (%s): %v", ew, ev.Type, err)
				}
			}
		}
	}
}

// EventBridge schedule expressions ("Schedule expressions for rules", Amazon EventBridge):
// rate(N unit) or cron(minute hour day-of-month month day-of-week year), where one of
// day-of-month and day-of-week must be "?". robfig/cron checks the first five fields after
// a small translation: EventBridge numbers the days of the week 1-7 from Sunday, robfig
// 0-6; robfig has neither the year field (checked here: * or years 1970-2199) nor the
// last/weekday/nth forms L, W and # (checked here by their patterns, then given to robfig
// as *). rate(N unit) becomes robfig's "@every N<unit>".
var (
	ebCronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	ebRate       = regexp.MustCompile(`^rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)$`)
	ebCron       = regexp.MustCompile(`^cron\((.*)\)$`)
	ebDowNumber  = regexp.MustCompile(`(^|[,-])([0-9]+)`) // a value, not a /step
	ebDomSpecial = regexp.MustCompile(`^(L|LW|[1-9]W|[12][0-9]W|3[01]W)$`)
	ebDowSpecial = regexp.MustCompile(`^(L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$`)
	ebRateUnit   = map[string]string{"minute": "m", "hour": "h", "day": "h"}
)

func checkScheduleExpression(expr string) error {
	spec, err := robfigSchedule(expr)
	if err != nil {
		return fmt.Errorf("schedule %q: %w", expr, err)
	}
	if _, err := ebCronParser.Parse(spec); err != nil {
		return fmt.Errorf("schedule %q: %w", expr, err)
	}
	return nil
}

// robfigSchedule translates an EventBridge schedule expression into robfig/cron's form.
func robfigSchedule(expr string) (string, error) {
	if m := ebRate.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := strings.TrimSuffix(m[2], "s")
		switch {
		case n <= 0:
			return "", errors.New("the rate must be positive")
		case (n == 1) != (unit == m[2]):
			return "", errors.New("use the singular unit for 1 and the plural otherwise")
		case unit == "day":
			n *= 24
		}
		return fmt.Sprintf("@every %d%s", n, ebRateUnit[unit]), nil
	}
	m := ebCron.FindStringSubmatch(expr)
	if m == nil {
		return "", errors.New("want rate(...) or cron(...)")
	}
	f := strings.Fields(m[1])
	if len(f) != 6 {
		return "", fmt.Errorf("%d cron fields, EventBridge wants 6 (minute hour day-of-month month day-of-week year)", len(f))
	}
	if (f[2] == "?") == (f[4] == "?") {
		return "", errors.New("exactly one of day-of-month and day-of-week must be ?")
	}
	if ebDomSpecial.MatchString(f[2]) {
		f[2] = "*"
	}
	if ebDowSpecial.MatchString(strings.ToUpper(f[4])) {
		f[4] = "*"
	}
	if err := checkYears(f[5]); err != nil {
		return "", err
	}
	var dowErr error
	f[4] = ebDowNumber.ReplaceAllStringFunc(f[4], func(s string) string {
		sep, num := s[:len(s)-len(strings.TrimLeft(s, ",-"))], strings.TrimLeft(s, ",-")
		n, _ := strconv.Atoi(num)
		if n < 1 || n > 7 {
			dowErr = fmt.Errorf("day-of-week %s: want 1-7 (Sunday is 1)", num)
		}
		return sep + strconv.Itoa(n-1)
	})
	return strings.Join(f[:5], " "), dowErr
}

// checkYears checks EventBridge's year field: *, or years and ranges of years.
func checkYears(field string) error {
	if field == "*" {
		return nil
	}
	for _, item := range strings.Split(field, ",") {
		for _, y := range strings.Split(item, "-") {
			if n, err := strconv.Atoi(y); err != nil || n < 1970 || n > 2199 {
				return fmt.Errorf("year %q: want *, or years 1970-2199 and their ranges", field)
			}
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// samconfig.toml.

// parseOverrides splits "K=V K2='V 2'" with shell quoting, as sam's parameter_overrides
// are written.
func parseOverrides(s string) (map[string]string, error) {
	words, err := shlex.Split(s)
	if err != nil {
		return nil, fmt.Errorf("parameter_overrides %q: %w", s, err)
	}
	out := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("parameter_overrides: %q is not KEY=VALUE", w)
		}
		out[k] = v
	}
	return out, nil
}

// CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)

// checkSAMConfig checks samconfig.toml against the template ("AWS SAM CLI configuration
// file").
func checkSAMConfig(raw []byte, samRaw []byte, root string) problems {
	var p problems
	var cfg map[string]any
	if err := toml.Unmarshal(raw, &cfg); err != nil {
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
	// params is the table [default.<cmd>.parameters].
	params := func(cmd string) map[string]any { return getMap(cfg, "default", cmd, "parameters") }
	get := func(key string) (any, bool) {
		for _, cmd := range []string{"deploy", "global"} {
			if v, ok := params(cmd)[key]; ok {
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
	overrides := map[string]string{}
	if ov, ok := params("deploy")["parameter_overrides"].(string); ok {
		if overrides, err = parseOverrides(ov); err != nil {
			p.addf("samconfig.toml: %v", err)
		}
	}
	declared := getMap(doc, "Parameters")
	for _, f := range samFunctions(doc) {
		if name, ok := subString(f.Props["FunctionName"]); ok {
			name = subVars.ReplaceAllStringFunc(name, func(v string) string {
				k := v[2 : len(v)-1]
				if k == "AWS::StackName" {
					return stackName
				}
				if o, ok := overrides[k]; ok {
					return o
				}
				if def, ok := getMap(declared, k)["Default"]; ok {
					return fmt.Sprint(def)
				}
				return v
			})
			if len(name) > lambdaMaxFunctionName {
				p.addf("samconfig.toml: %s's FunctionName %q is longer than %d", f.ID, name, lambdaMaxFunctionName)
			}
		}
	}
	if r, _ := get("region"); r == nil || r == "" {
		p.addf("samconfig.toml: region unset")
	}
	caps, _ := params("deploy")["capabilities"].(string)
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
	if params("deploy")["resolve_s3"] != true && params("deploy")["s3_bucket"] == nil {
		p.addf("samconfig.toml: deploy needs resolve_s3 = true or an s3_bucket for the artifacts")
	}
	if _, ok := params("deploy")["confirm_changeset"].(bool); !ok {
		p.addf("samconfig.toml: confirm_changeset unset")
	}
	// Deploy must take the built template (.aws-sam/build/template.yaml), whose CodeUri
	// are the bootstrap zips; the source template's CodeUri is the whole repository.
	for _, cmd := range []string{"deploy", "global", "package"} {
		if _, ok := params(cmd)["template_file"]; ok {
			p.addf("samconfig.toml: template_file under %s would deploy the unbuilt template; set it for build only", cmd)
		}
	}
	if tf, ok := params("build")["template_file"].(string); ok {
		if _, err := os.Stat(filepath.Join(root, tf)); err != nil {
			p.addf("samconfig.toml: build template_file %q: %v (relative to the repository root)", tf, err)
		}
	}
	for _, k := range sortedKeys(overrides) {
		param := getMap(declared, k)
		if param == nil {
			p.addf("samconfig.toml: parameter_overrides sets %s, which the template does not declare", k)
			continue
		}
		if allowed, ok := param["AllowedValues"].([]any); ok && !slices.ContainsFunc(allowed, func(a any) bool { return fmt.Sprint(a) == overrides[k] }) {
			p.addf("samconfig.toml: parameter_overrides %s=%s is not among %v", k, overrides[k], allowed)
		}
	}
	return p
}

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
		"AccessKeysSecret= AlibabaCredentialsSecret= FunctionUrlAuth=DISABLED Inventory=store",
		"AccessKeysSecret=example AlibabaCredentialsSecret=example FunctionUrlAuth=NONE Inventory=store",
		"AccessKeysSecret= AlibabaCredentialsSecret= FunctionUrlAuth=NONE Inventory=embedded",
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
		fs := samFunctions(r.Doc)
		env, scheduled := fs[0].env(), fs[1].env()
		// The Alibaba Cloud credentials reach the scheduled function alone, when named.
		if _, ok := scheduled[config.EnvAlibabaAccessKeyID]; ok != (r.Params["AlibabaCredentialsSecret"] != "") {
			t.Errorf("[%s] %s of %s present=%v", r.Label, config.EnvAlibabaAccessKeyID, fs[1].ID, ok)
		}
		if _, ok := env[config.EnvAlibabaAccessKeyID]; ok {
			t.Errorf("[%s] %s given to %s", r.Label, config.EnvAlibabaAccessKeyID, fs[0].ID)
		}
		// The capture runs only when the functions serve its snapshot.
		state, _ := getString(getMap(fs[1].Props, "Events", "Capture", "Properties"), "State")
		if want := map[bool]string{true: "ENABLED", false: "DISABLED"}[r.Params["Inventory"] == "store"]; state != want {
			t.Errorf("[%s] capture schedule State=%q, want %s", r.Label, state, want)
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
		// SDK mode has one endpoint, the function URL; the IAM API is not advertised.
		if _, ok := getMap(r.Doc, "Outputs")["ApiUrl"]; ok == public {
			t.Errorf("[%s] ApiUrl output present=%v", r.Label, ok)
		}
	}
}

func TestSAMConfig(t *testing.T) {
	reportProblems(t, samConfigFile, checkSAMConfig(mustRead(t, samConfigFile), mustRead(t, samTemplate), repoRoot))
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

func TestSAMChecksCatchBrokenTemplates(t *testing.T) {
	testBrokenVariants(t, samTemplate, "sam", func(s string) problems { return checkSAM([]byte(s)) })
}

func TestSAMConfigChecksCatchBrokenConfigs(t *testing.T) {
	sam := mustRead(t, samTemplate)
	testBrokenVariants(t, samConfigFile, "samconfig", func(s string) problems { return checkSAMConfig([]byte(s), sam, repoRoot) })
}

// ---------------------------------------------------------------------------
// The store: the stack's bucket, the two roles' access to it (store_test.go has the
// rules both clouds share).

// isScheduled reports whether EventBridge schedules f.
func isScheduled(f samFunction) bool {
	for _, ev := range getMap(f.Props, "Events") {
		if t, _ := getString(ev, "Type"); t == "Schedule" || t == "ScheduleV2" {
			return true
		}
	}
	return false
}

// servesHTTP reports whether an HTTP API routes requests to f.
func servesHTTP(f samFunction) bool {
	for _, ev := range getMap(f.Props, "Events") {
		if t, _ := getString(ev, "Type"); t == "HttpApi" || t == "Api" {
			return true
		}
	}
	return false
}

// roleGrants lists the Allow statements of f's role as (action, resource) pairs.
func roleGrants(doc map[string]any, f samFunction) []grant {
	roleID, _ := refTarget(f.Props["Role"])
	var out []grant
	policies, _ := getMap(doc, "Resources", roleID, "Properties")["Policies"].([]any)
	for _, pol := range policies {
		stmts, _ := getMap(pol, "PolicyDocument")["Statement"].([]any)
		for _, st := range stmts {
			if getMap(st)["Effect"] != "Allow" {
				continue
			}
			acts, _ := stringList(getMap(st)["Action"])
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
			for _, a := range acts {
				for _, r := range rs {
					out = append(out, grant{a, r})
				}
			}
		}
	}
	return out
}

func envStrings(f samFunction) map[string]string {
	out := map[string]string{}
	for k, v := range f.env() {
		if s, ok := subString(v); ok {
			out[k] = s
		}
	}
	return out
}

// checkSAMStore checks the data path of one rendering: the scheduled function captures
// into the stack's bucket, describe serves that object (or the sample the deployer chose),
// each role reaches exactly its objects, and only the scheduled function holds the
// Alibaba Cloud credentials.
func checkSAMStore(doc map[string]any, embeddedChosen bool, p *problems) {
	var describe, scheduled []samFunction
	for _, f := range samFunctions(doc) {
		if servesHTTP(f) {
			describe = append(describe, f)
		}
		if isScheduled(f) {
			scheduled = append(scheduled, f)
		}
	}
	if len(describe) != 1 || len(scheduled) != 1 || describe[0].ID == scheduled[0].ID {
		p.addf("want one describe function (HTTP) and another, scheduled one; got %d and %d", len(describe), len(scheduled))
		return
	}
	d, s := describe[0], scheduled[0]
	dw, sw := "Resources."+d.ID, "Resources."+s.ID
	denv, senv := envStrings(d), envStrings(s)
	for _, k := range fcSystemCredentials {
		if _, ok := denv[k]; ok {
			p.addf("%s: %s: describe never reads ECS; the Alibaba Cloud credentials belong to the scheduled function alone", dw, k)
		}
	}
	l, ok := layoutFromEnv(sw+" Environment", senv, p)
	if !ok {
		return
	}
	if l.Snapshot.Scheme != "s3" {
		p.addf("%s: %s=%q: want the stack's S3 bucket", sw, envCapture, senv[envCapture])
		return
	}
	checkInventory(dw+" Environment", denv[config.EnvInventory], l, embeddedChosen, p)
	if denv[config.EnvInventory] != senv[config.EnvInventory] {
		p.addf("%s: %s=%q, describe's is %q: the scan reads what describe serves", sw, config.EnvInventory, senv[config.EnvInventory], denv[config.EnvInventory])
	}
	servesStore := strings.HasPrefix(denv[config.EnvInventory], "s3://")
	checkStoreGrants("Resources."+roleName(d), true, servesStore, roleGrants(doc, d), l, p)
	checkStoreGrants("Resources."+roleName(s), false, true, roleGrants(doc, s), l, p)

	bucketID, isRef := strings.CutPrefix(l.Snapshot.Bucket, "${")
	bucketID, _ = strings.CutSuffix(bucketID, "}")
	if !isRef || getMap(doc, "Resources", bucketID)["Type"] != "AWS::S3::Bucket" {
		p.addf("%s: %s names bucket %s, not an AWS::S3::Bucket of this stack", sw, envCapture, l.Snapshot.Bucket)
		return
	}
	checkSAMBucket(doc, bucketID, l, p)
}

func roleName(f samFunction) string {
	id, _ := refTarget(f.Props["Role"])
	return id
}

// checkSAMBucket: the bucket keeps its data private, encrypted and versioned, outlives
// the stack, refuses plain HTTP, and expires old reports and replaced snapshots.
func checkSAMBucket(doc map[string]any, id string, l storeLayout, p *problems) {
	where := "Resources." + id
	res := getMap(doc, "Resources", id)
	props := getMap(res, "Properties")
	// A stack deleted or a bucket replaced must not take the snapshots and reports with it.
	if res["DeletionPolicy"] != "Retain" || res["UpdateReplacePolicy"] != "Retain" {
		p.addf("%s: DeletionPolicy=%v UpdateReplacePolicy=%v, want Retain for both: the data outlives the stack", where, res["DeletionPolicy"], res["UpdateReplacePolicy"])
	}
	encrypted := false
	rules, _ := getMap(props, "BucketEncryption")["ServerSideEncryptionConfiguration"].([]any)
	for _, r := range rules {
		alg, _ := getString(r, "ServerSideEncryptionByDefault", "SSEAlgorithm")
		encrypted = encrypted || slices.Contains([]string{"AES256", "aws:kms", "aws:kms:dsse"}, alg)
	}
	if !encrypted {
		p.addf("%s: BucketEncryption: want a default SSE algorithm (AES256 needs no KMS grant)", where)
	}
	pab := getMap(props, "PublicAccessBlockConfiguration")
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if pab[k] != true {
			p.addf("%s: PublicAccessBlockConfiguration.%s=%v, want true: the snapshot maps an account's network", where, k, pab[k])
		}
	}
	if v, _ := getString(props, "VersioningConfiguration", "Status"); v != "Enabled" {
		p.addf("%s: VersioningConfiguration.Status=%q, want Enabled (a bad capture can be rolled back)", where, v)
	}
	var expiresReports, expiresSnapshots bool
	lc, _ := getMap(props, "LifecycleConfiguration")["Rules"].([]any)
	for _, r := range lc {
		rule := getMap(r)
		if rule["Status"] != "Enabled" {
			continue
		}
		prefix, _ := rule["Prefix"].(string)
		if fp, ok := getString(rule, "Filter", "Prefix"); ok {
			prefix = fp
		}
		if n, ok := number(rule["ExpirationInDays"]); ok && n > 0 && prefix == l.Reports.Key {
			expiresReports = true
		}
		if n, ok := number(getMap(rule, "NoncurrentVersionExpiration")["NoncurrentDays"]); ok && n > 0 && prefix == l.Snapshot.Key {
			expiresSnapshots = true
		}
		if prefix != "" && strings.HasPrefix(l.Snapshot.Key, prefix) && rule["ExpirationInDays"] != nil {
			p.addf("%s: lifecycle rule %v expires the current snapshot (prefix %q)", where, rule["Id"], prefix)
		}
	}
	if !expiresReports {
		p.addf("%s: no enabled lifecycle rule expires the reports under %s (ExpirationInDays)", where, l.Reports.Key)
	}
	if !expiresSnapshots {
		p.addf("%s: no enabled lifecycle rule expires replaced versions of %s (NoncurrentVersionExpiration)", where, l.Snapshot.Key)
	}
	if !denyInsecureTransport(doc, id) {
		p.addf("%s: no AWS::S3::BucketPolicy denies requests without TLS (aws:SecureTransport false) on the bucket and its objects", where)
	}
}

// denyInsecureTransport reports whether a bucket policy of the template denies every
// action to everyone on the bucket and its objects when aws:SecureTransport is false.
func denyInsecureTransport(doc map[string]any, bucketID string) bool {
	for _, id := range resourcesOfType(doc, "AWS::S3::BucketPolicy") {
		props := getMap(doc, "Resources", id, "Properties")
		if target, _ := refTarget(props["Bucket"]); target != bucketID {
			continue
		}
		stmts, _ := getMap(props, "PolicyDocument")["Statement"].([]any)
		for _, st := range stmts {
			m := getMap(st)
			acts, _ := stringList(m["Action"])
			secure := fmt.Sprint(getMap(m, "Condition", "Bool")["aws:SecureTransport"])
			if m["Effect"] != "Deny" || m["Principal"] != "*" || !slices.ContainsFunc(acts, func(a string) bool { return a == "s3:*" || a == "*" }) || secure != "false" {
				continue
			}
			var bucket, objects bool
			rs, _ := m["Resource"].([]any)
			for _, r := range rs {
				if t, ok := refTarget(r); ok && t == bucketID {
					bucket = true
				}
				if s, ok := subString(r); ok && s == "${"+bucketID+".Arn}/*" {
					objects = true
				}
			}
			if bucket && objects {
				return true
			}
		}
	}
	return false
}

// samStoreDefaults is the snapshot key and report prefix the template deploys with its
// defaults.
func samStoreDefaults(raw []byte) (storeDefaults, error) {
	doc, err := parseSAM(raw)
	if err != nil {
		return storeDefaults{}, err
	}
	rendered, err := renderSAM(doc, samDefaults(doc))
	if err != nil {
		return storeDefaults{}, err
	}
	for _, f := range samFunctions(rendered) {
		if isScheduled(f) {
			var p problems
			l, ok := layoutFromEnv(f.ID, envStrings(f), &p)
			if !ok {
				return storeDefaults{}, fmt.Errorf("%s", strings.Join(p, "; "))
			}
			return storeDefaults{l.Snapshot.Key, l.Reports.Key}, nil
		}
	}
	return storeDefaults{}, fmt.Errorf("no scheduled function")
}
