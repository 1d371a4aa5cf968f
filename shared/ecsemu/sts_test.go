package ecsemu_test

import (
	"testing"
	"time"

	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/internal/testkit"
)

// TestAssumedCredentialsActForTheRoleAccount: the temporary credentials AssumeRole gives
// answer for the role's account until they expire, then are refused as ECS refuses them.
func TestAssumedCredentialsActForTheRoleAccount(t *testing.T) {
	em := ecsemu.New(ecsemu.Options{Inventory: testkit.Sample(t), Account: "123", CredentialLifetime: 200 * time.Millisecond})
	h := testkit.SampleAPI(t, ecsapi.Options{Actions: em.Actions()})
	status, m := serve(h, "Action=AssumeRole&Version=2015-04-01&RoleSessionName=sgref-t&DurationSeconds=3600&RoleArn=acs:ram::456:role/sgref-reader")
	creds, _ := m["Credentials"].(map[string]any)
	id, _ := creds["AccessKeyId"].(string)
	exp, err := time.Parse(time.RFC3339Nano, creds["Expiration"].(string))
	if status != 200 || id == "" || err != nil || time.Until(exp) > 200*time.Millisecond {
		t.Fatalf("AssumeRole: %d %v", status, m)
	}
	if _, m := serve(h, "Action=GetCallerIdentity&Version=2015-04-01&AccessKeyId="+id); m["AccountId"] != "456" {
		t.Errorf("GetCallerIdentity with the role's credentials: %v, want account 456", m)
	}
	if _, m := serve(h, "Action=DescribeSecurityGroups&RegionId=cn-hangzhou&AccessKeyId="+id); m["TotalCount"] != float64(3) {
		t.Errorf("DescribeSecurityGroups as 456: %v, want its 3 groups", m["TotalCount"])
	}
	time.Sleep(time.Until(exp) + 10*time.Millisecond)
	if status, m := serve(h, "Action=DescribeSecurityGroups&RegionId=cn-hangzhou&AccessKeyId="+id); status != 400 || m["Code"] != "InvalidSecurityToken.Expired" {
		t.Errorf("expired credentials: %d %v, want 400 InvalidSecurityToken.Expired", status, m["Code"])
	}
	for q, code := range map[string]string{
		"Action=AssumeRole&Version=2015-04-01&RoleSessionName=sgref-t&RoleArn=arn:aws:iam::1:role/x":                             "InvalidParameter.RoleArn",
		"Action=AssumeRole&Version=2015-04-01&RoleSessionName=sgref-t":                                                           "MissingParameter",
		"Action=AssumeRole&Version=2015-04-01&RoleSessionName=a%20b&RoleArn=acs:ram::123:role/sgref-reader":                      "InvalidParameter",
		"Action=AssumeRole&Version=2015-04-01&RoleSessionName=sgref-t&DurationSeconds=60&RoleArn=acs:ram::123:role/sgref-reader": "InvalidParameter",
	} {
		if _, m := serve(h, q); m["Code"] != code {
			t.Errorf("%s: %v, want %s", q, m["Code"], code)
		}
	}
}

func TestListAccountsPages(t *testing.T) {
	em := ecsemu.New(ecsemu.Options{Inventory: testkit.Sample(t), Directory: []string{"3", "1", "2", "2"}})
	h := testkit.SampleAPI(t, ecsapi.Options{Actions: em.Actions()})
	var got []any
	for page := range []int{1, 2, 3} {
		_, m := serve(h, "Action=ListAccounts&Version=2020-03-31&PageSize=2&PageNumber="+string(rune('1'+page)))
		if m["TotalCount"] != float64(3) {
			t.Errorf("page %d: TotalCount %v, want 3", page+1, m["TotalCount"])
		}
		accounts, _ := m["Accounts"].(map[string]any)
		list, _ := accounts["Account"].([]any)
		for _, a := range list {
			got = append(got, a.(map[string]any)["AccountId"])
		}
	}
	if len(got) != 3 || got[0] != "1" || got[1] != "2" || got[2] != "3" {
		t.Errorf("accounts %v, want 1 2 3 over two pages and an empty third", got)
	}
	if _, m := serve(h, "Action=ListAccounts&Version=2020-03-31&PageSize=101"); m["Code"] != "InvalidParameter" {
		t.Errorf("PageSize 101: %v, want InvalidParameter", m["Code"])
	}
}
