package httpapi_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sgref/shared/internal/testkit"
	"strings"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs3 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"sgref/shared/ecsapi"
	"sgref/shared/httpapi"
)

// MustServer starts the real HTTP adapter over the embedded sample on 127.0.0.1.
func MustServer(tb testing.TB) *url.URL {
	tb.Helper()
	api := testkit.SampleAPI(tb, ecsapi.Options{})
	return testkit.Serve(tb, httpapi.Handler{API: api, Log: testkit.Quiet})
}

func classicClient(tb testing.TB, u *url.URL) *ecs.Client {
	tb.Helper()
	c, err := ecs.NewClientWithAccessKey("cn-hangzhou", "testid", "testsecret")
	if err != nil {
		tb.Fatal(err)
	}
	c.SetNoProxy(regexp.QuoteMeta(u.Host)) // the SDK would otherwise honour HTTP_PROXY for loopback
	return c
}

func describe(c *ecs.Client, u *url.URL, format, region string, ids ...string) (*ecs.DescribeSecurityGroupReferencesResponse, error) {
	req := ecs.CreateDescribeSecurityGroupReferencesRequest()
	req.Scheme = "http"
	req.Domain = u.Host
	req.RegionId = region
	req.AcceptFormat = format
	req.SetReadTimeout(10 * time.Second)
	req.SecurityGroupId = &ids
	return c.DescribeSecurityGroupReferences(req)
}

type ref struct{ Group, Referrer, AliUid string }

func flatten(r *ecs.DescribeSecurityGroupReferencesResponse) []ref {
	var out []ref
	for _, e := range r.SecurityGroupReferences.SecurityGroupReference {
		for _, x := range e.ReferencingSecurityGroups.ReferencingSecurityGroup {
			out = append(out, ref{e.SecurityGroupId, x.SecurityGroupId, x.AliUid})
		}
	}
	return out
}

func TestClassicSDK(t *testing.T) {
	u := MustServer(t)
	c := classicClient(t, u)
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) {
			resp, err := describe(c, u, format, "cn-hangzhou", "sg-1133aa", "sg-classic01")
			if err != nil {
				t.Fatal(err)
			}
			want := []ref{{"sg-1133aa", "sg-2255cc", "123"}, {"sg-1133aa", "sg-2255dd", "123"},
				{"sg-classic01", "sg-partner01", "456"}, {"sg-classic01", "sg-partner02", "456"}}
			if got := flatten(resp); !reflect.DeepEqual(got, want) || resp.RequestId == "" {
				t.Errorf("got %v (RequestId %q), want %v", got, resp.RequestId, want)
			}
			if ct := resp.GetHttpHeaders()["Content-Type"]; len(ct) == 0 || !strings.Contains(strings.ToLower(ct[0]), strings.ToLower(format)) {
				t.Errorf("Content-Type %v for Format=%s", ct, format)
			}
		})
	}
}

func TestClassicSDKErrors(t *testing.T) {
	u := MustServer(t)
	c := classicClient(t, u)
	ids11 := make([]string, 11)
	for i := range ids11 {
		ids11[i] = "sg-1133aa"
	}
	for name, tc := range map[string]struct {
		region string
		ids    []string
		status int
		code   string
	}{
		"not found":      {"cn-hangzhou", []string{"sg-1133aa", "sg-missing"}, 404, "InvalidSecurityGroupId.NotFound"},
		"other region":   {"cn-shanghai", []string{"sg-1133aa"}, 404, "InvalidSecurityGroupId.NotFound"},
		"unknown region": {"xx-nowhere-1", []string{"sg-1133aa"}, 404, "InvalidRegionId.NotFound"},
		"eleven ids":     {"cn-hangzhou", ids11, 400, "InvalidSecurityGroupId.Malformed"},
		"empty id":       {"cn-hangzhou", []string{""}, 400, "InvalidSecurityGroupId.Malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := describe(c, u, "JSON", tc.region, tc.ids...)
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("err %v, want a ServerError", err)
			}
			if se.HttpStatus() != tc.status || se.ErrorCode() != tc.code || se.RequestId() == "" || se.Recommend() == "" {
				t.Errorf("HttpStatus=%d ErrorCode=%q RequestId=%q Recommend=%q, want %d %q", se.HttpStatus(), se.ErrorCode(), se.RequestId(), se.Recommend(), tc.status, tc.code)
			}
		})
	}
	// With XML the classic SDK cannot read the code: it hands back the raw envelope.
	_, err := describe(c, u, "XML", "cn-hangzhou", "sg-missing")
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.HttpStatus() != 404 || !strings.Contains(se.Message(), "<Code>InvalidSecurityGroupId.NotFound</Code>") {
		t.Errorf("XML error: %v", err)
	}
}

// TestV3SDK calls through the generated SDK, which signs with ACS3, sends the action in
// x-acs-* headers and parses JSON only.
func TestV3SDK(t *testing.T) {
	u := MustServer(t)
	c, err := ecs3.NewClient(&openapiutil.Config{
		AccessKeyId: tea.String("testid"), AccessKeySecret: tea.String("testsecret"),
		Endpoint: tea.String(u.Host), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou"),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.DescribeSecurityGroupReferences(&ecs3.DescribeSecurityGroupReferencesRequest{
		RegionId: tea.String("cn-hangzhou"), SecurityGroupId: []*string{tea.String("sg-1133aa")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range resp.Body.SecurityGroupReferences.SecurityGroupReference {
		for _, x := range e.ReferencingSecurityGroups.ReferencingSecurityGroup {
			got = append(got, tea.StringValue(x.SecurityGroupId)+"/"+tea.StringValue(x.AliUid))
		}
	}
	if want := []string{"sg-2255cc/123", "sg-2255dd/123"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	_, err = c.DescribeSecurityGroupReferences(&ecs3.DescribeSecurityGroupReferencesRequest{
		RegionId: tea.String("cn-hangzhou"), SecurityGroupId: []*string{tea.String("sg-missing")},
	})
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "InvalidSecurityGroupId.NotFound" || tea.IntValue(se.StatusCode) != 404 {
		t.Errorf("err %v, want a 404 InvalidSecurityGroupId.NotFound SDKError", err)
	}
}

func TestRawHTTP(t *testing.T) {
	u := MustServer(t)
	resp, err := http.Get(u.String() + "/?Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ecsapi.ContentTypeXML || resp.Header.Get("x-acs-request-id") == "" ||
		!strings.Contains(string(body), "<SecurityGroupId>sg-2255dd</SecurityGroupId>") {
		t.Errorf("GET: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// An oversized body is refused with an envelope, not a dropped connection.
	resp, err = http.Post(u.String()+"/?Format=JSON", "application/x-www-form-urlencoded", strings.NewReader(strings.Repeat("a", 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), `"Code":"InvalidParameter"`) {
		t.Errorf("oversized POST: %d %s", resp.StatusCode, body)
	}
}
