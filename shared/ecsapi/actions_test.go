package ecsapi_test

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
)

type echoResponse struct {
	XMLName   xml.Name `json:"-" xml:"EchoResponse"`
	RequestId string
	AccountId string
	RegionId  string
	Size      int
}

// echo answers what an action reads of its Call.
func echo(_ context.Context, c *ecsapi.Call) (any, error) {
	region, err := c.RegionID()
	if err != nil {
		return nil, err
	}
	size, err := c.IntParam("Size", 7, 1, 10)
	if err != nil {
		return nil, err
	}
	return &echoResponse{RequestId: c.RequestID(), AccountId: c.Caller().AccountID, RegionId: region, Size: size}, nil
}

// TestActions: an action registered through Options.Actions is routed, checked and
// rendered as sgref's own are.
func TestActions(t *testing.T) {
	h := testkit.SampleAPI(t, ecsapi.Options{Auth: callerAuth("123"),
		Actions: []ecsapi.Action{{Name: "Echo", Serve: echo}, {Name: "EchoV2", Version: "2099-01-01", Serve: echo}}})
	for name, tc := range map[string]struct {
		query, want string
	}{
		"JSON":           {"Action=Echo&Format=JSON&RegionId=cn-hangzhou", `{"RequestId":"` + fixedID + `","AccountId":"123","RegionId":"cn-hangzhou","Size":7}`},
		"XML":            {"Action=Echo&RegionId=cn-hangzhou&Size=3", "<EchoResponse>\n  <RequestId>" + fixedID + "</RequestId>\n  <AccountId>123</AccountId>\n  <RegionId>cn-hangzhou</RegionId>\n  <Size>3</Size>\n</EchoResponse>"},
		"bad IntParam":   {"Action=Echo&Format=JSON&RegionId=cn-hangzhou&Size=11", `"Code":"InvalidParameter"`},
		"no region":      {"Action=Echo&Format=JSON", `"Code":"MissingParameter"`},
		"own version":    {"Action=EchoV2&Format=JSON&Version=2099-01-01&RegionId=cn-hangzhou", `"Size":7`},
		"ECS version":    {"Action=Echo&Format=JSON&Version=2014-05-26&RegionId=cn-hangzhou", `"Size":7`},
		"wrong version":  {"Action=EchoV2&Format=JSON&Version=2014-05-26&RegionId=cn-hangzhou", `"Code":"InvalidParameter"`},
		"another owner":  {"Action=Echo&Format=JSON&RegionId=cn-hangzhou&OwnerId=456", `"Code":"` + ecsapi.CodeForbidden + `"`},
		"not registered": {"Action=Echo2&Format=JSON", `"Code":"InvalidAction.NotFound"`},
	} {
		t.Run(name, func(t *testing.T) {
			if resp := get(h, tc.query); !strings.Contains(string(resp.Body), tc.want) {
				t.Errorf("%s: %s, want %s", tc.query, resp.Body, tc.want)
			}
		})
	}
}

func TestActionsTwicePanics(t *testing.T) {
	for name, actions := range map[string][]ecsapi.Action{
		"sgref's own": {{Name: "DescribeSecurityGroupReferences", Serve: echo}},
		"twice":       {{Name: "Echo", Serve: echo}, {Name: "Echo", Serve: echo}},
		"no name":     {{Serve: echo}},
		"no func":     {{Name: "Echo"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHandler accepted %+v", actions)
				}
			}()
			testkit.SampleAPI(t, ecsapi.Options{Actions: actions})
		})
	}
}
