package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	keyID        = "1234abcd-12ab-34cd-56ef-1234567890ab"
	foreignKey   = "arn:aws:kms:eu-west-1:210987654321:key/0987dcba-09fe-87dc-65ba-ab0987654321"
	customAlias  = "alias/foo"
	customAliasA = "arn:aws:kms:us-east-1:123456789012:alias/foo"
)

// kmsRun routes the failure records of "orders" to the destination build
// returns and returns the stack.
func kmsRun(t *testing.T, build func(ctx *pulumi.Context) asyncroute.Destination, opts ...asyncroutetest.Option) *asyncroutetest.Stack {
	t.Helper()
	return run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: build(ctx)})
		return err
	}, opts...)
}

func TestQueueKeyIDLiteral(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(keyID)})}
	})
	// The key ARN takes partition, region and account from the queue's ARN.
	assert.Equal(t, stmts(
		allow(kmsUse, arnOf("kms", "key/"+keyID)),
		allow(sqsSend, arnOf("sqs", "jobs")),
	), statements(t, st, "orders"))
}

func TestQueueKeyARNLiteral(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(foreignKey)})}
	})
	assert.Equal(t, stmts(
		allow(kmsUse, foreignKey),
		allow(sqsSend, arnOf("sqs", "jobs")),
	), statements(t, st, "orders"))
}

func TestQueueKeyIDOutput(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		key := newKey(ctx, "queue-key")
		return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: key.KeyId})}
	})
	key := find(t, st, keyType, "queue-key")
	keyArn := key.Outputs["arn"].(string)
	require.Equal(t, arnOf("kms", "key/"+key.Outputs["keyId"].(string)), keyArn)
	assert.Equal(t, stmts(
		allow(kmsUse, keyArn),
		allow(sqsSend, arnOf("sqs", "jobs")),
	), statements(t, st, "orders"))
	// The queue carries the key's dependency into the policy.
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(queueType, "jobs")), st.Dependencies(find(t, st, rolePolicyType, "orders-async-grants")))
	assert.True(t, st.DependsOn(find(t, st, rolePolicyType, "orders-async-grants"), key))
}

func TestTopicKeyIDLiteral(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", &sns.TopicArgs{KmsMasterKeyId: pulumi.String(keyID)})}
	})
	assert.Equal(t, stmts(
		allow(kmsUse, arnOf("kms", "key/"+keyID)),
		allow(snsPublish, arnOf("sns", "alerts")),
	), statements(t, st, "orders"))
}

func TestAWSManagedKeysNeedNoGrant(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(ctx *pulumi.Context) asyncroute.Destination
		want  []iampolicy.Statement
	}{
		{"SQSAlias", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String("alias/aws/sqs")})}
		}, stmts(allow(sqsSend, arnOf("sqs", "jobs")))},
		{"SQSAliasARN", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(arnOf("kms", "alias/aws/sqs"))})}
		}, stmts(allow(sqsSend, arnOf("sqs", "jobs")))},
		{"SQSManagedSSE", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{SqsManagedSseEnabled: pulumi.Bool(true)})}
		}, stmts(allow(sqsSend, arnOf("sqs", "jobs")))},
		{"SNSAlias", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", &sns.TopicArgs{KmsMasterKeyId: pulumi.String("alias/aws/sns")})}
		}, stmts(allow(snsPublish, arnOf("sns", "alerts")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := kmsRun(t, tc.build)
			assert.Equal(t, tc.want, statements(t, st, "orders"))
		})
	}
}

func TestCustomAliasWithoutKeyIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(ctx *pulumi.Context) asyncroute.Destination
		want  string
	}{
		{"Queue", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(customAlias)})}
		}, `asyncroute: Function "orders": OnFailure: SQS queue "jobs" is encrypted with the custom KMS alias "alias/foo", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/sqs needs no key)`},
		{"QueueAliasARN", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(customAliasA)})}
		}, `asyncroute: Function "orders": OnFailure: SQS queue "jobs" is encrypted with the custom KMS alias "arn:aws:kms:us-east-1:123456789012:alias/foo", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/sqs needs no key)`},
		{"Topic", func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", &sns.TopicArgs{KmsMasterKeyId: pulumi.String(customAlias)})}
		}, `asyncroute: Function "orders": OnFailure: SNS topic "alerts" is encrypted with the custom KMS alias "alias/foo", which cannot be resolved to a key at preview; set Key to the kms.Key behind it (AWS-managed alias/aws/sns needs no key)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rejects(t, func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: tc.build(ctx)})
				return err
			}, tc.want, "orders", 1)
		})
	}
}

func TestCustomAliasWithExplicitKey(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		key := newKey(ctx, "queue-key")
		return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(customAlias)}), Key: key}
	})
	key := find(t, st, keyType, "queue-key")
	assert.Equal(t, stmts(
		allow(kmsUse, key.Outputs["arn"].(string)),
		allow(sqsSend, arnOf("sqs", "jobs")),
	), statements(t, st, "orders"))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(keyType, "queue-key"), dep(queueType, "jobs")),
		st.Dependencies(find(t, st, rolePolicyType, "orders-async-grants")))
}

func TestTopicCustomAliasWithExplicitKey(t *testing.T) {
	st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
		key := newKey(ctx, "topic-key")
		return asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", &sns.TopicArgs{KmsMasterKeyId: pulumi.String(customAlias)}), Key: key}
	})
	assert.Equal(t, stmts(
		allow(kmsUse, find(t, st, keyType, "topic-key").Outputs["arn"].(string)),
		allow(snsPublish, arnOf("sns", "alerts")),
	), statements(t, st, "orders"))
}

func TestQueueAndTopicShareOneKey(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		key := newKey(ctx, "shared")
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: key.KeyId})},
			DeadLetter: asyncroute.SNSTopic{Topic: newTopic(ctx, "dead", &sns.TopicArgs{KmsMasterKeyId: key.Arn})},
		})
		return err
	})
	keyArn := find(t, st, keyType, "shared").Outputs["arn"].(string)
	// The key is granted once, in one statement.
	assert.Equal(t, stmts(
		allow(kmsUse, keyArn),
		allow(snsPublish, arnOf("sns", "dead")),
		allow(sqsSend, arnOf("sqs", "jobs")),
	), statements(t, st, "orders"))
}

func TestEncryptedDeadLetterQueueGetsKeyGrant(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			DeadLetter: asyncroute.SQSQueue{Queue: newQueue(ctx, "dlq", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(keyID)})},
		})
		return err
	})
	assert.Equal(t, stmts(
		allow(kmsUse, arnOf("kms", "key/"+keyID)),
		allow(sqsSend, arnOf("sqs", "dlq")),
	), statements(t, st, "orders"))
	// The function waits for the key grant too: it is in the one policy.
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(queueType, "dlq")),
		st.Dependencies(find(t, st, lambdaType, "orders")))
}

func TestARNDestinationWithKmsKeyArn(t *testing.T) {
	t.Run("Literal", func(t *testing.T) {
		st := kmsRun(t, func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.ARN{Arn: pulumi.String("arn:aws:sqs:eu-west-1:210987654321:ext"), KmsKeyArn: pulumi.String(foreignKey)}
		})
		assert.Equal(t, stmts(
			allow(kmsUse, foreignKey),
			allow(sqsSend, "arn:aws:sqs:eu-west-1:210987654321:ext"),
		), statements(t, st, "orders"))
	})
	t.Run("TopicWithKeyOutput", func(t *testing.T) {
		st := kmsRun(t, func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ARN{Arn: pulumi.String("arn:aws:sns:eu-west-1:210987654321:ext"), KmsKeyArn: newKey(ctx, "k").Arn}
		})
		assert.Equal(t, stmts(
			allow(kmsUse, find(t, st, keyType, "k").Outputs["arn"].(string)),
			allow(snsPublish, "arn:aws:sns:eu-west-1:210987654321:ext"),
		), statements(t, st, "orders"))
		assert.Equal(t, deps(dep(roleType, "orders-role"), dep(keyType, "k")), st.Dependencies(find(t, st, rolePolicyType, "orders-async-grants")))
	})
}

func TestBadKmsKeyArn(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    asyncroute.ARN
		want string
	}{
		{"NotAKey", asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "jobs")), KmsKeyArn: pulumi.String(customAlias)},
			`asyncroute: Function "orders": OnFailure: ARN.KmsKeyArn "alias/foo" is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>`},
		{"AliasARN", asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "jobs")), KmsKeyArn: pulumi.String(customAliasA)},
			`asyncroute: Function "orders": OnFailure: ARN.KmsKeyArn "arn:aws:kms:us-east-1:123456789012:alias/foo" is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>`},
		{"NotKeyed", asyncroute.ARN{Arn: pulumi.String(fnARN("next")), KmsKeyArn: pulumi.String(foreignKey)},
			`asyncroute: Function "orders": OnFailure: ARN.KmsKeyArn applies to an SQS queue, SNS topic or S3 bucket only, not to a Lambda function`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := runCapture(t, func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: tc.d})
				return err
			})
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			requireNothingFromComponent(t, st, "orders", 0)
		})
	}
}

// A key reference that is known at preview but is no key at all must fail
// before anything is registered, not when the policy is rendered.
func TestQueueKeyThatIsNotAKeyFailsEarly(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		q := newQueue(ctx, "jobs", &sqs.QueueArgs{KmsMasterKeyId: pulumi.String(arnOf("sqs", "other"))})
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: q}})
		return err
	}, `asyncroute: Function "orders": OnFailure: SQS queue "jobs" is encrypted with "arn:aws:sqs:us-east-1:123456789012:other", which is not a KMS key id, key ARN or alias; expected <key-id>, arn:<partition>:kms:<region>:<account>:key/<key-id> or alias/<name>`, "orders", 1)
}
