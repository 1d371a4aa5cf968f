// Package ecsemu is a local Alibaba Cloud for sgref's live source and anyone's tooling: it
// answers, from a full inventory, the read actions the live source calls
// (DescribeSecurityGroups, DescribeSecurityGroupAttribute, DescribeNetworkInterfaces,
// DescribeRegions, STS GetCallerIdentity) in the shapes the Alibaba Cloud SDKs parse, with injected failures
// (Faults) on request. It emulates an organisation of the inventory's owners too: STS
// AssumeRole gives temporary credentials that every action answers for as the role's
// account, and ResourceManager ListAccounts pages the accounts. Its actions are served by an ecsapi.Handler, which checks the
// request, the signature and the caller as for sgref's own actions. The local server and
// tests use it; the function binaries never link it.
//
//	em := ecsemu.New(ecsemu.Options{Inventory: inv, Account: "123"})
//	api := ecsapi.NewHandler(refs.Static(refs.Build(inv)), ecsapi.Options{Actions: em.Actions()})
//
// To emulate another action: write it as a method answering (ctx, *ecsapi.Call), in the
// file of its product, and add its row to Actions; the faults apply to it as to the others.
package ecsemu
