package refs_test

import (
	"testing"
	"time"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

func TestCoverage(t *testing.T) {
	at := time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC)
	old := at.Add(-time.Hour)
	b := refs.NewBuilder()
	for _, g := range []inventory.Group{{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-1"}, {RegionId: "r", OwnerId: "2", SecurityGroupId: "sg-2"},
		{RegionId: "r", OwnerId: "3", SecurityGroupId: "sg-3"}, {RegionId: "r", OwnerId: "9", SecurityGroupId: "sg-9"}} {
		b.Add(&g)
	}
	b.SetCapturedAt(at)
	b.SetCoverage(&inventory.Coverage{Accounts: []string{"1", "2", "3", "4", "5"}, Coverage: []inventory.AccountCoverage{
		{AccountId: "2", Status: inventory.AccountCarried, CapturedAt: old},
		{AccountId: "3", Status: inventory.AccountCarried},                  // carried from a snapshot that did not say when
		{AccountId: "4", Status: inventory.AccountCaptured, CapturedAt: at}, // captured, no group
		{AccountId: "6", Status: inventory.AccountMissing},
	}})
	ix := b.Index()
	for account, want := range map[string]struct {
		covers bool
		at     time.Time
	}{
		"1": {true, at},          // listed without a record: the snapshot's time
		"2": {true, old},         // carried: its older time
		"3": {true, time.Time{}}, // carried, time unknown
		"4": {true, at},          // covered without any group
		"5": {true, at},
		"6": {false, time.Time{}}, // missing
		"7": {false, time.Time{}}, // never heard of
		"9": {true, at},           // not listed, but the inventory holds its groups
	} {
		if got := ix.Covers(account); got != want.covers {
			t.Errorf("Covers(%s) = %v, want %v", account, got, want.covers)
		}
		if got := ix.CapturedAtOf(account); !got.Equal(want.at) {
			t.Errorf("CapturedAtOf(%s) = %v, want %v", account, got, want.at)
		}
	}
	if ix.Coverage() == nil || len(ix.Coverage().Coverage) != 4 {
		t.Errorf("Coverage() = %+v", ix.Coverage())
	}
}
