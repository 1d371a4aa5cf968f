package capturejob_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sgref/shared/capturejob"
	"sgref/shared/config"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/provider"
	"sgref/shared/scan"
)

// org is an emulated organisation whose faults a test can change between captures.
type org struct {
	URL string
	h   atomic.Pointer[http.Handler]
	inv *inventory.Inventory
	dir []string
}

func startOrg(t *testing.T, inv *inventory.Inventory, dir []string) *org {
	o := &org{inv: inv, dir: dir}
	o.set(ecsemu.Faults{})
	o.URL = testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*o.h.Load()).ServeHTTP(w, r) })).String()
	return o
}

func (o *org) set(f ecsemu.Faults) {
	h := testkit.EmulatedECS(ecsemu.Options{Inventory: o.inv, Account: "123", Directory: o.dir, Faults: f})
	o.h.Store(&h)
}

func (o *org) capture(t *testing.T, object string) (capturejobSummary, error) {
	t.Helper()
	live := "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&accounts=directory&endpoint=" + o.URL
	job, err := capturejob.New(context.Background(), config.Config{Capture: object, CaptureSource: live},
		&ecslive.Rotating{Fallback: ecslive.Env{}}, testkit.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	job.Source.(*ecslive.Source).SetBackoff(time.Millisecond)
	sum, err := job.Run(context.Background())
	status := map[string]inventory.AccountCoverage{}
	for _, r := range sum.Coverage {
		status[r.AccountId] = r
	}
	return status, err
}

type capturejobSummary = map[string]inventory.AccountCoverage

// findings scans the stored snapshot: referenced group → kind.
func findings(t *testing.T, object string) (map[string]string, *scan.Report) {
	t.Helper()
	p, _, err := provider.New(context.Background(), config.Config{Inventory: object}, testkit.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := p.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run(ix, scan.Request{}, scan.Options{})
	out := map[string]string{}
	for r := range rep.DanglingReferences() {
		if r.ReferencedOwnerCapturedAt == "" {
			t.Errorf("dangling %s → %s without the proof of a capture time", r.SecurityGroupId, r.ReferencedGroupId)
		}
		out[r.SecurityGroupRuleId] = "dangling " + r.ReferencedOwnerId
	}
	for r := range rep.UnverifiableReferences() {
		out[r.SecurityGroupRuleId] = "unverifiable " + r.ReferencedOwnerId
	}
	return out, rep
}

func TestOrganisationCapture(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tOrganisation")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "organisation-secret")
	o := startOrg(t, testkit.Sample(t), []string{"123", "456", "789"})
	dir := t.TempDir()
	object := "file:" + filepath.Join(dir, "snapshot.json.gz")

	first, err := o.capture(t, object)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"123", "456", "789"} {
		if first[a].Status != inventory.AccountCaptured {
			t.Errorf("first capture: account %s %+v, want captured", a, first[a])
		}
	}
	all, rep := findings(t, object)
	t.Logf("findings %v", all)
	if rep.Coverage == nil || len(rep.Coverage.Coverage) != 3 {
		t.Errorf("report coverage %+v, want the 3 accounts' records", rep.Coverage)
	}

	// 456 now denies the role: its groups are carried, with the first capture's time.
	o.set(ecsemu.Faults{FailAccount: "456"})
	second, err := o.capture(t, object)
	if err != nil {
		t.Fatal(err)
	}
	if c := second["456"]; c.Status != inventory.AccountCarried || !c.CapturedAt.Equal(first["456"].CapturedAt) ||
		c.Groups != first["456"].Groups || !strings.Contains(c.Error, "NoPermission") {
		t.Errorf("second capture: 456 %+v, want carried from %v with %d groups", c, first["456"].CapturedAt, first["456"].Groups)
	}
	if got, _ := findings(t, object); !sameFindings(got, all) {
		t.Errorf("findings with 456 carried %v, want %v", got, all)
	}

	// Never captured: missing, not covered, and no reference into it is called dangling.
	fresh := "file:" + filepath.Join(t.TempDir(), "snapshot.json.gz")
	third, err := o.capture(t, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if c := third["456"]; c.Status != inventory.AccountMissing || c.Groups != 0 {
		t.Errorf("fresh capture: 456 %+v, want missing", c)
	}
	got, _ := findings(t, fresh)
	t.Logf("findings with 456 missing %v", got)
	for rule, kind := range got {
		if kind == "dangling 456" {
			t.Errorf("rule %s: a reference into the missing account is called dangling", rule)
		}
		if strings.HasPrefix(kind, "dangling") && all[rule] != kind {
			t.Errorf("rule %s: %s with 456 missing, %q with it captured", rule, kind, all[rule])
		}
	}

	// No account captured: nothing written, the previous snapshot stays.
	o.dir = []string{"456"}
	o.set(ecsemu.Faults{FailAccount: "456"})
	if _, err := o.capture(t, object); err == nil || !strings.Contains(err.Error(), "no account captured") {
		t.Errorf("capture with every account failing: %v, want no account captured", err)
	}
	if got, _ := findings(t, object); !sameFindings(got, all) {
		t.Error("a failed capture changed the stored snapshot")
	}
}

func sameFindings(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
