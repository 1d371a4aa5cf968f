// Package plan answers "how do I delete these groups": for a set of security groups of
// one region, the ordered steps that make every DeleteSecurityGroup succeed, from the
// reference index alone. First the rules of groups outside the set that name a group in
// it are revoked, then reference cycles inside the set are broken by revoking as few
// rules as possible, then the groups are deleted in an order in which no group is deleted
// while another remaining group still names it. What no revocation removes (instances,
// network interfaces, service-managed groups, other accounts' rules, rules without an ID)
// is listed as a Blocker, and a plan with blockers is Blocked: never a plan that fails
// halfway.
//
//	r, _ := ix.Region("cn-hangzhou")
//	p := plan.Make(r, []int32{a, b}, plan.Options{Account: "123"})
//	p.WriteAliyun(os.Stdout)
package plan
