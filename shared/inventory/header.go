package inventory

import (
	"context"
	"time"
)

// Header is what a snapshot says about itself, in optional top-level members beside
// SecurityGroups: when it was captured and what the capture covered. A snapshot without
// them is valid; its age and coverage are then unknown.
//
//	{"CapturedAt":"2026-11-27T03:10:00Z","SecurityGroups":[…],"Source":{"Accounts":["123"],"Regions":["cn-hangzhou"]}}
type Header struct {
	CapturedAt time.Time `json:"CapturedAt,omitzero"` // UTC; zero when unknown
	Source     *Coverage `json:"Source,omitempty"`
}

// Coverage is what a capture read: the accounts and regions it covered, whether or not
// they hold any group. Accounts are the covered ones (captured now or carried from an
// earlier snapshot); a capture of several accounts adds one record each in Coverage,
// missing ones included, which a reader of an older snapshot simply does not find.
//
//	"Source":{"Accounts":["123","456"],"Regions":["cn-hangzhou"],"Coverage":[
//	 {"AccountId":"123","Status":"captured","CapturedAt":"2026-11-27T03:10:00Z","Groups":41,"Rules":312,"Calls":49,"Seconds":2.1},
//	 {"AccountId":"456","Status":"carried","CapturedAt":"2026-11-27T02:50:00Z","Error":"…NoPermission…",…},
//	 {"AccountId":"789","Status":"missing","Error":"…"}]}
type Coverage struct {
	Accounts []string          `json:"Accounts"`
	Regions  []string          `json:"Regions"`
	Coverage []AccountCoverage `json:"Coverage,omitempty"`
}

// Account statuses in a Coverage record.
const (
	AccountCaptured = "captured" // read by this capture, at CapturedAt
	AccountCarried  = "carried"  // this capture failed: its groups are the previous snapshot's, read at CapturedAt
	AccountMissing  = "missing"  // never captured: not covered, its groups are unknown
)

// AccountCoverage is one account's record of a capture. Error is why this capture could
// not read it (carried or missing); the counts are this capture's, or the carried groups'.
type AccountCoverage struct {
	AccountId  string
	Status     string
	CapturedAt time.Time `json:",omitzero"`
	Error      string    `json:",omitempty"`
	Regions    []string  `json:",omitempty"`
	Groups     int
	Rules      int
	Calls      int
	Seconds    float64
}

// Covered reports whether the snapshot covers the account: it was captured now or
// earlier. A snapshot without Coverage records covers its Accounts.
func (c *Coverage) Covered(account string) bool {
	for i := range c.Coverage {
		if c.Coverage[i].AccountId == account {
			return c.Coverage[i].Status != AccountMissing
		}
	}
	for _, a := range c.Accounts {
		if a == account {
			return true
		}
	}
	return false
}

// SnapshotReader is a Source that reads a snapshot document, and so can tell its header.
type SnapshotReader interface {
	Source
	ReadSnapshot(ctx context.Context, fn func(*Group) error) (Header, error)
}
