// Package ecslive reads a live inventory from the ECS API through the Alibaba Cloud Go SDK
// (github.com/aliyun/alibaba-cloud-sdk-go): every security group of the configured
// regions (DescribeSecurityGroups, all pages) and every group's rules
// (DescribeSecurityGroupAttribute, all pages), with bounded concurrency, retries with
// jittered exponential backoff on throttling, 5xx and timeouts, and the caller's deadline.
// The account that owns the groups comes from STS GetCallerIdentity. A read that fails for
// any group fails as a whole: nothing partial is ever returned.
//
// With accounts=… or accounts=directory (ResourceManager ListAccounts) it reads an
// organisation, each account through a role assumed with STS AssumeRole, whose temporary
// credentials it keeps, reuses and renews. FetchAccounts returns each account's groups
// and coverage record, a failed account marked missing with its error; Fetch is all or
// nothing over every account.
//
// It is the only package of sgref that imports the Alibaba Cloud SDK.
package ecslive
