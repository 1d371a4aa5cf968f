package ecsemu

import (
	"context"
	"slices"
	"strings"

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
}

// Emulator answers the emulated actions from an inventory it indexes once.
type Emulator struct {
	opts      Options
	byAccount map[string]map[string][]*inventory.Group // account → region → groups sorted by ID
	byID      map[string]*inventory.Group
}

// New indexes o.Inventory for the emulated actions.
func New(o Options) *Emulator {
	if o.Account == "" {
		o.Account = AccountOf(o.Inventory)
	}
	e := &Emulator{opts: o, byAccount: map[string]map[string][]*inventory.Group{}, byID: map[string]*inventory.Group{}}
	for i := range o.Inventory.SecurityGroups {
		g := &o.Inventory.SecurityGroups[i]
		if e.byAccount[g.OwnerId] == nil {
			e.byAccount[g.OwnerId] = map[string][]*inventory.Group{}
		}
		e.byAccount[g.OwnerId][g.RegionId] = append(e.byAccount[g.OwnerId][g.RegionId], g)
		e.byID[g.SecurityGroupId] = g
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
	}
	for i := range actions {
		actions[i].Serve = e.opts.Faults.inject(actions[i].Name, actions[i].Serve)
	}
	return actions
}

// Account returns the account the emulator answers for without authentication.
func (e *Emulator) Account() string { return e.opts.Account }

// account is the account a call acts for: the signed caller's, or the emulated account
// when requests are not authenticated. ECS answers each credential for its own account.
func (e *Emulator) account(c *ecsapi.Call) string {
	if a := c.Caller().AccountID; a != "" {
		return a
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
