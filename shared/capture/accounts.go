package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"sgref/shared/inventory"
	"sgref/shared/stores"
)

// AccountSource is a source that reads several accounts, one coverage record each:
// ecslive.Source with accounts=… or accounts=directory.
type AccountSource interface {
	MultiAccount() bool
	// ReadAccounts calls fn once per account, in account order. An account that could
	// not be read comes with Status missing, its error and no groups; the error returned
	// is for the read as a whole (the account list, the deadline).
	ReadAccounts(ctx context.Context, fn func(cov inventory.AccountCoverage, groups []inventory.Group) error) error
}

// Getter is a store the previous snapshot can be read from: stores.Store is one.
type Getter interface {
	Get(ctx context.Context, key, ifNoneMatch string) (io.ReadCloser, stores.Info, error)
}

// maxPreviousBytes bounds the previous snapshot's uncompressed size, as describe's load.
const maxPreviousBytes = 4 << 30

// accounts is a capture of several accounts: the groups to write, account by account, and
// their coverage.
type accounts struct {
	records []inventory.AccountCoverage
	groups  map[string][]inventory.Group
}

// readAccounts reads every account of src. An account that fails keeps its groups of the
// previous snapshot under Key, marked carried with their older capture time, or, never
// captured, is missing. It fails when no account was captured: nothing is then written.
func (j *Job) readAccounts(ctx context.Context, src AccountSource) (*accounts, error) {
	a := &accounts{groups: map[string][]inventory.Group{}}
	err := src.ReadAccounts(ctx, func(cov inventory.AccountCoverage, groups []inventory.Group) error {
		a.records = append(a.records, cov)
		a.groups[cov.AccountId] = groups
		return nil
	})
	if err != nil {
		return nil, err
	}
	failed := map[string]int{}
	captured := 0
	for i, r := range a.records {
		if r.Status == inventory.AccountCaptured {
			captured++
		} else {
			failed[r.AccountId] = i
		}
	}
	if captured == 0 {
		j.logAccounts(slog.LevelError, a.records)
		return nil, fmt.Errorf("no account captured of %d", len(a.records))
	}
	if len(failed) > 0 {
		j.carry(ctx, a, failed)
	}
	return a, nil
}

// carry copies the failed accounts' groups over from the previous snapshot, streaming it.
// A previous snapshot that cannot be read leaves them missing, with a warning.
func (j *Job) carry(ctx context.Context, a *accounts, failed map[string]int) {
	g, ok := j.Store.(Getter)
	if !ok {
		return
	}
	body, info, err := g.Get(ctx, j.Key, "")
	if errors.Is(err, stores.ErrNotFound) {
		return
	}
	if err == nil {
		var r io.ReadCloser
		if r, err = stores.Decoded(body, j.Key, info, maxPreviousBytes); err == nil {
			defer r.Close()
			kept := map[string][]inventory.Group{}
			var h inventory.Header
			h, err = inventory.StreamSnapshot(r, func(g *inventory.Group) error {
				if _, ok := failed[g.OwnerId]; ok {
					kept[g.OwnerId] = append(kept[g.OwnerId], *g)
				}
				return nil
			})
			if err == nil {
				j.carryFrom(a, failed, h, kept)
				return
			}
		}
	}
	j.Log.Warn("previous snapshot unreadable: failed accounts are missing, not carried", "object", j.Store.String()+"/"+j.Key, "err", err)
}

// carryFrom marks each failed account carried when the previous snapshot covered it.
func (j *Job) carryFrom(a *accounts, failed map[string]int, h inventory.Header, kept map[string][]inventory.Group) {
	for account, i := range failed {
		rec := &a.records[i]
		var prev *inventory.AccountCoverage
		if h.Source != nil {
			if !h.Source.Covered(account) {
				continue
			}
			for k := range h.Source.Coverage {
				if h.Source.Coverage[k].AccountId == account {
					prev = &h.Source.Coverage[k]
				}
			}
		} else if len(kept[account]) == 0 {
			continue // a snapshot without a header covers the accounts it holds
		}
		rec.Status, rec.CapturedAt, rec.Groups, rec.Rules = inventory.AccountCarried, h.CapturedAt, len(kept[account]), 0
		if prev != nil {
			rec.CapturedAt, rec.Regions = prev.CapturedAt, prev.Regions
		}
		for _, g := range kept[account] {
			rec.Rules += len(g.Permissions.Permission)
		}
		a.groups[account] = kept[account]
	}
}

// Read hands over the groups account by account, as inventory.Source.
func (a *accounts) Read(_ context.Context, fn func(*inventory.Group) error) error {
	for _, r := range a.records {
		gs := a.groups[r.AccountId]
		for i := range gs {
			if err := fn(&gs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *accounts) String() string { return fmt.Sprintf("%d accounts", len(a.records)) }

// coverage is the snapshot's Source: the covered accounts, the regions read, every record.
func (a *accounts) coverage(regions map[string]bool) *inventory.Coverage {
	cov := &inventory.Coverage{Accounts: []string{}, Coverage: a.records}
	for _, r := range a.records {
		if r.Status != inventory.AccountMissing {
			cov.Accounts = append(cov.Accounts, r.AccountId)
		}
		for _, id := range r.Regions {
			regions[id] = true
		}
	}
	slices.Sort(cov.Accounts)
	cov.Regions = sorted(regions)
	return cov
}

// logAccounts writes the summary line of each account.
func (j *Job) logAccounts(level slog.Level, records []inventory.AccountCoverage) {
	for _, r := range records {
		l := level
		if r.Status != inventory.AccountCaptured {
			l = max(level, slog.LevelWarn)
		}
		at := ""
		if !r.CapturedAt.IsZero() {
			at = r.CapturedAt.Format(time.RFC3339)
		}
		j.Log.Log(context.Background(), l, "capture account", "account", r.AccountId, "status", r.Status,
			"capturedAt", at, "groups", r.Groups, "rules", r.Rules,
			"calls", r.Calls, "seconds", r.Seconds, "err", r.Error)
	}
}
