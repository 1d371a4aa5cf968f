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
// they hold any group.
type Coverage struct {
	Accounts []string `json:"Accounts"`
	Regions  []string `json:"Regions"`
}

// SnapshotReader is a Source that reads a snapshot document, and so can tell its header.
type SnapshotReader interface {
	Source
	ReadSnapshot(ctx context.Context, fn func(*Group) error) (Header, error)
}
