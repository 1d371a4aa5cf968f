package httpapi_test

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	ecs3 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"sgref/shared/auth"
	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/refs"
)

// An organisation's key (AliUids) acts for each of its accounts, through both SDKs: it
// sees the groups of 123 and 456, none of another account's, and OwnerId narrows it to one.
const orgKeyID, orgKeySecret = "sdk-key-org", "sdk-secret-of-the-organisation"

func mustOrgServer(tb testing.TB) *url.URL {
	tb.Helper()
	keys, err := auth.ParseKeys([]byte(`{"AccessKeys":[{"AccessKeyId":"` + orgKeyID + `","AccessKeySecret":"` + orgKeySecret + `","AliUids":["123","456"]},` +
		`{"AccessKeyId":"sdk-key-789","AccessKeySecret":"sdk-secret-of-account-789","AliUid":"789"}]}`))
	if err != nil {
		tb.Fatal(err)
	}
	api := ecsapi.NewHandler(refs.Static(refs.Build(testkit.Sample(tb))), ecsapi.Options{Auth: auth.New(keys, auth.Options{}), Logger: testkit.Quiet})
	return testkit.Serve(tb, httpapi.Handler{API: api, Log: testkit.Quiet})
}

func TestOrganisationKeyClassicSDK(t *testing.T) {
	u := mustOrgServer(t)
	c := signedClassic(t, u, orgKeyID, orgKeySecret)
	resp, err := describe(c, u, "JSON", "cn-hangzhou", "sg-classic01", "sg-partner01")
	if err != nil {
		t.Fatal(err)
	}
	if got := flatten(resp); len(got) == 0 || got[0] != (ref{"sg-classic01", "sg-partner01", "456"}) {
		t.Errorf("got %v: want sg-classic01's referrers of account 456 first", got)
	}
	narrowed := func(owner string) error {
		req := ecs.CreateDescribeSecurityGroupReferencesRequest()
		req.Scheme, req.Domain, req.RegionId = "http", u.Host, "cn-hangzhou"
		req.SetReadTimeout(10 * time.Second)
		req.SecurityGroupId = &[]string{"sg-1133aa"}
		req.OwnerId = requests.Integer(owner)
		_, err := c.DescribeSecurityGroupReferences(req)
		return err
	}
	var se *sdkerrors.ServerError
	if err := narrowed("123"); err != nil {
		t.Errorf("OwnerId 123, its group: %v", err)
	}
	if err := narrowed("456"); !errors.As(err, &se) || se.ErrorCode() != ecsapi.CodeGroupIDNotFound {
		t.Errorf("OwnerId 456, 123's group: %v, want %s", err, ecsapi.CodeGroupIDNotFound)
	}
	if err := narrowed("789"); !errors.As(err, &se) || se.ErrorCode() != ecsapi.CodeForbidden {
		t.Errorf("OwnerId 789, not the key's: %v, want %s", err, ecsapi.CodeForbidden)
	}
	if _, err := describe(signedClassic(t, u, "sdk-key-789", "sdk-secret-of-account-789"), u, "JSON", "cn-hangzhou", "sg-partner01"); !errors.As(err, &se) || se.ErrorCode() != ecsapi.CodeGroupIDNotFound {
		t.Errorf("key of 789, 456's group: %v, want %s", err, ecsapi.CodeGroupIDNotFound)
	}
}

func TestOrganisationKeyV3SDK(t *testing.T) {
	u := mustOrgServer(t)
	c := signedV3(t, u, orgKeyID, orgKeySecret, "")
	got, err := describeV3(c, "sg-classic01")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sg-partner01/456", "sg-partner02/456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := describeV3(c, "sg-partner01"); err != nil {
		t.Errorf("456's group with the organisation's key: %v", err)
	}
	_, err = c.DescribeSecurityGroupReferences(&ecs3.DescribeSecurityGroupReferencesRequest{RegionId: tea.String("cn-hangzhou"),
		SecurityGroupId: []*string{tea.String("sg-partner01")}, OwnerId: tea.Int64(789)})
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != ecsapi.CodeForbidden {
		t.Errorf("OwnerId 789: %v, want %s", err, ecsapi.CodeForbidden)
	}
}
