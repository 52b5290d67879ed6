package mockmonitor_test

import (
	"errors"
	"testing"

	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	queueType  = "aws:sqs/queue:Queue"
	keyType    = "aws:kms/key:Key"
	configType = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	policyType = "aws:iam/rolePolicy:RolePolicy"
)

func find(t *testing.T, g *stackgraph.Graph, typ, name string) *stackgraph.Resource {
	t.Helper()
	r, err := g.Lookup(typ, name)
	require.NoError(t, err)
	return r
}

// routed is a key, a queue encrypted with it, a FIFO queue whose redrive
// policy names the first, an invoke config whose failures go to the queue
// and a role policy that grants sending to it.
func routed(ctx *pulumi.Context) error {
	key, err := kms.NewKey(ctx, "key", &kms.KeyArgs{})
	if err != nil {
		return err
	}
	q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: key.Arn, Tags: pulumi.StringMap{"key": key.Arn, "team": pulumi.String("orders")}})
	if err != nil {
		return err
	}
	if _, err := sqs.NewQueue(ctx, "ordered", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true), RedrivePolicy: pulumi.Sprintf(`{"deadLetterTargetArn":%q}`, q.Arn)}); err != nil {
		return err
	}
	if _, err := lambda.NewFunctionEventInvokeConfig(ctx, "cfg", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName: pulumi.String("orders"),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: q.Arn},
			OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: pulumi.String("arn:aws:sqs:us-east-1:123456789012:done")},
		},
	}); err != nil {
		return err
	}
	_, err = iam.NewRolePolicy(ctx, "grants", &iam.RolePolicyArgs{
		Role:   pulumi.String("orders-role"),
		Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":%q}]}`, q.Arn),
	})
	return err
}

func TestAWSShapedOutputs(t *testing.T) {
	rec, err := mockmonitor.Run(routed, mockmonitor.Project("shop"))
	g := rec.Graph
	require.NoError(t, err)
	key := find(t, g, keyType, "key")
	keyID := key.Outputs["keyId"].(string)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, keyID)
	assert.Equal(t, keyID, key.ID)
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/"+keyID, key.Outputs["arn"])

	jobs := find(t, g, queueType, "jobs")
	name := jobs.Outputs["name"].(string)
	assert.Regexp(t, `^jobs-[0-9a-f]{7}$`, name)
	assert.Equal(t, "arn:aws:sqs:us-east-1:123456789012:"+name, jobs.Outputs["arn"])
	assert.Equal(t, "https://sqs.us-east-1.amazonaws.com/123456789012/"+name, jobs.ID)
	assert.Equal(t, jobs.ID, jobs.Outputs["url"])
	assert.Equal(t, key.Outputs["arn"], jobs.Inputs["kmsMasterKeyId"])
	assert.Equal(t, "urn:pulumi:dev::shop::aws:sqs/queue:Queue::jobs", jobs.URN)
	assert.True(t, jobs.Custom)

	ordered := find(t, g, queueType, "ordered")
	assert.Regexp(t, `^ordered-[0-9a-f]{7}\.fifo$`, ordered.Outputs["name"], "FIFO queues get the .fifo suffix")
	assert.Equal(t, []string{"aws:sqs/queue:Queue/jobs"}, g.Dependencies(ordered))
	assert.True(t, g.DependsOn(ordered, key), "through the jobs queue")

	grants := find(t, g, policyType, "grants")
	assert.Equal(t, "orders-role:"+grants.Outputs["name"].(string), grants.ID)
	assert.Equal(t, []string{jobs.URN}, grants.PropertyDependencies["policy"])
	for i, r := range g.Resources {
		assert.Equal(t, i, r.Seq)
	}
}

// At preview every value AWS assigns is unknown, and so is everything made
// from it, wherever it sits; values known at preview stay known.
func TestPreviewRecordsUnknowns(t *testing.T) {
	rec, err := mockmonitor.Run(routed, mockmonitor.Preview())
	g := rec.Graph
	require.NoError(t, err)
	unknown := stackgraph.Unknown{}

	key := find(t, g, keyType, "key")
	assert.Equal(t, unknown, key.Outputs["arn"])
	assert.Equal(t, unknown, key.Outputs["keyId"])
	assert.Empty(t, key.ID)

	jobs := find(t, g, queueType, "jobs")
	assert.Equal(t, unknown, jobs.Inputs["kmsMasterKeyId"], "an input made from an unknown output")
	assert.Equal(t, unknown, jobs.Outputs["kmsMasterKeyId"], "and the output that echoes it")
	assert.Equal(t, map[string]any{"key": unknown, "team": "orders"}, jobs.Inputs["tags"], "an unknown inside a map; the rest stays known")
	assert.Equal(t, unknown, jobs.Outputs["arn"])
	assert.Equal(t, unknown, jobs.Outputs["url"])
	assert.Regexp(t, `^jobs-[0-9a-f]{7}$`, jobs.Outputs["name"], "auto-names are known at preview")

	cfg := find(t, g, configType, "cfg")
	want := map[string]any{
		"onFailure": map[string]any{"destination": unknown},
		"onSuccess": map[string]any{"destination": "arn:aws:sqs:us-east-1:123456789012:done"},
	}
	assert.Equal(t, want, cfg.Inputs["destinationConfig"], "destinationConfig.onFailure.destination")
	assert.Equal(t, want, cfg.Outputs["destinationConfig"])

	grants := find(t, g, policyType, "grants")
	assert.Equal(t, unknown, grants.Inputs["policy"], "a policy document that embeds an unknown ARN")
	assert.Equal(t, unknown, grants.Outputs["policy"])
	assert.Equal(t, "orders-role", grants.Inputs["role"])
}

// A registration whose request comes without its object (a caller that
// drives the monitor directly) gets the unknowns a preview dropped back
// from its property dependencies.
func TestPreviewWithoutTheObject(t *testing.T) {
	const queue = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::jobs"
	m := &mockmonitor.Monitor{Preview: true, Project: "shop", Stack: "dev"}
	_, _, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: configType, Name: "cfg", Custom: true,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"functionName": "orders", "destinationConfig": map[string]any{"onFailure": map[string]any{}}}),
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Type: configType, Name: "cfg", Custom: true,
			PropertyDependencies: map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies{
				"destinationConfig": {Urns: []string{queue}},
				"functionName":      {},
			}},
	})
	require.NoError(t, err)
	_, _, err = m.NewResource(pulumi.MockResourceArgs{TypeToken: policyType, Name: "grants", Custom: true,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"role": "orders-role"}),
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Type: policyType, Name: "grants", Custom: true,
			PropertyDependencies: map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies{"policy": {Urns: []string{queue}}}},
	})
	require.NoError(t, err)
	rs := m.Resources()
	require.Len(t, rs, 2)
	assert.Equal(t, map[string]any{"onFailure": stackgraph.Unknown{}}, rs[0].Inputs["destinationConfig"])
	assert.Equal(t, "orders", rs[0].Inputs["functionName"])
	assert.Equal(t, stackgraph.Unknown{}, rs[1].Inputs["policy"])
	assert.Equal(t, stackgraph.Unknown{}, rs[1].Outputs["policy"])
	assert.Equal(t, 1, rs[1].Seq)
}

func regionProgram(got map[string]string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		west, err := aws.NewProvider(ctx, "sydney", &aws.ProviderArgs{Region: pulumi.String("ap-southeast-2")})
		if err != nil {
			return err
		}
		if _, err := sqs.NewQueue(ctx, "home", &sqs.QueueArgs{Name: pulumi.String("home")}); err != nil {
			return err
		}
		if _, err := sqs.NewQueue(ctx, "away", &sqs.QueueArgs{Name: pulumi.String("away")}, pulumi.Provider(west)); err != nil {
			return err
		}
		home, err := aws.GetRegion(ctx, &aws.GetRegionArgs{})
		if err != nil {
			return err
		}
		away, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, pulumi.Provider(west))
		if err != nil {
			return err
		}
		part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, pulumi.Provider(west))
		if err != nil {
			return err
		}
		got["default"], got["explicit"], got["partition"] = home.Name, away.Name, part.Partition
		return nil
	}
}

func TestRegionOfTheProvider(t *testing.T) {
	for _, preview := range []bool{false, true} {
		got := map[string]string{}
		opts := []mockmonitor.Option{mockmonitor.Config(map[string]string{"aws:region": "eu-west-1"})}
		if preview {
			opts = append(opts, mockmonitor.Preview())
		}
		rec, err := mockmonitor.Run(regionProgram(got), opts...)
		g := rec.Graph
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"default": "eu-west-1", "explicit": "ap-southeast-2", "partition": "aws"}, got, "preview=%v", preview)
		if preview {
			continue
		}
		assert.Equal(t, "arn:aws:sqs:eu-west-1:123456789012:home", find(t, g, queueType, "home").Outputs["arn"])
		assert.Equal(t, "https://sqs.eu-west-1.amazonaws.com/123456789012/home", find(t, g, queueType, "home").ID)
		away := find(t, g, queueType, "away")
		assert.Equal(t, "arn:aws:sqs:ap-southeast-2:123456789012:away", away.Outputs["arn"])
		assert.Contains(t, away.Provider, "pulumi:providers:aws::sydney")
	}

	got := map[string]string{}
	rec, err := mockmonitor.Run(regionProgram(got))
	g := rec.Graph
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", got["default"], "no aws:region: the default region")
	assert.Equal(t, "arn:aws:sqs:us-east-1:123456789012:home", find(t, g, queueType, "home").Outputs["arn"])
}

func TestPartitionOfTheRegion(t *testing.T) {
	got := map[string]string{}
	rec, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{})
		if err != nil {
			return err
		}
		caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
		if err != nil {
			return err
		}
		got["dns"], got["caller"] = part.DnsSuffix, caller.Arn
		_, err = sqs.NewQueue(ctx, "q", &sqs.QueueArgs{Name: pulumi.String("q")})
		return err
	}, mockmonitor.Config(map[string]string{"aws:region": "cn-north-1"}))
	g := rec.Graph
	require.NoError(t, err)
	assert.Equal(t, "arn:aws-cn:sqs:cn-north-1:123456789012:q", find(t, g, queueType, "q").Outputs["arn"])
	assert.Equal(t, "amazonaws.com.cn", got["dns"])
	assert.Equal(t, "arn:aws-cn:iam::123456789012:user/test", got["caller"])
}

func TestFailedProgramReturnsWhatWasRegistered(t *testing.T) {
	rec, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, "before", nil); err != nil {
			return err
		}
		return errors.New("boom")
	})
	g := rec.Graph
	require.ErrorContains(t, err, "boom")
	require.Len(t, g.Resources, 1)
	assert.Equal(t, "before", g.Resources[0].Name)
}

func TestConfigProjectAndStack(t *testing.T) {
	var tier string
	rec, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		tier, _ = ctx.GetConfig("shop:tier")
		_, err := sqs.NewQueue(ctx, "q", nil)
		return err
	}, mockmonitor.Project("shop"), mockmonitor.StackName("prod"), mockmonitor.Config(map[string]string{"shop:tier": "gold"}))
	g := rec.Graph
	require.NoError(t, err)
	assert.Equal(t, "gold", tier)
	assert.Equal(t, "urn:pulumi:prod::shop::aws:sqs/queue:Queue::q", g.Resources[0].URN)

	rec, err = mockmonitor.Run(func(ctx *pulumi.Context) error {
		_, err := sqs.NewQueue(ctx, "q", nil)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "urn:pulumi:dev::asyncroute::aws:sqs/queue:Queue::q", rec.Resources[0].URN, "the default project")
}

func TestUnknownInvoke(t *testing.T) {
	_, err := mockmonitor.Run(func(ctx *pulumi.Context) error {
		_, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{})
		return err
	})
	assert.ErrorContains(t, err, "mockmonitor: no mock for invoke aws:index/getAvailabilityZones:getAvailabilityZones")
}
