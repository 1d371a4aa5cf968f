package infra_test

// Rules of issue 11's deployed data path, shared by both templates: capture → store →
// describe. The scheduled function's capture job writes one snapshot object
// (SGREF_CAPTURE); both functions read it (SGREF_INVENTORY); the scan job writes reports
// under a prefix of the same bucket (SGREF_REPORT). Describe may read that one object and
// nothing else; the scheduled function may read and replace it and add reports.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sgref/shared/config"
	"sgref/shared/jobs"
	"sgref/shared/refs"
	"sgref/shared/stores"
)

// The capture job's variables and the scheduled function's jobs, as the code names them.
const (
	envCapture       = config.EnvCapture
	envCaptureSource = config.EnvCaptureSource
	jobCapture       = jobs.Capture
	jobScan          = jobs.Scan
)

// decodeTimerJob decodes a timer payload (the FC timer payload, the EventBridge Input) as
// the scheduled function does, with jobs.DecodeRequest, and returns the job it runs.
func decodeTimerJob(s string) (string, error) {
	req, err := jobs.DecodeRequest([]byte(s))
	if err != nil {
		return "", fmt.Errorf("timer payload %q: %w", clip(s), err)
	}
	return req.Job, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// checkJobs: the scheduled function runs both jobs, each from exactly one timer.
func checkJobs(where string, jobs []string, p *problems) {
	for _, job := range []string{jobCapture, jobScan} {
		if n := countOf(jobs, job); n != 1 {
			p.addf("%s: %d timers run the %s job, want 1 (the scheduled function captures and scans)", where, n, job)
		}
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, e := range list {
		if e == s {
			n++
		}
	}
	return n
}

// storeURL is an oss:// or s3:// spec as the functions' variables take it: an object, or
// a prefix when the key ends in "/". The bucket may be a CloudFormation ${Bucket}
// reference left in a Fn::Sub.
type storeURL struct {
	Scheme, Bucket, Key string
}

func (u storeURL) prefix() bool { return strings.HasSuffix(u.Key, "/") }

// refBucket stands in for a ${Ref} bucket while stores.ParseSpec checks the rest.
const refBucket = "cfn-ref-bucket"

// parseStoreURL checks s with the functions' own parser (stores.ParseSpec), plus what the
// policies need: a key without the wildcards * and ?.
func parseStoreURL(s string) (storeURL, error) {
	bucket := ""
	spec := s
	if scheme, rest, ok := strings.Cut(s, "://"); ok && strings.HasPrefix(rest, "${") {
		if end := strings.IndexByte(rest, '}'); end > 0 {
			bucket, spec = rest[:end+1], scheme+"://"+refBucket+rest[end+1:]
		}
	}
	sp, err := stores.ParseSpec(spec)
	if err != nil {
		return storeURL{}, err
	}
	if sp.Scheme == "file" {
		return storeURL{}, fmt.Errorf("%q: want oss://BUCKET/KEY or s3://BUCKET/KEY", s)
	}
	if bucket == "" {
		bucket = sp.Bucket
	}
	u := storeURL{Scheme: sp.Scheme, Bucket: bucket, Key: sp.Key}
	switch {
	case sp.Key == "":
		return u, fmt.Errorf("%q: want a key or a prefix after the bucket", s)
	case strings.ContainsAny(sp.Key, "*?"):
		return u, fmt.Errorf("%q: * and ? in a key would be wildcards in the policies", s)
	}
	return u, nil
}

// storeLayout is what a template deploys: the snapshot object and the report prefix, and
// how the cloud's policies name an object.
type storeLayout struct {
	Snapshot, Reports storeURL
	Read, Write       string              // the store's read and write actions
	arn               func(string) string // bucket/key → policy resource
}

func (l storeLayout) object(key string) string { return l.arn(l.Snapshot.Bucket + "/" + key) }

// layoutFromEnv reads the layout from the scheduled function's variables: SGREF_CAPTURE
// is the snapshot, SGREF_REPORT the prefix; both in one bucket.
func layoutFromEnv(where string, env map[string]string, p *problems) (storeLayout, bool) {
	var l storeLayout
	snap, err := parseStoreURL(env[envCapture])
	if err != nil {
		p.addf("%s: %s: %v", where, envCapture, err)
		return l, false
	}
	if snap.prefix() {
		p.addf("%s: %s=%q names a prefix; the capture writes one object", where, envCapture, env[envCapture])
		return l, false
	}
	rep, err := parseStoreURL(env[config.EnvReport])
	if err != nil {
		p.addf("%s: %s: %v", where, config.EnvReport, err)
		return l, false
	}
	if !rep.prefix() {
		p.addf("%s: %s=%q: want a prefix ending in / (one report object per scan)", where, config.EnvReport, env[config.EnvReport])
		return l, false
	}
	if rep.Scheme != snap.Scheme || rep.Bucket != snap.Bucket {
		p.addf("%s: reports go to %s://%s, the snapshot to %s://%s: want one bucket", where, rep.Scheme, rep.Bucket, snap.Scheme, snap.Bucket)
	}
	if strings.HasPrefix(snap.Key, rep.Key) {
		// The scheduled role may write anything under the prefix: with the snapshot
		// inside it, the lifecycle rule for reports would expire the snapshot.
		p.addf("%s: the snapshot %s lies under the report prefix %s", where, snap.Key, rep.Key)
	}
	if src := env[envCaptureSource]; !strings.HasPrefix(src, "ecs:") {
		p.addf("%s: %s=%q: the capture reads ECS live (ecs:?regions=…)", where, envCaptureSource, src)
	}
	l.Snapshot, l.Reports = snap, rep
	switch snap.Scheme {
	case "s3":
		l.Read, l.Write = "s3:GetObject", "s3:PutObject"
		l.arn = func(obj string) string { return "arn:aws:s3:::" + obj }
	case "oss":
		l.Read, l.Write = "oss:GetObject", "oss:PutObject"
		l.arn = func(obj string) string { return "acs:oss:*:*:" + obj }
	}
	return l, true
}

// checkInventory: describe serves the snapshot the capture writes, and the scan reads the
// same; embedded (the made-up sample) only when the deployer chose it, never by default;
// never ECS itself (every instance would read the whole account at its cold start).
func checkInventory(where string, inventory string, l storeLayout, embeddedChosen bool, p *problems) {
	switch {
	case inventory == "" || inventory == "embedded" || inventory == "sample":
		if !embeddedChosen {
			p.addf("%s: %s=%q serves the embedded sample by default; deploy the snapshot %s", where, config.EnvInventory, inventory, envCapture)
		}
	case strings.HasPrefix(inventory, "ecs:"):
		p.addf("%s: %s=%q: a deployed describe never reads ECS itself; it serves the captured snapshot", where, config.EnvInventory, inventory)
	default:
		u, err := parseStoreURL(inventory)
		if err != nil {
			p.addf("%s: %s: %v", where, config.EnvInventory, err)
		} else if u.Scheme != l.Snapshot.Scheme || u.Bucket != l.Snapshot.Bucket || u.Key != l.Snapshot.Key {
			p.addf("%s: %s=%q is not the snapshot the capture writes (%s)", where, config.EnvInventory, inventory, envCapture)
		}
	}
}

// grant is one allowed action on one resource.
type grant struct{ Action, Resource string }

// checkStoreGrants checks the store actions of one role against the layout. describe:
// the read action on the snapshot object, when it serves it, and nothing else of the
// store. scheduled: read and write the snapshot object, write under the report prefix,
// nothing else.
func checkStoreGrants(where string, describe, servesStore bool, grants []grant, l storeLayout, p *problems) {
	snapshot := l.object(l.Snapshot.Key)
	artifact := l.object(l.Snapshot.Key + refs.ArtifactSuffix) // the index the capture writes beside it
	reports := l.object(l.Reports.Key) + "*"
	service, _, _ := strings.Cut(l.Read, ":")
	allowed := map[grant]bool{{l.Read, snapshot}: true, {l.Read, artifact}: true}
	want := []grant{}
	if describe {
		if servesStore {
			want = append(want, grant{l.Read, snapshot}, grant{l.Read, artifact})
		}
	} else {
		allowed[grant{l.Write, snapshot}] = true
		allowed[grant{l.Write, artifact}] = true
		allowed[grant{l.Write, reports}] = true
		want = append(want, grant{l.Read, snapshot}, grant{l.Write, snapshot}, grant{l.Write, artifact}, grant{l.Write, reports})
	}
	for _, g := range grants {
		if !strings.HasPrefix(g.Action, service+":") || allowed[g] {
			continue
		}
		switch {
		case describe && g.Action != l.Read:
			p.addf("%s: %s on %s: describe may only read the snapshot, never write", where, g.Action, g.Resource)
		case describe && strings.Contains(g.Resource, "*"):
			p.addf("%s: %s on %s: a bucket-wide or prefix-wide read; describe reads exactly %s", where, g.Action, g.Resource, snapshot)
		case describe:
			p.addf("%s: %s on %s: describe reads exactly the snapshot %s", where, g.Action, g.Resource, snapshot)
		case g.Action == l.Write:
			p.addf("%s: %s on %s: the scheduled function writes only the snapshot %s and the reports %s", where, g.Action, g.Resource, snapshot, reports)
		default:
			p.addf("%s: %s on %s: the scheduled function needs only %s and %s on the snapshot and %s on the reports", where, g.Action, g.Resource, l.Read, l.Write, l.Write)
		}
	}
	for _, g := range want {
		if !slices.Contains(grants, g) {
			p.addf("%s: no %s on %s, which the function's job needs", where, g.Action, g.Resource)
		}
	}
	if describe && !servesStore && slices.ContainsFunc(grants, func(g grant) bool { return strings.HasPrefix(g.Action, service+":") }) {
		p.addf("%s: describe may read the store while it serves the embedded sample", where)
	}
}

// storeDefaults is the snapshot key and report prefix a template deploys by default.
type storeDefaults struct{ Snapshot, Reports string }

func checkDefaultsAgree(fc, sam storeDefaults) error {
	if fc != sam {
		return fmt.Errorf("the templates disagree on the store's default layout: s.yaml snapshot %q reports %q, SAM snapshot %q reports %q", fc.Snapshot, fc.Reports, sam.Snapshot, sam.Reports)
	}
	return nil
}

func TestDecodeTimerJob(t *testing.T) {
	tests := []struct {
		payload, job, err string
	}{
		{`{"Job":"capture"}`, jobCapture, ""},
		{`{"Job":"scan","Regions":["cn-hangzhou"],"Accounts":[]}`, jobScan, ""},
		{`{"Regions":["cn-hangzhou"],"Accounts":[]}`, jobScan, ""},
		{`{}`, jobScan, ""},
		{`{"Job":"capture","Regions":["cn-hangzhou"]}`, "", "takes no other members"},
		{`{"Job":"captur"}`, "", "unknown Job"},
		{`{"Job":7}`, "", "Job must be"},
		{`{"Job":"scan","Zones":[]}`, "", "unknown field"},
		{`[]`, "", "want a JSON object"},
		{`null`, jobScan, ""}, // as an empty payload: scan everything
		{`{"Job":"capture"} {}`, "", "want a JSON object"},
	}
	for _, tc := range tests {
		job, err := decodeTimerJob(tc.payload)
		if tc.err == "" && (err != nil || job != tc.job) {
			t.Errorf("decodeTimerJob(%s) = %q, %v; want %q", tc.payload, job, err, tc.job)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("decodeTimerJob(%s) = %q, %v; want an error with %q", tc.payload, job, err, tc.err)
		}
	}
}

func TestParseStoreURL(t *testing.T) {
	for _, s := range []string{
		"oss://sgref-bucket/sgref/snapshot.json.gz?region=cn-hangzhou&internal=true",
		"s3://${SnapshotBucket}/sgref/reports/?region=us-east-1",
	} {
		if _, err := parseStoreURL(s); err != nil {
			t.Errorf("parseStoreURL(%q): %v", s, err)
		}
	}
	for _, s := range []string{
		"oss://b/k", "gs://b/k?region=x", "oss:///k?region=x", "oss://b?region=x", "oss://b/a//c?region=x",
		"oss://b/k*?region=x", "oss://b/k?region=x&regoin=y", "oss://b/k?region=x&region=y", "embedded",
	} {
		if _, err := parseStoreURL(s); err == nil {
			t.Errorf("parseStoreURL(%q) accepted it", s)
		}
	}
}
