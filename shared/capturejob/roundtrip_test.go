package capturejob_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"sgref/shared/capturejob"
	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/ecsemu"
	"sgref/shared/ecslive"
	"sgref/shared/internal/testkit"
	"sgref/shared/provider"
)

// TestCaptureToS3RoundTrip is the deployed path on a laptop: the ECS emulator, a capture
// into a real S3 server (MinIO), a describe API on s3://…, which answers as one reading
// ECS live does.
func TestCaptureToS3RoundTrip(t *testing.T) {
	inv := testkit.Sample(t)
	ecs := testkit.Serve(t, testkit.EmulatedECS(ecsemu.Options{Inventory: inv, Account: "123"}))
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tRoundTrip")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "round-trip-secret")
	m := testkit.StartMinIO(t)
	ctx := context.Background()
	live := "ecs:?regions=cn-hangzhou,cn-shanghai,ap-southeast-1&endpoint=" + ecs.String()
	object := m.Spec("sgref/snapshot.json.gz")

	job, err := capturejob.New(ctx, config.Config{Capture: object, CaptureSource: live}, &ecslive.Rotating{Fallback: ecslive.Env{}}, testkit.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := job.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, err := m.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testkit.MinIOBucket), Key: aws.String("sgref/snapshot.json.gz")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(head.ContentEncoding) != "gzip" || aws.ToInt64(head.ContentLength) != sum.Bytes || sum.Groups == 0 || sum.Bytes >= sum.RawBytes {
		t.Errorf("object %s encoding %q, %d bytes; summary %+v", object, aws.ToString(head.ContentEncoding), aws.ToInt64(head.ContentLength), sum)
	}

	stored, _, err := provider.New(ctx, config.Config{Inventory: object}, testkit.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	direct, _, err := provider.New(ctx, config.Config{Inventory: live}, testkit.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	fixed := func() string { return testkit.FixedRequestID }
	fromS3 := ecsapi.NewHandler(stored, ecsapi.Options{Logger: testkit.Quiet, RequestID: fixed})
	fromECS := ecsapi.NewHandler(direct, ecsapi.Options{Logger: testkit.Quiet, RequestID: fixed})
	for _, q := range []string{
		"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa",
		"Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-2255cc&SecurityGroupId.2=sg-db0001",
		"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-shanghai&SecurityGroupId.1=sg-sh-idle01",
		"Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-nope",
		"Action=DescribeDanglingSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou",
	} {
		req := func() *ecsapi.Request { return &ecsapi.Request{Method: "GET", Header: http.Header{}, RawQuery: q} }
		a, b := fromS3.Serve(ctx, req()), fromECS.Serve(ctx, req())
		if a.Status != b.Status || string(a.Body) != string(b.Body) {
			t.Errorf("%s:\n from S3  %d %s\n from ECS %d %s", q, a.Status, a.Body, b.Status, b.Body)
		}
		if age := a.Headers()["x-sgref-inventory-age"]; age == "" {
			t.Errorf("%s: no x-sgref-inventory-age from the stored snapshot", q)
		}
		if !strings.Contains(string(a.Body), "RequestId") {
			t.Errorf("%s: %s", q, a.Body)
		}
	}
}
