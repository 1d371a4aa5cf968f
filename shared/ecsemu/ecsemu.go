package ecsemu

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/inventory"
)

// stsVersion is the API version of STS, whose GetCallerIdentity the emulator answers.
const stsVersion = "2015-04-01"

// Options configure an Emulator. ECS answers for one account per credential, so the
// emulator serves the groups of one account: the signed caller's, or Account without
// authentication.
type Options struct {
	Inventory *inventory.Inventory
	Account   string // AccountOf(Inventory) when empty
	Faults    Faults
	// The organisation: STS AssumeRole grants Role in any Directory account, whose
	// temporary credentials every action then answers for; ListAccounts lists Directory.
	Role               string        // DefaultRole when empty
	Directory          []string      // the inventory's owners when nil
	CredentialLifetime time.Duration // cuts the lifetime AssumeRole grants, to test renewals; 0: as asked
	// ClockSkew is added to the Expiration AssumeRole reports, as a caller whose clock is
	// behind sees it: its credentials expire before it expects.
	ClockSkew time.Duration
}

// DefaultRole is the role the emulated accounts let sgref assume, as ecslive.DefaultRole.
const DefaultRole = "sgref-reader"

// Emulator answers the emulated actions from an inventory it indexes once.
type Emulator struct {
	opts      Options
	byAccount map[string]map[string][]*inventory.Group // account → region → groups sorted by ID
	byID      map[string]*inventory.Group
	directory []string // sorted
	members   map[string]bool
	mu        sync.Mutex
	issued    map[string]issued // temporary AccessKeyId → its account
}

// New indexes o.Inventory for the emulated actions.
func New(o Options) *Emulator {
	if o.Account == "" {
		o.Account = AccountOf(o.Inventory)
	}
	if o.Role == "" {
		o.Role = DefaultRole
	}
	e := &Emulator{opts: o, byAccount: map[string]map[string][]*inventory.Group{}, byID: map[string]*inventory.Group{},
		members: map[string]bool{}, issued: map[string]issued{}}
	for i := range o.Inventory.SecurityGroups {
		g := &o.Inventory.SecurityGroups[i]
		if e.byAccount[g.OwnerId] == nil {
			e.byAccount[g.OwnerId] = map[string][]*inventory.Group{}
		}
		e.byAccount[g.OwnerId][g.RegionId] = append(e.byAccount[g.OwnerId][g.RegionId], g)
		e.byID[g.SecurityGroupId] = g
	}
	if o.Directory == nil {
		for a := range e.byAccount {
			o.Directory = append(o.Directory, a)
		}
	}
	e.directory = slices.Sorted(slices.Values(o.Directory))
	e.directory = slices.Compact(e.directory)
	for _, a := range e.directory {
		e.members[a] = true
	}
	for _, regions := range e.byAccount {
		for _, list := range regions {
			slices.SortFunc(list, func(a, b *inventory.Group) int { return strings.Compare(a.SecurityGroupId, b.SecurityGroupId) })
		}
	}
	return e
}

// Actions returns the emulated actions, each behind the injected faults, for
// ecsapi.Options.Actions.
func (e *Emulator) Actions() []ecsapi.Action {
	actions := []ecsapi.Action{
		{Name: "DescribeSecurityGroups", Serve: e.describeSecurityGroups},
		{Name: "DescribeSecurityGroupAttribute", Serve: e.describeSecurityGroupAttribute},
		{Name: "DescribeRegions", Serve: e.describeRegions},
		{Name: "DescribeNetworkInterfaces", Serve: e.describeNetworkInterfaces},
		{Name: "GetCallerIdentity", Version: stsVersion, Serve: e.getCallerIdentity},
		{Name: "AssumeRole", Version: stsVersion, Serve: e.assumeRole},
		{Name: "ListAccounts", Version: rmVersion, Serve: e.listAccounts},
	}
	for i := range actions {
		actions[i].Serve = e.opts.Faults.inject(actions[i].Name, e.credentialed(actions[i].Serve))
	}
	return actions
}

// Account returns the account the emulator answers for without authentication.
func (e *Emulator) Account() string { return e.opts.Account }

// account is the account a call acts for: the signed caller's, the account of temporary
// credentials AssumeRole gave, or the emulated account when requests are not
// authenticated. ECS answers each credential for its own account.
func (e *Emulator) account(c *ecsapi.Call) string {
	if a := c.Caller().AccountID; a != "" {
		return a
	}
	if id := c.Params().Get("AccessKeyId"); id != "" {
		e.mu.Lock()
		t, ok := e.issued[id]
		e.mu.Unlock()
		if ok {
			return t.account
		}
	}
	return e.opts.Account
}

// AccountOf returns the account owning the most groups of inv (the smallest ID on a tie).
func AccountOf(inv *inventory.Inventory) string {
	count := map[string]int{}
	for i := range inv.SecurityGroups {
		count[inv.SecurityGroups[i].OwnerId]++
	}
	best := ""
	for a, n := range count {
		if best == "" || n > count[best] || n == count[best] && a < best {
			best = a
		}
	}
	return best
}

// action is the shape of an emulated action, as ecsapi.Action.Serve.
type action = func(ctx context.Context, c *ecsapi.Call) (any, error)
