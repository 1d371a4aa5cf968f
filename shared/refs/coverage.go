package refs

import (
	"time"

	"sgref/shared/inventory"
)

// accountCoverage is what a snapshot's header says of one account.
type accountCoverage struct {
	capturedAt time.Time // its own record's; zero when unknown
	record     bool      // it has a record of its own; else it was read with the snapshot
	missing    bool      // listed as never captured: not covered, whatever the groups say
}

// SetCoverage records what the snapshot's header says it covers (nil: nothing said). A
// listed account is covered even with no group, so a reference to one of its groups that
// is gone is provably dangling; an account listed as missing is never covered.
func (b *Builder) SetCoverage(cov *inventory.Coverage) {
	if cov == nil {
		return
	}
	m := map[string]accountCoverage{}
	for _, a := range cov.Accounts {
		m[a] = accountCoverage{}
	}
	for _, r := range cov.Coverage {
		m[r.AccountId] = accountCoverage{capturedAt: r.CapturedAt, record: true, missing: r.Status == inventory.AccountMissing}
	}
	b.ix.coverage, b.ix.header = m, cov
}

// Coverage returns what the snapshot's header says it covers; nil when it says nothing.
// Shared: do not modify it.
func (ix *Index) Coverage() *inventory.Coverage { return ix.header }

func (ix *Index) covers(account string) bool {
	c, listed := ix.coverage[account]
	if listed {
		return !c.missing
	}
	return ix.owners[account]
}

// CapturedAtOf is when the account's groups were read: its own capture time when the
// snapshot has a record of it (an account carried from an earlier capture has an older
// one, unknown when that capture did not say), else the snapshot's; zero when unknown or
// not covered.
func (ix *Index) CapturedAtOf(account string) time.Time {
	if !ix.covers(account) {
		return time.Time{}
	}
	if c := ix.coverage[account]; c.record {
		return c.capturedAt
	}
	return ix.capturedAt
}
