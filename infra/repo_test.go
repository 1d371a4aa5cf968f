package infra_test

// Cross-checks between the templates and the repository: the Makefile targets they rely
// on (asked of make itself, with -n), the function directories, the sample events.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stampVersion stands for the VERSION make deploy-aws hands to sam build.
const stampVersion = "v0.0.0-stamp-check"

// makeCommand runs make in the C locale (its messages are read), outside any make that
// runs go test (whose MAKEFLAGS would carry its jobserver and options over), and with
// VERSION=stampVersion in the environment, as sam build runs it.
func makeCommand(args ...string) *exec.Cmd {
	cmd := exec.Command("make", args...)
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "MAKEFLAGS" || k == "MFLAGS" || k == "MAKELEVEL" || k == "VERSION"
	}), "LC_ALL=C", "VERSION="+stampVersion)
	return cmd
}

// makeDryRun returns the commands make would run in root for args (make -n); a target
// without commands (a .PHONY name whose rule is gone) is an error.
func makeDryRun(root string, args ...string) ([]string, error) {
	out, err := makeCommand(append([]string{"-n", "--no-print-directory", "-C", root}, args...)...).CombinedOutput()
	out = bytes.TrimSpace(out)
	if err == nil && bytes.HasPrefix(out, []byte("make: Nothing to be done")) {
		err = errors.New("no commands")
	}
	if err != nil {
		return nil, fmt.Errorf("make -n %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return strings.Split(string(out), "\n"), nil
}

// makefileList is MAKEFILE_LIST from make's database (make -p): the root Makefile and
// everything it includes.
func makefileList(root string) ([]string, error) {
	out, err := makeCommand("-pn", "--no-print-directory", "-C", root, "help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("make -pn: %w: %s", err, bytes.TrimSpace(out))
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "MAKEFILE_LIST := "); ok {
			return strings.Fields(v), nil
		}
	}
	return nil, fmt.Errorf("make -pn: no MAKEFILE_LIST in its database")
}

// buildCommand returns the go build line of commands that writes out from ./functions/<dir>.
func buildCommand(commands []string, out string) (cmd, dir string, ok bool) {
	for _, c := range commands {
		if !strings.Contains(c, " build ") || !strings.Contains(c, "-o "+out+" ") {
			continue
		}
		if m := functionsArg.FindStringSubmatch(c); m != nil {
			return c, m[1], true
		}
	}
	return "", "", false
}

var functionsArg = regexp.MustCompile(`\./functions/([A-Za-z0-9_.-]+)$`)

// functionDirExists reports whether functions/<dir> holds a Go package.
func functionDirExists(root, dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(root, "functions", dir, "*.go"))
	return len(matches) > 0
}

func checkRepo(root string) problems {
	var p problems
	fc, err := os.ReadFile(filepath.Join(root, "s.yaml"))
	if err != nil {
		p.addf("s.yaml: %v", err)
	}
	sam, err := os.ReadFile(filepath.Join(root, "infra", samTemplate))
	if err != nil {
		p.addf("template: %v", err)
	}
	checkFCBuild(root, fc, &p)
	checkSAMBuild(root, sam, &p)
	checkSampleEvents(root, fc, sam, &p)
	return p
}

// checkFCBuild: each fc3 function's code is ./build/fc/<fn>, the directory make build-fc
// fills with the linux/amd64 executable main of functions/<fn>, run by runtime go1 with
// handler main or started by a custom runtime as /code/main (FC unpacks the code
// directory in /code), under each of fcChoices.
func checkFCBuild(root string, fc []byte, p *problems) {
	buildFC, err := makeDryRun(root, "build-fc")
	if err != nil {
		p.addf("Makefile: %v", err)
	}
	*p = append(*p, forFCChoices(fc, func(t fcTemplate) problems { return checkFCBuilt(root, t, buildFC) })...)
}

func checkFCBuilt(root string, t fcTemplate, buildFC []string) problems {
	var p problems
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
		if !functionDirExists(root, fn) {
			p.addf("%s: code %s, but functions/%s holds no Go package", where, code, fn)
		}
		if cmd, dir, ok := buildCommand(buildFC, "build/fc/"+fn+"/main"); !ok || dir != fn {
			p.addf("Makefile: build-fc does not build build/fc/%s/main from ./functions/%s", fn, fn)
		} else if !strings.Contains(cmd, "GOOS=linux GOARCH=amd64 ") {
			p.addf("Makefile: build-fc builds build/fc/%s/main for another platform than linux/amd64 (FC's go1 and custom runtimes): %s", fn, cmd)
		}
		switch r, _ := props["runtime"].(string); {
		case r == "go1":
			if h, _ := props["handler"].(string); h != "main" {
				p.addf("%s: handler=%q, want main (the executable make build-fc writes)", where, h)
			}
		case strings.HasPrefix(r, "custom."):
			if cmd, _ := stringList(getMap(props, "customRuntimeConfig")["command"]); !slices.Equal(cmd, []string{"/code/main"}) {
				p.addf("%s: customRuntimeConfig.command=%q, want [/code/main]: make build-fc writes main in the code directory, which FC unpacks in /code", where, cmd)
			}
		default:
			p.addf("%s: runtime=%q, want go1 or a custom.debian<N> runtime", where, r)
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
	return p
}

// samArtifacts stands for the ARTIFACTS_DIR sam build sets.
const samArtifacts = "/sam-artifacts"

// checkSAMBuild: sam build runs build-<LogicalId> from the root Makefile, which must
// include sam.mk; each target builds functions/<fn> into $(ARTIFACTS_DIR)/<Handler> with
// the very command make build-aws runs for build/aws/<fn>/bootstrap.
func checkSAMBuild(root string, sam []byte, p *problems) {
	if list, err := makefileList(root); err != nil {
		p.addf("Makefile: %v", err)
	} else if !slices.Contains(list, "infra/aws/sam.mk") {
		p.addf("Makefile: does not include infra/aws/sam.mk (MAKEFILE_LIST %v), so sam build finds no build-<Function> targets", list)
	}
	doc, err := parseSAM(sam)
	if err != nil {
		p.addf("template: %v", err)
		return
	}
	for _, f := range samFunctions(doc) {
		if m, _ := getString(f.Res, "Metadata", "BuildMethod"); m != "makefile" {
			continue
		}
		target := "build-" + f.ID
		commands, err := makeDryRun(root, target, "ARTIFACTS_DIR="+samArtifacts)
		if err != nil {
			p.addf("sam.mk: no %s target for %s: %v", target, f.ID, err)
			continue
		}
		handler, _ := f.get("Handler")
		out := fmt.Sprintf("%s/%v", samArtifacts, handler)
		build, dir, ok := buildCommand(commands, out)
		if !ok {
			p.addf("sam.mk %s: does not write $(ARTIFACTS_DIR)/%v (the Handler) with a go build of ./functions/<dir>: %q", target, handler, commands)
			continue
		}
		if !functionDirExists(root, dir) {
			p.addf("sam.mk %s: builds ./functions/%s, which holds no Go package", target, dir)
		}
		awsOut := "build/aws/" + dir + "/bootstrap"
		awsCommands, err := makeDryRun(root, awsOut)
		if err != nil {
			p.addf("Makefile: %v", err)
			continue
		}
		if want, _, _ := buildCommand(awsCommands, awsOut); strings.Replace(build, out, awsOut, 1) != want {
			p.addf("sam.mk %s: command differs from make build-aws's:\n\t%s\nwant (output aside):\n\t%s", target, build, want)
		}
		// sam build copies the code without .git, so the stamp must come from VERSION.
		if !strings.Contains(build, "-X main.version="+stampVersion) {
			p.addf("sam.mk %s: VERSION in the environment does not reach -X main.version: %s", target, build)
		}
	}
	deploy, err := makeDryRun(root, "deploy-aws")
	if err != nil {
		p.addf("Makefile: %v", err)
		return
	}
	for _, c := range deploy {
		if strings.Contains(c, "sam build") && !strings.HasPrefix(c, "VERSION=") {
			p.addf("Makefile deploy-aws: %q does not hand VERSION to sam build, whose copy of the code has no .git for git describe", c)
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
	"fc timer": {"events/fc/timer*.json", func(d map[string]any, _ []byte) error {
		payload, _ := getString(d, "payload")
		_, err := decodeTimerJob(payload)
		return firstErr(wantPresent(d, "triggerTime"), wantPresent(d, "triggerName"), err)
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
		_, err := decodeTimerJob(string(raw))
		return err
	}},
}

// triggerShapes lists the shapes of every trigger of both templates, in any rendering.
func triggerShapes(fc, sam []byte) map[string][]string {
	shapes := map[string][]string{}
	add := func(shape, where string) { shapes[shape] = append(shapes[shape], where) }
	t, _ := parseFC(fc)
	resources := getMap(t.Doc, "resources")
	for _, id := range sortedKeys(resources) {
		triggers, _ := getMap(resources, id, "props")["triggers"].([]any)
		for i, tr := range triggers {
			typ, _ := getString(tr, "triggerType")
			add("fc "+typ, fmt.Sprintf("s.yaml resources.%s triggers[%d]", id, i))
		}
	}
	doc, err := parseSAM(sam)
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

func checkSampleEvents(root string, fc, sam []byte, p *problems) {
	shapes := triggerShapes(fc, sam)
	for _, shape := range sortedKeys(shapes) {
		se, ok := sampleEvents[shape]
		if !ok {
			p.addf("%v: no sample event shape is known for trigger %q", shapes[shape], shape)
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, se.glob))
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

// TestRepoCrossChecks checks the templates against this repository: function
// directories, Makefile targets, sample events.
func TestRepoCrossChecks(t *testing.T) {
	reportProblems(t, "repository", checkRepo(repoRoot))
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
	files := map[string][]byte{
		"s.yaml":               mustRead(t, fcTemplateFile),
		"infra/" + samTemplate: mustRead(t, samTemplate),
		"infra/" + samMakefile: mustRead(t, samMakefile),
		"Makefile":             mustRead(t, filepath.Join(repoRoot, "Makefile")),
	}
	for rel, data := range syntheticEvents {
		files[rel] = []byte(data)
	}
	for rel, data := range files {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// replaceIn returns a mutation that replaces old by new in the file rel of a repository.
func replaceIn(rel, old, new string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		path := filepath.Join(root, rel)
		b := mustRead(t, path)
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s no longer contains %q; update this case", rel, old)
		}
		if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeFile returns a mutation that writes data to the file rel of a repository, or
// removes it when data is nil.
func writeFile(rel string, data []byte) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		path := filepath.Join(root, rel)
		err := os.RemoveAll(path)
		if data != nil && err == nil {
			err = os.WriteFile(path, data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestCrossChecksOnSyntheticRepo(t *testing.T) {
	if p := checkRepo(newSyntheticRepo(t)); len(p) > 0 {
		t.Fatalf("the synthetic repository should pass:\n%s", strings.Join(p, "\n"))
	}

	tests := []struct {
		name   string
		mutate func(*testing.T, string)
		want   string
	}{
		{"function directory missing", writeFile("functions/orphan-scan", nil), "functions/orphan-scan holds no Go package"},
		{"HttpApi sample event missing", writeFile("events/aws/http-api-v2.json", nil), "no sample event events/aws/http-api-v2.json"},
		{"FC timer sample event of the wrong shape", writeFile("events/fc/timer.json", []byte(`{"triggerTime":"x","payload":"{}"}`)), "not a fc timer event"},
		{"FC timer sample event with a payload the scan refuses", writeFile("events/fc/timer.json", []byte(`{"triggerTime":"x","triggerName":"y","payload":"{\"Zones\":[]}"}`)), "not a fc timer event"},
		{"FC HTTP sample event of the wrong shape", writeFile("events/fc/http-get.json", []byte(`{"version":"2.0","rawPath":"/"}`)), "not a fc http event"},
		{"function URL sample event from API Gateway", writeFile("events/aws/function-url.json", []byte(syntheticEvents["events/aws/http-api-v2.json"])), "want a function URL host"},
		{"sam.mk writes the wrong file", replaceIn("infra/"+samMakefile, "$(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan", "$(ARTIFACTS_DIR)/main ./functions/orphan-scan"), "does not write $(ARTIFACTS_DIR)/bootstrap"},
		{"sam.mk flags differ from make build-aws", replaceIn("infra/"+samMakefile, "GOARCH=arm64 $(GO) build -tags lambda.norpc $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan", "GOARCH=amd64 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan"), "command differs from make build-aws"},
		{"sam.mk target missing", replaceIn("infra/"+samMakefile, "build-OrphanScanFunction:", "build-Orphans:"), "no build-OrphanScanFunction target"},
		{"Makefile does not build one of the functions", replaceIn("Makefile", "FUNCTIONS := describe-references orphan-scan", "FUNCTIONS := describe-references"), "build-fc does not build build/fc/orphan-scan/main"},
		{"Makefile builds FC for arm64", replaceIn("Makefile", "GOOS=linux GOARCH=amd64 $(GO) build", "GOOS=linux GOARCH=arm64 $(GO) build"), "another platform than linux/amd64"},
		{"sam.mk builds without the version stamp", replaceIn("infra/"+samMakefile, "$(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan", "-trimpath -ldflags \"-s -w\" -o $(ARTIFACTS_DIR)/bootstrap ./functions/orphan-scan"), "VERSION in the environment does not reach -X main.version"},
		{"deploy-aws without the version", replaceIn("Makefile", "VERSION='$(VERSION)' sam build", "sam build"), "does not hand VERSION to sam build"},
		{"Makefile does not include sam.mk", replaceIn("Makefile", "include infra/aws/sam.mk", ""), "does not include infra/aws/sam.mk"},
		{"s.yaml handler is not the built binary", replaceIn("s.yaml", "handler: main", "handler: bootstrap"), `handler="bootstrap", want main`},
		{"s.yaml custom runtime starts another file than make build-fc writes", replaceIn("s.yaml", "- /code/main", "- /code/bootstrap"), `customRuntimeConfig.command=["/code/bootstrap"], want [/code/main]`},
		{"s.yaml describe on a runtime that cannot run the binary", replaceIn("s.yaml", "'SGREF_FC_DESCRIBE_RUNTIME', 'custom.debian12'", "'SGREF_FC_DESCRIBE_RUNTIME', 'python3.10'"), `runtime="python3.10", want go1 or a custom.debian<N> runtime`},
		{"s.yaml code is not a build directory", replaceIn("s.yaml", "code: ./build/fc/orphan-scan", "code: ./functions/orphan-scan"), "want ./build/fc/<function>"},
		{"s.yaml code of a function that does not exist", replaceIn("s.yaml", "code: ./build/fc/orphan-scan", "code: ./build/fc/orphans"), "functions/orphans holds no Go package"},
		{"s.yaml does not build before deploying", replaceIn("s.yaml", "- run: make build-fc", "- run: make test"), "does not run make build-fc"},
		{"template with a trigger of unknown shape", replaceIn("infra/"+samTemplate, "          Type: Schedule\n", "          Type: SQS\n"), `no sample event shape is known for trigger "aws SQS"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := newSyntheticRepo(t)
			tc.mutate(t, root)
			wantProblem(t, checkRepo(root), tc.want)
		})
	}
}
