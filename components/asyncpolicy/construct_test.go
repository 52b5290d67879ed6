package asyncpolicy_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// constructStack routes with the component: an SQS queue on success, an
// SNS topic on failure, a dead-letter queue and a KMS-encrypted queue.
func constructStack(ctx *pulumi.Context) error {
	key, err := kms.NewKey(ctx, "records-key", &kms.KeyArgs{})
	if err != nil {
		return err
	}
	encrypted, err := sqs.NewQueue(ctx, "records", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
	if err != nil {
		return err
	}
	failures, err := sns.NewTopic(ctx, "failures", &sns.TopicArgs{})
	if err != nil {
		return err
	}
	dlq, err := sqs.NewQueue(ctx, "dlq", &sqs.QueueArgs{})
	if err != nil {
		return err
	}
	fnArgs := func() lambda.FunctionArgs {
		return lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"),
			Code: pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("def handler(e, c): pass")})}
	}
	age := time.Hour
	_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
		Function:    fnArgs(),
		OnSuccess:   asyncroute.SQSQueue{Queue: encrypted},
		OnFailure:   asyncroute.SNSTopic{Topic: failures},
		DeadLetter:  asyncroute.SQSQueue{Queue: dlq},
		MaxRetries:  pulumi.IntRef(1),
		MaxEventAge: &age,
	})
	return err
}

func TestConstructStackHasNoFindings(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := asyncroutetest.Run(constructStack, opts...)
		require.NoError(t, err)
		require.NotNil(t, st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "orders-async-config"))
		fs := asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{})
		assert.Empty(t, fs, "preview=%v:\n%s", preview, dump(fs))
	}
}

// The same stack with the grant policy skipped (on a role the program
// brings, which nothing grants) is caught: the checker really looked at
// the component's resources.
func TestConstructStackWithoutGrantsIsCaught(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		q, err := sqs.NewQueue(ctx, "records", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, "orders-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Role: &asyncroute.ExistingRole{Role: role},
			Function: lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"),
				Code: pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("x")})},
			OnFailure:  asyncroute.SQSQueue{Queue: q},
			SkipGrants: true,
		})
		return err
	})
	require.NoError(t, err)
	fs := asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{})
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleDestinationPermission, fs[0].RuleID)
	assert.Equal(t, "orders-async-config", fs[0].Name)
	assert.Equal(t, "destinationConfig.onFailure.destination", fs[0].Field)
}

// The component's KMS grant is what satisfies the check for the encrypted
// queue: without those statements the key is reported.
func TestConstructStackNeedsItsKMSGrant(t *testing.T) {
	st, err := asyncroutetest.Run(constructStack)
	require.NoError(t, err)
	g := asyncpolicy.FromStack(st)
	stripped := 0
	for i, r := range g.Resources {
		if r.Type != "aws:iam/rolePolicy:RolePolicy" {
			continue
		}
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.Outputs["policy"].(string)), &doc))
		var kept []any
		for _, s := range doc["Statement"].([]any) {
			b, _ := json.Marshal(s)
			if strings.Contains(string(b), "kms:") {
				stripped++
				continue
			}
			kept = append(kept, s)
		}
		doc["Statement"] = kept
		b, _ := json.Marshal(doc)
		g.Resources[i].Inputs["policy"], g.Resources[i].Outputs["policy"] = string(b), string(b)
	}
	require.Equal(t, 1, stripped)
	fs := asyncpolicy.Check(g, asyncpolicy.Config{})
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, "destinationConfig.onSuccess.destination", fs[0].Field)
	assert.Contains(t, fs[0].Message, "does not allow kms:GenerateDataKey, kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/")
}
