// Package scan finds what rots in security-group references, from the reference index
// alone: dangling references (rules naming a group that no longer exists), unverifiable
// references (rules naming a group of an account the inventory cannot see), and
// unreferenced groups (deletion candidates). It writes the findings as one JSON report to
// a Sink (standard output or a directory) and knows no cloud.
//
//	rep := scan.Run(ix, scan.Request{Regions: []string{"cn-hangzhou"}}, scan.Options{})
//	loc, err := scan.Stdout.Write(ctx, rep)
//
// # Definitions
//
// A rule of group B names group X when it is an ingress rule with SourceGroupId X or an
// egress rule with DestGroupId X, X ≠ B (a rule naming its own group is never a finding).
// References never cross regions, so X must be a group of B's region.
//
//   - Dangling: X is not a group of B's region, and either X's owner (the rule's
//     SourceGroupOwnerId/DestGroupOwnerId, or B's owner when the rule names none) is
//     covered, so the inventory would hold X if it existed, or X is a group of another
//     region (group IDs are unique across regions and accounts). An account is covered
//     when the snapshot's header lists it as captured or carried, or, the header saying
//     nothing of it, when it owns some group of the inventory; one listed as missing never
//     is. A report's dangling reference carries the proof: when X's account was read.
//   - Unverifiable: X is not in the inventory at all and its owner is an account the
//     inventory does not cover, or is given only by account name
//     (SourceGroupOwnerAccount/DestGroupOwnerAccount). Never reported as dangling.
//   - Unreferenced: no other group of its region references it, its EcsCount and its
//     NetworkInterfaceCount are known and 0 (secondary interfaces and those of managed
//     services use a group without an instance), and it is not ServiceManaged. An
//     unknown count is not 0. Each finding's Reason says so.
//
// # Scope
//
// A Request narrows a scan: Regions keeps the rules and groups of those regions; Accounts
// keeps the rules held by, and the groups owned by, those accounts (the holding group's
// OwnerId, not the owner the rule names: an account answers for its own rules). Whether a
// group is referenced, and whether an account is covered, is always decided over the
// whole inventory, so narrowing a scan never creates a finding.
package scan
