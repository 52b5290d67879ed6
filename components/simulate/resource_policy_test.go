package simulate_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failedJob is a function "job" (role "job-role", granted grants) that
// fails every attempt, with no retry, and sends its failures to
// destination.
func failedJob(ctx *pulumi.Context, destination pulumi.StringInput, grants pulumi.StringInput) {
	role := must(iam.NewRole(ctx, "job-role", &iam.RoleArgs{Name: pulumi.String("job-role"), AssumeRolePolicy: pulumi.String(trust)}))
	must(iam.NewRolePolicy(ctx, "grants", &iam.RolePolicyArgs{Role: role.Name, Policy: grants}))
	fn := must(lambda.NewFunction(ctx, "job", &lambda.FunctionArgs{
		Name: pulumi.String("job"), Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline(),
	}))
	must(lambda.NewFunctionEventInvokeConfig(ctx, "job-config", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(0),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: destination},
		},
	}))
}

// failOnce runs program, invokes "job" once (it fails) and returns the
// simulator.
func failOnce(t *testing.T, program pulumi.RunFunc) *simulate.Simulator {
	t.Helper()
	sim, err := simulate.Run(program, simulate.Config{Handlers: map[string]simulate.Handler{"job": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "job", json.RawMessage(`{}`))
	require.NoError(t, err)
	return sim
}

// TestBucketPolicyDenyFailsTheDelivery: the S3 on-failure destination's
// bucket policy denies the role s3:PutObject: the record is lost whatever
// the role allows, and the trace names the bucket policy's statement (the
// rules' decision, ASYNC001). An allow-all bucket policy lets it through.
func TestBucketPolicyDenyFailsTheDelivery(t *testing.T) {
	program := func(policy string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			b := must(s3.NewBucketV2(ctx, "archive", &s3.BucketV2Args{Bucket: pulumi.String("archive")}))
			must(s3.NewBucketPolicy(ctx, "archive-policy", &s3.BucketPolicyArgs{Bucket: b.Bucket, Policy: pulumi.String(policy)}))
			failedJob(ctx, b.Arn, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[`+
				`{"Effect":"Allow","Action":"s3:PutObject","Resource":"%s/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"%s"}]}`, b.Arn, b.Arn))
			return nil
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},` +
		`{"Sid":"NoRecords","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/job-role"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::archive/*"}]}`
	sim := failOnce(t, program(deny))
	assert.Empty(t, sim.DeliveriesTo("archive"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1, "%v", sim.Trace().Lines())
	assert.Equal(t, simulate.StepOnFailure, problems[0].Step)
	assert.Equal(t, simulate.OutcomeDeliveryFailed, problems[0].Outcome)
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → S3 bucket archive: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is denied s3:PutObject on arn:aws:s3:::archive/\* by aws:s3/bucketPolicy:BucketPolicy "archive-policy" \(statement "NoRecords"\) \(an explicit Deny\); `+
		`Lambda drops it and counts DestinationDeliveryFailures$`)

	sim = failOnce(t, program(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`))
	assert.Len(t, sim.Records("archive"), 1)
	assert.Empty(t, sim.Trace().Problems())
}

// TestEventBusPolicyAcrossAccounts: the on-failure destination is a bus of
// the stack in another account (its provider's). An EventBusPolicy of the
// stack that allows only a third account refuses the role: the record is
// lost and the trace names the policy. One that allows the role's account
// lets it through. Without any policy of the bus in the stack the
// delivery is not decided by the stack (ASYNC010 names the bus's policy
// and what it must allow): the simulator delivers it as if granted and
// says so.
func TestEventBusPolicyAcrossAccounts(t *testing.T) {
	const other = "210987654321"
	program := func(allowed string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			p := must(aws.NewProvider(ctx, "owner", &aws.ProviderArgs{Region: pulumi.String("us-east-1"), AllowedAccountIds: pulumi.StringArray{pulumi.String(other)}}))
			bus := must(cloudwatch.NewEventBus(ctx, "shared", &cloudwatch.EventBusArgs{Name: pulumi.String("shared")}, pulumi.Provider(p)))
			if allowed != "" {
				must(cloudwatch.NewEventBusPolicy(ctx, "shared-policy", &cloudwatch.EventBusPolicyArgs{EventBusName: bus.Name,
					Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Partners","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + allowed + `:root"},"Action":"events:PutEvents","Resource":"*"}]}`)},
					pulumi.Provider(p)))
			}
			failedJob(ctx, bus.Arn, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:PutEvents","Resource":"%s"}]}`, bus.Arn))
			return nil
		}
	}
	sim := failOnce(t, program("333333333333"))
	assert.Empty(t, sim.DeliveriesTo("shared"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1, "%v", sim.Trace().Lines())
	assert.Equal(t, simulate.OutcomeDeliveryFailed, problems[0].Outcome)
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → EventBridge event bus shared: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is not allowed events:PutEvents on arn:aws:events:us-east-1:`+other+`:event-bus/shared by aws:cloudwatch/eventBusPolicy:EventBusPolicy "shared-policy" `+
		`\(the resource's own policy must allow it too\); Lambda drops it and counts DestinationDeliveryFailures$`)

	for name, c := range map[string]struct{ allowed, why string }{
		"allows the role's account": {"123456789012", `the role allows events:PutEvents`},
		// ASYNC010's case: across accounts the bus's own policy decides,
		// and the stack does not hold it.
		"no policy in the stack": {"", `events:PutEvents not decided by the stack's policies: delivered as if granted`},
	} {
		sim := failOnce(t, program(c.allowed))
		assert.Len(t, sim.DeliveriesTo("shared"), 1, name)
		assert.Empty(t, sim.Trace().Problems(), name)
		assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → EventBridge event bus shared: record RetriesExhausted \(approximateInvokeCount 1\) delivered, `+
			`as detail of an event \(detail-type "Lambda Function Invocation Result - Failure"\) \(`+regexp.QuoteMeta(c.why)+`\)$`)
	}
}
