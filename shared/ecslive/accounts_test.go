package ecslive_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

// startOrg starts an emulated organisation: the function's own credentials are account
// 123's, every Directory account lets sgref-reader be assumed.
func startOrg(tb testing.TB, o ecsemu.Options) *emulator {
	tb.Helper()
	e := startEmulator(tb, o.Inventory, o.Faults)
	if o.Account == "" {
		o.Account = "123"
	}
	h := testkit.EmulatedECS(o)
	e.h.Store(&h)
	return e
}

func orgSource(e *emulator, spec string, mod func(*ecslive.Options)) *ecslive.Source {
	o, err := ecslive.ParseSpec(spec + "&endpoint=" + e.URL)
	if err != nil {
		panic(err)
	}
	o.Backoff = time.Millisecond
	o.Credentials = staticCreds{AccessKeyID: "testid", AccessKeySecret: "testsecret"}
	if mod != nil {
		mod(&o)
	}
	return ecslive.New(o)
}

// wantCalls is the read's exact cost: per account, one AssumeRole, per region one
// DescribeSecurityGroups page per 100 groups (at least one), two DescribeNetworkInterfaces
// (one page each here) and one DescribeSecurityGroupAttribute per group.
func wantCalls(inv *inventory.Inventory, accounts, regions []string) int {
	n := 0
	for _, a := range accounts {
		n++ // AssumeRole
		for _, r := range regions {
			groups := 0
			for _, g := range inv.SecurityGroups {
				if g.OwnerId == a && g.RegionId == r {
					groups++
				}
			}
			n += groups + max(1, (groups+99)/100) + 2
		}
	}
	return n
}

func TestOrganisationRoundTrip(t *testing.T) {
	regions := []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}
	for name, tc := range map[string]struct {
		inv      *inventory.Inventory
		accounts []string
	}{
		"sample, 3 accounts":          {sample(t), []string{"123", "456", "789"}},
		"synthetic 20 accounts × 500": {syntheticAccounts(t, 10_000/raceScale, 20), nil},
	} {
		t.Run(name, func(t *testing.T) {
			e := startOrg(t, ecsemu.Options{Inventory: tc.inv, Directory: tc.accounts})
			src := orgSource(e, "ecs:?regions="+strings.Join(regions, ",")+"&accounts=directory", func(o *ecslive.Options) { o.Concurrency = 16 })
			got, err := src.FetchAccounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range got {
				ids = append(ids, a.AccountId)
				if a.Status != inventory.AccountCaptured || a.CapturedAt.IsZero() {
					t.Errorf("account %s: %s %v (%s), want captured", a.AccountId, a.Status, a.CapturedAt, a.Error)
				}
				live := &inventory.Inventory{SecurityGroups: a.Groups}
				if x, y := normalize(live, a.AccountId), normalize(tc.inv, a.AccountId); !bytes.Equal(x, y) {
					t.Errorf("account %s: the live groups differ from the snapshot's (%d vs %d bytes)", a.AccountId, len(x), len(y))
				}
			}
			want := 1 + wantCalls(tc.inv, ids, regions) // + ListAccounts
			if calls := int(src.Calls()); calls != want || e.total() != want {
				t.Errorf("%d calls (emulator saw %d), want %d", calls, e.total(), want)
			}
			if tc.accounts == nil && len(ids) != 20 {
				t.Errorf("%d accounts, want 20", len(ids))
			}
		})
	}
}

func TestAssumeRoleDenied(t *testing.T) {
	inv := sample(t)
	e := startOrg(t, ecsemu.Options{Inventory: inv, Faults: ecsemu.Faults{FailAccount: "456"}})
	src := orgSource(e, "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&accounts=123,456,777", nil)
	got, err := src.FetchAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, a := range got {
		status[a.AccountId] = a.Status + " " + a.Error
		if a.Status == inventory.AccountMissing && len(a.Groups) != 0 {
			t.Errorf("missing account %s has %d groups", a.AccountId, len(a.Groups))
		}
	}
	if !strings.HasPrefix(status["123"], "captured") || !strings.Contains(status["456"], "NoPermission") ||
		!strings.Contains(status["777"], "EntityNotExist.Role") {
		t.Errorf("statuses %q: want 123 captured, 456 missing (NoPermission), 777 missing (EntityNotExist.Role)", status)
	}
	if strings.Contains(status["456"], "testsecret") || strings.Contains(status["456"], "testid") {
		t.Errorf("the error carries the credentials: %s", status["456"])
	}
	if _, err := src.Fetch(context.Background()); err == nil {
		t.Error("Fetch, all or nothing, succeeded with an account missing")
	}
}

func TestDirectoryPaging(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101} {
		t.Run(fmt.Sprintf("accounts=%d", n), func(t *testing.T) {
			inv := &inventory.Inventory{SecurityGroups: []inventory.Group{}}
			dir := []string{}
			for i := range n {
				a := fmt.Sprint(200000 + i)
				dir = append(dir, a)
				inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "cn-hangzhou", OwnerId: a,
					SecurityGroupId: fmt.Sprintf("sg-%06d", i), Permissions: inventory.Permissions{Permission: []inventory.Permission{}}})
			}
			e := startOrg(t, ecsemu.Options{Inventory: inv, Directory: dir})
			src := orgSource(e, "ecs:?regions=cn-hangzhou&accounts=directory&accountconcurrency=16", nil)
			got, err := src.FetchAccounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d accounts, want %d", len(got), n)
			}
			for i, a := range got {
				if a.AccountId != dir[i] || a.Status != inventory.AccountCaptured || len(a.Groups) != 1 {
					t.Errorf("account %d: %s %s %d groups, want %s captured with 1", i, a.AccountId, a.Status, len(a.Groups), dir[i])
				}
			}
			e.mu.Lock()
			pages := e.calls["ListAccounts"]
			e.mu.Unlock()
			if want := max(1, (n+99)/100); pages != want {
				t.Errorf("%d ListAccounts calls, want %d", pages, want)
			}
		})
	}
}

func TestRoleCredentialsRenewedMidRead(t *testing.T) {
	inv := syntheticAccounts(t, 400, 2)
	e := startOrg(t, ecsemu.Options{Inventory: inv, CredentialLifetime: 600 * time.Millisecond,
		Faults: ecsemu.Faults{Latency: 10 * time.Millisecond}})
	src := orgSource(e, "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&accounts=directory&concurrency=4", nil)
	start := time.Now()
	got, err := src.FetchAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if a.Status != inventory.AccountCaptured {
			t.Fatalf("account %s: %s (%s)", a.AccountId, a.Status, a.Error)
		}
	}
	e.mu.Lock()
	assumed := e.calls["AssumeRole"]
	e.mu.Unlock()
	if elapsed := time.Since(start); assumed < 2*int(elapsed/(600*time.Millisecond)) || assumed <= 2 {
		t.Errorf("%d AssumeRole calls in %v with 600ms credentials for 2 accounts: not renewed", assumed, elapsed)
	}
	// Within their lifetime they are reused: a second read right away asks for none
	// when the lifetime is long.
	e2 := startOrg(t, ecsemu.Options{Inventory: inv})
	src2 := orgSource(e2, "ecs:?regions=cn-hangzhou&accounts=directory", nil)
	for range 3 {
		if _, err := src2.FetchAccounts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	e2.mu.Lock()
	defer e2.mu.Unlock()
	if n := e2.calls["AssumeRole"]; n != 2 {
		t.Errorf("%d AssumeRole calls for 3 reads of 2 accounts, want 2 (reused)", n)
	}
}

func TestSTSThrottlingStorm(t *testing.T) {
	inv := syntheticAccounts(t, 200, 8)
	e := startOrg(t, ecsemu.Options{Inventory: inv, Faults: ecsemu.Faults{STSThrottle: 0.7}})
	src := orgSource(e, "ecs:?regions=cn-hangzhou&accounts=directory&accountconcurrency=8", func(o *ecslive.Options) { o.Retries = 40 })
	got, err := src.FetchAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if a.Status != inventory.AccountCaptured {
			t.Errorf("account %s: %s (%s)", a.AccountId, a.Status, a.Error)
		}
	}
	if src.Throttles() == 0 {
		t.Error("no throttling seen with 70% of AssumeRole calls throttled")
	}
}

func TestOrganisationSameAnswersAsTheSnapshot(t *testing.T) {
	inv := sample(t)
	e := startOrg(t, ecsemu.Options{Inventory: inv})
	src := orgSource(e, "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&accounts=123,456", nil)
	got, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := func() string { return "00000000-0000-4000-8000-000000000000" }
	a := ecsapi.NewHandler(refs.Static(refs.Build(got)), ecsapi.Options{Logger: quiet, RequestID: id})
	b := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Logger: quiet, RequestID: id})
	const d = "Action=DescribeSecurityGroupReferences&Format=JSON&"
	for _, q := range []string{
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-db0001&SecurityGroupId.2=sg-2255cc&SecurityGroupId.3=sg-classic01",
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-partner01", // account 456's: now in both
		d + "RegionId=cn-shanghai&SecurityGroupId.1=sg-sh-web01",
		"Action=DescribeDanglingSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou",
	} {
		req := func() *ecsapi.Request {
			return &ecsapi.Request{Method: "GET", Host: "h", Header: http.Header{}, RawQuery: q}
		}
		ra, rb := a.Serve(context.Background(), req()), b.Serve(context.Background(), req())
		if ra.Status != rb.Status || !bytes.Equal(ra.Body, rb.Body) {
			t.Errorf("%s:\n live     %d %s\n snapshot %d %s", q, ra.Status, ra.Body, rb.Status, rb.Body)
		}
	}
}

func TestParseSpecAccounts(t *testing.T) {
	for spec, ok := range map[string]bool{
		"ecs:?regions=all&accounts=directory":                              true,
		"ecs:?regions=cn-hangzhou&accounts=123,456&role=sgref-reader":      true,
		"ecs:?regions=cn-hangzhou&accounts=self":                           true,
		"ecs:?regions=cn-hangzhou&accounts=123&accountconcurrency=8":       true,
		"ecs:?regions=cn-hangzhou&accounts=12a":                            false,
		"ecs:?regions=cn-hangzhou&accounts=123,":                           false,
		"ecs:?regions=cn-hangzhou&accounts=123&role=a/b":                   false,
		"ecs:?regions=cn-hangzhou&accounts=123&accountconcurrency=0":       false,
		"ecs:?accounts=directory":                                          false,
		"ecs:?regions=cn-hangzhou&accounts=directory&accountconcurrency=x": false,
	} {
		if _, err := ecslive.ParseSpec(spec); (err == nil) != ok {
			t.Errorf("ParseSpec(%q) error %v, want ok=%v", spec, err, ok)
		}
	}
}

func syntheticAccounts(tb testing.TB, groups, accounts int) *inventory.Inventory {
	tb.Helper()
	var buf bytes.Buffer
	if err := synthWrite(&buf, groups, accounts); err != nil {
		tb.Fatal(err)
	}
	inv, err := inventory.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return inv
}

// FuzzParseSpec: the spec parser never panics, and what it accepts reads at least one
// region (or all) and only well-formed accounts and roles.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"ecs:?regions=cn-hangzhou", "ecs:?regions=all&accounts=directory&role=sgref-reader",
		"ecs:?regions=a,b&accounts=123,456&accountconcurrency=4&concurrency=8", "ecs:?accounts=self", "ecs:?regions=%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		o, err := ecslive.ParseSpec(spec)
		if err != nil {
			return
		}
		if len(o.Regions) == 0 && !o.AllRegions {
			t.Errorf("ParseSpec(%q) accepted no region", spec)
		}
		for _, a := range o.Accounts {
			if a == "" || strings.Trim(a, "0123456789") != "" {
				t.Errorf("ParseSpec(%q) accepted account %q", spec, a)
			}
		}
	})
}

// TestCredentialsExpiringEarly: credentials that expire before the caller expects (its
// clock is behind STS's by more than their lifetime) are answered
// InvalidSecurityToken.Expired; they are renewed and the call tried again, so every
// account is still captured.
func TestCredentialsExpiringEarly(t *testing.T) {
	inv := syntheticAccounts(t, 300, 2)
	e := startOrg(t, ecsemu.Options{Inventory: inv, CredentialLifetime: 300 * time.Millisecond, ClockSkew: 600 * time.Millisecond,
		Faults: ecsemu.Faults{Latency: 20 * time.Millisecond}})
	src := orgSource(e, "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&accounts=directory&concurrency=4", nil)
	got, err := src.FetchAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if a.Status != inventory.AccountCaptured {
			t.Errorf("account %s: %s (%s)", a.AccountId, a.Status, a.Error)
		}
	}
}
