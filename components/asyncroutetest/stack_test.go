package asyncroutetest_test

import (
	"errors"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func program(ctx *pulumi.Context) error {
	key, err := kms.NewKey(ctx, "key", &kms.KeyArgs{})
	if err != nil {
		return err
	}
	q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
	if err != nil {
		return err
	}
	_, err = sqs.NewQueue(ctx, "ordered", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true), RedrivePolicy: pulumi.Sprintf(`{"deadLetterTargetArn":%q}`, q.Arn)})
	return err
}

func TestRecordsAWSShapedOutputs(t *testing.T) {
	st, err := asyncroutetest.Run(program)
	require.NoError(t, err)
	key := st.Find("aws:kms/key:Key", "key")
	require.NotNil(t, key)
	keyID := key.Outputs["keyId"].(string)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, keyID)
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/"+keyID, key.Outputs["arn"])

	jobs := st.Find("aws:sqs/queue:Queue", "jobs")
	name := jobs.Outputs["name"].(string)
	assert.Regexp(t, `^jobs-[0-9a-f]{7}$`, name)
	assert.Equal(t, "arn:aws:sqs:us-east-1:123456789012:"+name, jobs.Outputs["arn"])
	assert.Equal(t, "https://sqs.us-east-1.amazonaws.com/123456789012/"+name, jobs.ID)
	assert.Equal(t, key.Outputs["arn"], jobs.Inputs["kmsMasterKeyId"])

	ordered := st.Find("aws:sqs/queue:Queue", "ordered")
	assert.Regexp(t, `^ordered-[0-9a-f]{7}\.fifo$`, ordered.Outputs["name"], "FIFO queues get the .fifo suffix")
	assert.Equal(t, []string{"aws:sqs/queue:Queue/jobs"}, st.Dependencies(ordered))
	assert.True(t, st.DependsOn(ordered, key), "through the jobs queue")
	assert.False(t, st.DependsOn(key, ordered))
}

func TestPreviewLeavesAWSValuesUnknown(t *testing.T) {
	st, err := asyncroutetest.Run(program, asyncroutetest.Preview())
	require.NoError(t, err)
	jobs := st.Find("aws:sqs/queue:Queue", "jobs")
	assert.NotContains(t, jobs.Outputs, "arn")
	assert.NotContains(t, jobs.Inputs, "kmsMasterKeyId", "the key ARN is unknown at preview")
	assert.Regexp(t, `^jobs-[0-9a-f]{7}$`, jobs.Outputs["name"], "auto-names are known at preview")
	assert.Empty(t, jobs.ID)
}

func TestFailedProgramReturnsWhatWasRegistered(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, "before", nil); err != nil {
			return err
		}
		return errors.New("boom")
	})
	require.ErrorContains(t, err, "boom")
	require.Len(t, st.Resources, 1)
	assert.Equal(t, "before", st.Resources[0].Name)
}

func TestConfigAndNames(t *testing.T) {
	var got string
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		got, _ = ctx.GetConfig("shop:tier")
		_, err := sqs.NewQueue(ctx, "q", nil)
		return err
	}, asyncroutetest.Project("shop"), asyncroutetest.StackName("prod"), asyncroutetest.Config(map[string]string{"shop:tier": "gold"}))
	require.NoError(t, err)
	assert.Equal(t, "gold", got)
	assert.Equal(t, "urn:pulumi:prod::shop::aws:sqs/queue:Queue::q", st.Resources[0].URN)
}

func TestDecodePolicy(t *testing.T) {
	p, err := asyncroutetest.DecodePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":["a","b"]},{"Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}`)
	require.NoError(t, err)
	assert.Equal(t, asyncroutetest.Policy{Version: "2012-10-17", Statement: []asyncroutetest.PolicyStatement{
		{Effect: "Allow", Action: asyncroutetest.StringList{"sqs:SendMessage"}, Resource: asyncroutetest.StringList{"a", "b"}},
		{Effect: "Deny", NotAction: asyncroutetest.StringList{"s3:*"}, Resource: asyncroutetest.StringList{"*"}},
	}}, p)

	_, err = asyncroutetest.DecodePolicy(asyncroutetest.Unknown{})
	assert.EqualError(t, err, "policy is <unknown until deploy> (asyncroutetest.Unknown), not a JSON string")
	_, err = asyncroutetest.DecodePolicy(`{"Statement":[{"Action":3}]}`)
	assert.ErrorContains(t, err, "expected a string or a list of strings")
}
