package capture_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"sgref/shared/capture"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/stores"
)

// getStore is a memStore the previous snapshot can be read from.
type getStore struct{ memStore }

func (g *getStore) Get(_ context.Context, key, _ string) (io.ReadCloser, stores.Info, error) {
	b, ok := g.objects[key]
	if !ok {
		return nil, stores.Info{}, stores.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), stores.Info{ContentEncoding: g.enc[key]}, nil
}

// accountSource reads the sample's accounts, failing those in fail.
type accountSource struct {
	inv  *inventory.Inventory
	fail map[string]bool
	at   time.Time
}

func (s accountSource) String() string     { return "accounts" }
func (s accountSource) MultiAccount() bool { return true }
func (s accountSource) Read(context.Context, func(*inventory.Group) error) error {
	return errors.New("read account by account")
}

func (s accountSource) ReadAccounts(_ context.Context, fn func(inventory.AccountCoverage, []inventory.Group) error) error {
	for _, a := range []string{"123", "456"} {
		if s.fail[a] {
			if err := fn(inventory.AccountCoverage{AccountId: a, Status: inventory.AccountMissing, Error: "NoPermission"}, nil); err != nil {
				return err
			}
			continue
		}
		var gs []inventory.Group
		for _, g := range s.inv.SecurityGroups {
			if g.OwnerId == a {
				gs = append(gs, g)
			}
		}
		if err := fn(inventory.AccountCoverage{AccountId: a, Status: inventory.AccountCaptured, CapturedAt: s.at, Groups: len(gs)}, gs); err != nil {
			return err
		}
	}
	return nil
}

func coverageOf(t *testing.T, st *getStore) map[string]inventory.AccountCoverage {
	t.Helper()
	r, _, err := st.Get(context.Background(), "snap.json", "")
	if err != nil {
		t.Fatal(err)
	}
	h, err := inventory.StreamSnapshot(r, func(*inventory.Group) error { return nil })
	if err != nil || h.Source == nil {
		t.Fatalf("header %+v, %v", h, err)
	}
	out := map[string]inventory.AccountCoverage{}
	for _, c := range h.Source.Coverage {
		out[c.AccountId] = c
	}
	return out
}

func TestCarryForward(t *testing.T) {
	inv := testkit.Sample(t)
	old := time.Date(2026, 11, 27, 2, 50, 0, 0, time.UTC)
	now := old.Add(20 * time.Minute)
	for name, tc := range map[string]struct {
		previous   string // the object before the capture; "" for none
		status     string // 456's after it
		capturedAt time.Time
	}{
		"no previous snapshot": {"", inventory.AccountMissing, time.Time{}},
		// A snapshot of before issue 12: no header at all, or accounts without records.
		"previous without a header": {`{"SecurityGroups":[{"RegionId":"cn-hangzhou","OwnerId":"456","SecurityGroupId":"sg-old456","Permissions":{"Permission":[]}}]}`,
			inventory.AccountCarried, time.Time{}},
		"previous with accounts only": {`{"CapturedAt":"2026-11-27T02:50:00Z","SecurityGroups":[{"RegionId":"cn-hangzhou","OwnerId":"456","SecurityGroupId":"sg-old456"}],"Source":{"Accounts":["123","456"],"Regions":["cn-hangzhou"]}}`,
			inventory.AccountCarried, old},
		"previous that did not cover it": {`{"CapturedAt":"2026-11-27T02:50:00Z","SecurityGroups":[],"Source":{"Accounts":["123"],"Regions":["cn-hangzhou"]}}`,
			inventory.AccountMissing, time.Time{}},
		"previous that lists it missing": {`{"CapturedAt":"2026-11-27T02:50:00Z","SecurityGroups":[],"Source":{"Accounts":[],"Regions":[],"Coverage":[{"AccountId":"456","Status":"missing"}]}}`,
			inventory.AccountMissing, time.Time{}},
		"previous unreadable": {`{"SecurityGroups":[{"RegionId":`, inventory.AccountMissing, time.Time{}},
	} {
		t.Run(name, func(t *testing.T) {
			st := &getStore{memStore{objects: map[string][]byte{}, enc: map[string]string{}}}
			if tc.previous != "" {
				st.objects["snap.json"] = []byte(tc.previous)
			}
			job := &capture.Job{Store: st, Key: "snap.json", Plain: true, Log: testkit.Quiet, Now: func() time.Time { return now },
				Source: accountSource{inv: inv, fail: map[string]bool{"456": true}, at: now}}
			sum, err := job.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			cov := coverageOf(t, st)
			if c := cov["456"]; c.Status != tc.status || !c.CapturedAt.Equal(tc.capturedAt) || c.Error != "NoPermission" {
				t.Errorf("456: %+v, want %s at %v", c, tc.status, tc.capturedAt)
			}
			if c := cov["123"]; c.Status != inventory.AccountCaptured || !c.CapturedAt.Equal(now) {
				t.Errorf("123: %+v, want captured at %v", c, now)
			}
			carried := tc.status == inventory.AccountCarried
			if held := sum.Groups - cov["123"].Groups; (held == 1) != carried {
				t.Errorf("%d groups of 456 in the snapshot, carried=%v", held, carried)
			}
		})
	}
	t.Run("no account captured", func(t *testing.T) {
		st := &getStore{memStore{objects: map[string][]byte{"snap.json": []byte("previous")}, enc: map[string]string{}}}
		job := &capture.Job{Store: st, Key: "snap.json", Log: testkit.Quiet, Source: accountSource{inv: inv, fail: map[string]bool{"123": true, "456": true}}}
		if _, err := job.Run(context.Background()); err == nil {
			t.Fatal("a capture of no account succeeded")
		}
		if string(st.objects["snap.json"]) != "previous" {
			t.Error("a capture of no account wrote the snapshot")
		}
	})
}
