package ecslive_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sgref/shared/internal/testkit"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/inventory"
	"sgref/shared/refs"
	"sgref/shared/synth"
)

var quiet = testkit.Quiet

// emulator is a local ECS on 127.0.0.1 whose inventory and faults a test can swap, and
// which counts the calls it gets per action and remembers the AccessKeyIds used.
type emulator struct {
	URL      string
	h        atomic.Pointer[http.Handler]
	mu       sync.Mutex
	calls    map[string]int
	keysSeen map[string]bool
}

func startEmulator(tb testing.TB, inv *inventory.Inventory, faults ecsemu.Faults) *emulator {
	tb.Helper()
	e := &emulator{calls: map[string]int{}, keysSeen: map[string]bool{}}
	e.set(inv, faults)
	e.URL = testkit.Serve(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.calls[cmp.Or(r.URL.Query().Get("Action"), r.Header.Get("x-acs-action"))]++
		e.keysSeen[r.URL.Query().Get("AccessKeyId")] = true
		e.mu.Unlock()
		(*e.h.Load()).ServeHTTP(w, r)
	})).String()
	return e
}

func (e *emulator) set(inv *inventory.Inventory, faults ecsemu.Faults) {
	h := testkit.EmulatedECS(ecsemu.Options{Inventory: inv, Account: "123", Faults: faults})
	e.h.Store(&h)
}

func (e *emulator) total() (n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.calls {
		n += c
	}
	return n
}

type staticCreds ecslive.Credentials

func (s staticCreds) Credentials(context.Context) (ecslive.Credentials, error) {
	return ecslive.Credentials(s), nil
}

func source(e *emulator, regions []string, mod func(*ecslive.Options)) *ecslive.Source {
	o := ecslive.Options{Regions: regions, Endpoint: e.URL, Backoff: time.Millisecond,
		Credentials: staticCreds{AccessKeyID: "testid", AccessKeySecret: "testsecret"}}
	if mod != nil {
		mod(&o)
	}
	return ecslive.New(o)
}

// accountOnly returns the groups of account, sorted by ID, normalized as ECS would hand
// them back (empty lists as empty, not absent).
func normalize(inv *inventory.Inventory, account string) []byte {
	var gs []inventory.Group
	for _, g := range inv.SecurityGroups {
		if g.OwnerId != account {
			continue
		}
		if g.Tags != nil && len(g.Tags.Tag) == 0 {
			g.Tags = nil
		}
		if g.Permissions.Permission == nil {
			g.Permissions.Permission = []inventory.Permission{}
		}
		if g.NetworkInterfaceCount == nil { // a live read counts every group's interfaces
			zero := 0
			g.NetworkInterfaceCount = &zero
		}
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b inventory.Group) int { return strings.Compare(a.SecurityGroupId, b.SecurityGroupId) })
	b, _ := json.MarshalIndent(gs, "", " ")
	return b
}

func sample(tb testing.TB) *inventory.Inventory { return testkit.Sample(tb) }

func TestRoundTrip(t *testing.T) {
	for name, tc := range map[string]struct {
		inv     *inventory.Inventory
		regions []string
	}{
		"sample":        {sample(t), []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}},
		"synthetic 10k": {testkit.SynthInventory(t, 10_000/raceScale), []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}},
	} {
		t.Run(name, func(t *testing.T) {
			e := startEmulator(t, tc.inv, ecsemu.Faults{})
			src := source(e, tc.regions, func(o *ecslive.Options) { o.Concurrency = 16 })
			got, err := src.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if a, b := normalize(got, "123"), normalize(tc.inv, "123"); !bytes.Equal(a, b) {
				t.Errorf("the live inventory differs from the snapshot's account 123 (%d vs %d bytes)", len(a), len(b))
			}
			n := len(got.SecurityGroups)
			if n == 0 {
				t.Fatal("no groups")
			}
			perRegion := map[string]int{}
			for _, g := range got.SecurityGroups {
				perRegion[g.RegionId]++
			}
			want := 1 + n // GetCallerIdentity, one attribute call per group
			for _, r := range tc.regions {
				want += max(1, (perRegion[r]+99)/100)
				want += 2 // DescribeNetworkInterfaces, ServiceManaged false and true: one page each here
			}
			if calls := int(src.Calls()); calls != want || e.total() != want {
				t.Errorf("%d calls (emulator saw %d), want %d: groups + ⌈groups/100⌉ + 2 per region + 1", calls, e.total(), want)
			}
		})
	}
}

// TestPaginationBoundaries: 0, 1, page size and page size + 1 items, for groups (pages of
// 100), for rules (pages of 1000) and for network interfaces (pages of 500).
func TestPaginationBoundaries(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101} {
		t.Run(fmt.Sprintf("groups=%d", n), func(t *testing.T) {
			inv := &inventory.Inventory{SecurityGroups: []inventory.Group{}}
			for i := range n {
				inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123",
					SecurityGroupId: fmt.Sprintf("sg-%04d", i), Permissions: inventory.Permissions{Permission: []inventory.Permission{}}})
			}
			e := startEmulator(t, inv, ecsemu.Faults{})
			got, err := source(e, []string{"cn-hangzhou"}, nil).Fetch(context.Background())
			if err != nil || len(got.SecurityGroups) != n {
				t.Fatalf("got %v groups, %v; want %d", got, err, n)
			}
		})
	}
	for _, n := range []int{0, 1, 1000, 1001} {
		t.Run(fmt.Sprintf("rules=%d", n), func(t *testing.T) {
			g := inventory.Group{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-big", Permissions: inventory.Permissions{Permission: []inventory.Permission{}}}
			for i := range n {
				g.Permissions.Permission = append(g.Permissions.Permission, inventory.Permission{SecurityGroupRuleId: fmt.Sprintf("sgr-%05d", i),
					Direction: "ingress", SourceCidrIp: "10.0.0.0/8", IpProtocol: "TCP", PortRange: "22/22", Policy: "Accept", Priority: "1"})
			}
			inv := &inventory.Inventory{SecurityGroups: []inventory.Group{g}}
			e := startEmulator(t, inv, ecsemu.Faults{})
			got, err := source(e, []string{"cn-hangzhou"}, nil).Fetch(context.Background())
			if err != nil || len(got.SecurityGroups) != 1 || len(got.SecurityGroups[0].Permissions.Permission) != n {
				t.Fatalf("got %v, %v; want one group of %d rules", got, err, n)
			}
			if !bytes.Equal(normalize(got, "123"), normalize(inv, "123")) {
				t.Error("rules differ after paging")
			}
		})
	}
}

func TestInterfaceCounts(t *testing.T) {
	for _, n := range []int{0, 1, 499, 500, 501, 1200} {
		t.Run(fmt.Sprintf("interfaces=%d", n), func(t *testing.T) {
			ecs, nic, none := n/3, n, 0
			inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
				{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-a", EcsCount: &ecs, NetworkInterfaceCount: &nic},
				{RegionId: "cn-hangzhou", OwnerId: "123", SecurityGroupId: "sg-b", EcsCount: &none, NetworkInterfaceCount: &none},
			}}
			e := startEmulator(t, inv, ecsemu.Faults{})
			got, err := source(e, []string{"cn-hangzhou"}, nil).Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range got.SecurityGroups {
				want := 0
				if g.SecurityGroupId == "sg-a" {
					want = n // managed services' interfaces (n - ecs of them) included
				}
				if g.NetworkInterfaceCount == nil || *g.NetworkInterfaceCount != want {
					t.Errorf("%s: NetworkInterfaceCount %v, want %d", g.SecurityGroupId, g.NetworkInterfaceCount, want)
				}
			}
		})
	}
}

func TestThrottlingStormThenSuccess(t *testing.T) {
	inv := sample(t)
	e := startEmulator(t, inv, ecsemu.Faults{Throttle: 0.4, Error5xx: 0.1})
	src := source(e, []string{"cn-hangzhou", "cn-shanghai"}, func(o *ecslive.Options) { o.Retries = 30 })
	got, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if src.Calls() <= int64(len(got.SecurityGroups))+3 {
		t.Errorf("%d calls for %d groups with 50%% faults: the retries did not happen", src.Calls(), len(got.SecurityGroups))
	}
}

func TestFailingGroupFailsTheRefreshAndTheLastGoodStays(t *testing.T) {
	inv := sample(t)
	e := startEmulator(t, inv, ecsemu.Faults{})
	src := source(e, []string{"cn-hangzhou"}, func(o *ecslive.Options) { o.Retries = 2 })
	r := refs.NewRefresher(func(ctx context.Context) (*refs.Index, error) {
		inv, err := src.Fetch(ctx)
		if err != nil {
			return nil, err
		}
		return refs.Build(inv), nil
	}, refs.RefreshOptions{Every: time.Hour, Log: quiet})
	if err := r.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, _ := r.Current(context.Background())
	e.set(inv, ecsemu.Faults{FailGroup: "sg-db0001"})
	err := r.Refresh(context.Background())
	if err == nil || !strings.Contains(err.Error(), "DescribeSecurityGroupAttribute") {
		t.Fatalf("refresh error %v, want the attribute call's failure", err)
	}
	if ix, _ := r.Current(context.Background()); ix != good {
		t.Error("a failed refresh replaced the index in service")
	}
	if _, err := src.Fetch(context.Background()); err == nil {
		t.Error("a read with a failing group returned an inventory")
	}
}

func TestDeadline(t *testing.T) {
	e := startEmulator(t, sample(t), ecsemu.Faults{Latency: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := source(e, []string{"cn-hangzhou"}, nil).Fetch(ctx)
	if err == nil {
		t.Fatal("a read past its deadline succeeded")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the read took %v after a 100ms deadline", time.Since(start))
	}
}

func TestCredentialsRotation(t *testing.T) {
	e := startEmulator(t, sample(t), ecsemu.Faults{})
	rot := &ecslive.Rotating{}
	src := source(e, []string{"cn-shanghai"}, func(o *ecslive.Options) { o.Credentials = rot })
	if _, err := src.Fetch(context.Background()); err == nil {
		t.Fatal("a read with no credentials yet succeeded")
	}
	rot.Set(ecslive.Credentials{AccessKeyID: "STS.first", AccessKeySecret: "s1", SecurityToken: "t1"})
	if _, err := src.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	rot.Set(ecslive.Credentials{AccessKeyID: "STS.second", AccessKeySecret: "s2", SecurityToken: "t2"})
	if _, err := src.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !e.keysSeen["STS.first"] || !e.keysSeen["STS.second"] {
		t.Errorf("keys seen %v, want both rotations", e.keysSeen)
	}
}

// TestRotatingSet: the newest credentials win, a repeat of the current ones (every FC
// request brings them) changes nothing, empty ones are ignored.
func TestRotatingSet(t *testing.T) {
	rot := &ecslive.Rotating{}
	a := ecslive.Credentials{AccessKeyID: "STS.a", AccessKeySecret: "s", SecurityToken: "t1"}
	b := a
	b.SecurityToken = "t2" // the same key pair with a renewed token
	for _, c := range []struct {
		set, want ecslive.Credentials
	}{
		{a, a},
		{a, a},
		{b, b},
		{ecslive.Credentials{}, b},
		{ecslive.Credentials{AccessKeyID: "STS.c"}, b},
		{a, a},
	} {
		rot.SetKeys(c.set.AccessKeyID, c.set.AccessKeySecret, c.set.SecurityToken)
		if got, err := rot.Credentials(context.Background()); err != nil || got != c.want {
			t.Errorf("after Set(%+v): %+v, %v; want %+v", c.set, got, err, c.want)
		}
	}
}

func TestParseSpec(t *testing.T) {
	for spec, ok := range map[string]bool{
		"ecs:?regions=cn-hangzhou": true,
		"ecs:?regions=cn-hangzhou,cn-shanghai&endpoint=http://127.0.0.1:9000": true,
		"ecs:?regions=a&concurrency=64&credentials=default":                   true,
		"ecs:":                                   false,
		"ecs:?regions=":                          false,
		"ecs:?regions=a&endpoint=ftp://x":        false,
		"ecs:?regions=a&endpoint=127.0.0.1:9000": false,
		"ecs:?regions=a&concurrency=0":           false,
		"ecs:?regions=a&colour=blue":             false,
		"ecs:?regions=a&credentials=imds":        false,
		"file:x":                                 false,
		"ecs:?regions=%zz":                       false,
	} {
		if _, err := ecslive.ParseSpec(spec); (err == nil) != ok {
			t.Errorf("ParseSpec(%q) error %v, want ok=%v", spec, err, ok)
		}
	}
}

// TestSameAnswersAsTheSnapshot: a server whose inventory is ecs: pointed at the emulator
// answers, request for request, as a server serving the emulator's one-account snapshot.
func TestSameAnswersAsTheSnapshot(t *testing.T) {
	inv := sample(t)
	e := startEmulator(t, inv, ecsemu.Faults{})
	src := source(e, []string{"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}, nil)
	live := refs.NewRefresher(func(ctx context.Context) (*refs.Index, error) {
		inv, err := src.Fetch(ctx)
		if err != nil {
			return nil, err
		}
		return refs.Build(inv), nil
	}, refs.RefreshOptions{Every: time.Hour, Log: quiet})
	one := &inventory.Inventory{}
	for _, g := range inv.SecurityGroups {
		if g.OwnerId == "123" {
			one.SecurityGroups = append(one.SecurityGroups, g)
		}
	}
	id := func() string { return "00000000-0000-4000-8000-000000000000" }
	a := ecsapi.NewHandler(live, ecsapi.Options{Logger: quiet, RequestID: id})
	b := ecsapi.NewHandler(refs.Static(refs.Build(one)), ecsapi.Options{Logger: quiet, RequestID: id})
	const d = "Action=DescribeSecurityGroupReferences&Format=JSON&"
	for _, q := range []string{
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-db0001&SecurityGroupId.2=sg-2255cc&SecurityGroupId.3=sg-classic01",
		d + "RegionId=cn-shanghai&SecurityGroupId.1=sg-sh-web01",
		d + "RegionId=cn-hangzhou&SecurityGroupId.1=sg-partner01", // account 456's: in neither
		d + "RegionId=ap-southeast-1&SecurityGroupId.1=sg-sg-lb01",
		d + "RegionId=mars-1&SecurityGroupId.1=sg-1133aa",
		"Action=DescribeDanglingSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou",
		"Action=DescribeDanglingSecurityGroupReferences&RegionId=cn-shanghai",
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

func TestUnreachableEndpointIsARetriedNetworkError(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	src := ecslive.New(ecslive.Options{Regions: []string{"cn-hangzhou"}, Endpoint: "http://" + addr, Retries: 2, Backoff: time.Millisecond,
		Credentials: staticCreds{AccessKeyID: "a", AccessKeySecret: "b"}})
	_, err := src.Fetch(context.Background())
	if err == nil || src.Calls() != 3 {
		t.Errorf("err %v after %d calls, want a failure after 3 tries", err, src.Calls())
	}
}

func synthWrite(buf *bytes.Buffer, groups, accounts int) error {
	return synth.Write(buf, synth.Options{Groups: groups, Rules: 10, Seed: 1, Accounts: accounts})
}
