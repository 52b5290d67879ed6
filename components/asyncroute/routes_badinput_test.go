package asyncroute_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	viaBus         = ` (response only, through the default event bus)`
	nextAllowed    = `allowed: the next function's unqualified ARN, arn:<partition>:lambda:<region>:<account>:function:<name>`
	keyArnExpected = `expected arn:<partition>:kms:<region>:<account>:key/<key-id>`
	unqualified    = `allowed: the function's unqualified ARN "arn:aws:lambda:us-east-1:123456789012:function:next" (a response-only route invokes the function, not a version or alias)`
	retention      = "allowed: 60s to 14 days (60 to 1209600 whole seconds), or 0 for the default"
)

// nextArn is a response-only route to the function with this ARN.
func nextArn(arn pulumi.StringInput) func(*pulumi.Context) asyncroute.Destination {
	return func(*pulumi.Context) asyncroute.Destination { return asyncroute.ResponseOnly{FunctionArn: arn} }
}

func newQueueRetention(d time.Duration) func(*pulumi.Context) asyncroute.Destination {
	return func(*pulumi.Context) asyncroute.Destination { return asyncroute.NewQueue{RetentionPeriod: d} }
}

func routeBadCases() []badCase {
	return []badCase{
		// Response-only routes.
		{name: "ResponseOnlyNilFunction", build: onSuccess(func(*pulumi.Context) asyncroute.Destination { return asyncroute.ResponseOnly{} }),
			want: fPrefix + `OnSuccess: ResponseOnly has neither Function nor FunctionArn; allowed: the next function as a *lambda.Function in Function, or its unqualified ARN in FunctionArn`},
		{name: "ResponseOnlySelfByName", users: 1, build: fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) {
			args := lambdaArgs("orders")
			args.Role = pulumi.String(externalRoleArn)
			a.OnFailure = asyncroute.ResponseOnly{Function: must(lambda.NewFunction(ctx, "plain", &args))}
		}), want: fPrefix + `OnFailure: Lambda function "plain"` + viaBus + selfMsg},
		{name: "ResponseOnlyDeadLetter", users: 1, build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
		}),
			want: fPrefix + `DeadLetter: Lambda function "next"` + viaBus + notDLQ},
		{name: "ResponseOnlyAsyncInvokeSelf", users: 2, build: ai(func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
			r, f := existing(ctx)
			return &asyncroute.AsyncInvokeArgs{Function: f, Role: &asyncroute.ExistingRole{Role: r}, OnSuccess: asyncroute.ResponseOnly{Function: f}}
		}), want: aPrefix + `OnSuccess: Lambda function "existing"` + viaBus + selfMsg},

		// Response-only routes to a function given by its ARN.
		{name: "ResponseOnlyFunctionAndArn", users: 1, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn)), FunctionArn: pulumi.String(fnARN("next"))}
		}), want: fPrefix + `OnSuccess: ResponseOnly has both Function and FunctionArn; allowed: exactly one`},
		{name: "ResponseOnlyArnQualified", build: onSuccess(nextArn(pulumi.String(fnARN("next") + ":live"))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:next:live" is qualified with "live"; ` + unqualified},
		{name: "ResponseOnlyArnVersion", build: onFailure(nextArn(pulumi.String(fnARN("next") + ":3"))),
			want: fPrefix + `OnFailure: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:next:3" is qualified with "3"; ` + unqualified},
		{name: "ResponseOnlyArnLatest", build: onSuccess(nextArn(pulumi.String(fnARN("next") + ":$LATEST"))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:next:$LATEST" is qualified with "$LATEST"; ` + unqualified},
		{name: "ResponseOnlyArnQueue", build: onSuccess(nextArn(pulumi.String(arnOf("sqs", "jobs")))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; ` + nextAllowed},
		{name: "ResponseOnlyArnLayer", build: onSuccess(nextArn(pulumi.String(arnOf("lambda", "layer:deps:3")))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:layer:deps:3" is not a Lambda function ARN; ` + nextAllowed},
		{name: "ResponseOnlyArnBareName", build: onSuccess(nextArn(pulumi.String("next"))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn: "next" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`},
		{name: "ResponseOnlyArnEmpty", build: onSuccess(nextArn(pulumi.String(""))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn: the ARN is empty; pass a full ARN such as arn:aws:sqs:us-east-1:123456789012:my-queue`},
		{name: "ResponseOnlyArnWildcard", build: onSuccess(nextArn(pulumi.String(fnARN("next-*")))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:next-*" has the wildcard "*", so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource`},
		{name: "ResponseOnlyArnNoRegion", build: onSuccess(nextArn(pulumi.String("arn:aws:lambda:::function:next"))),
			want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn: "arn:aws:lambda:::function:next" has no region and no account; allowed: the ARN of one resource, with its region and account: arn:aws:lambda:<region>:<account>:function:next`},
		{name: "ResponseOnlyArnSelf", build: onFailure(nextArn(pulumi.String(fnARN("orders")))),
			want: fPrefix + `OnFailure: Lambda function arn:aws:lambda:us-east-1:123456789012:function:orders` + viaBus + selfMsg},
		{name: "ResponseOnlyArnDeadLetter", build: deadLetter(nextArn(pulumi.String(fnARN("next")))),
			want: fPrefix + `DeadLetter: Lambda function arn:aws:lambda:us-east-1:123456789012:function:next` + viaBus + notDLQ},
		{name: "ResponseOnlyArnAsyncInvokeSelf", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: &asyncroute.ExistingRole{Name: pulumi.String("r")},
				OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String(fnARN("existing"))}}
		}), want: aPrefix + `OnSuccess: Lambda function arn:aws:lambda:us-east-1:123456789012:function:existing` + viaBus + selfMsg},
		// An output known at preview is checked there; during an update it
		// is checked inside the outputs that feed the rule target, the
		// permission and the config, with the same message.
		{name: "ResponseOnlyArnOutputQualified", users: 1, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
			return asyncroute.ResponseOnly{FunctionArn: pulumi.Sprintf("arn:aws:lambda:us-east-1:123456789012:function:%s:live", next.Name)}
		}), want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:next:live" is qualified with "live"; ` + unqualified},
		{name: "ResponseOnlyArnOutputSelf", users: 1, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			// An output of another resource that holds the function's own ARN.
			next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
			return asyncroute.ResponseOnly{FunctionArn: next.Name.ApplyT(func(string) string { return fnARN("orders") }).(pulumi.StringOutput)}
		}), want: fPrefix + `OnSuccess: Lambda function (ARN known at deploy)` + viaBus + selfMsg},
		{name: "ResponseOnlyArnOutputDeadLetter", users: 1, build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{FunctionArn: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn)).Arn}
		}), want: fPrefix + `DeadLetter: Lambda function (ARN known at deploy)` + viaBus + notDLQ},
		// Unknown at a first preview: an update rejects it.
		{name: "ResponseOnlyArnOutputQueue", users: 1, atDeploy: true, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{FunctionArn: newQueue(ctx, "jobs", nil).Arn}
		}), want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; ` + nextAllowed},
		{name: "ResponseOnlyArnOutputAlias", users: 2, atDeploy: true, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
			live := must(lambda.NewAlias(ctx, "next-live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: next.Name, FunctionVersion: pulumi.String("1")}))
			return asyncroute.ResponseOnly{FunctionArn: live.Arn}
		}), want: fPrefix + `OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:next:live" is qualified with "live"; ` + unqualified},
		{name: "ResponseOnlyArnOutputSelfAtDeploy", users: 1, atDeploy: true, build: fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) {
			args := lambdaArgs("orders")
			args.Role = pulumi.String(externalRoleArn)
			// The configured function is named by an output ("orders"),
			// so the self check runs at deploy time.
			a.Function.Name = must(lambda.NewFunction(ctx, "plain", &args)).Name
			a.OnSuccess = asyncroute.ResponseOnly{FunctionArn: pulumi.String(fnARN("orders"))}
		}), want: fPrefix + `OnSuccess: Lambda function arn:aws:lambda:us-east-1:123456789012:function:orders` + viaBus + selfMsg},

		// Auto-created queues.
		{name: "NewQueueRetention59s", build: onFailure(newQueueRetention(59 * time.Second)),
			want: fPrefix + `OnFailure: NewQueue.RetentionPeriod 59s is out of range; ` + retention},
		{name: "NewQueueRetention15Days", build: onFailure(newQueueRetention(15 * 24 * time.Hour)),
			want: fPrefix + `OnFailure: NewQueue.RetentionPeriod 360h0m0s is out of range; ` + retention},
		{name: "NewQueueRetentionNegative", build: onSuccess(newQueueRetention(-time.Hour)),
			want: fPrefix + `OnSuccess: NewQueue.RetentionPeriod -1h0m0s is out of range; ` + retention},
		{name: "NewQueueRetentionNotWhole", build: deadLetter(newQueueRetention(90500 * time.Millisecond)),
			want: fPrefix + `DeadLetter: NewQueue.RetentionPeriod 1m30.5s is not a whole number of seconds; ` + retention},
		{name: "NewQueueAsyncInvoke", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: &asyncroute.ExistingRole{Name: pulumi.String("r")},
				OnFailure: asyncroute.NewQueue{RetentionPeriod: 30 * time.Second}}
		}), want: aPrefix + `OnFailure: NewQueue.RetentionPeriod 30s is out of range; ` + retention},

		// Keys of created queues and topics.
		{name: "NewQueueKeyAndKeyArn", users: 1, build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.NewQueue{KmsKey: newKey(ctx, "key"), KmsKeyArn: pulumi.String(foreignKey)}
		}), want: fPrefix + `OnFailure: NewQueue has both KmsKey and KmsKeyArn; allowed: one of them, or neither`},
		{name: "NewTopicKeyAndKeyArn", users: 1, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.NewTopic{KmsKey: newKey(ctx, "key"), KmsKeyArn: pulumi.String(foreignKey)}
		}), want: fPrefix + `OnSuccess: NewTopic has both KmsKey and KmsKeyArn; allowed: one of them, or neither`},
		{name: "NewQueueKeyArnAlias", build: onFailure(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.NewQueue{KmsKeyArn: pulumi.String(customAlias)}
		}), want: fPrefix + `OnFailure: NewQueue.KmsKeyArn "alias/foo" is not a KMS key ARN; ` + keyArnExpected},
		{name: "NewQueueKeyArnKeyID", build: deadLetter(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.NewQueue{KmsKeyArn: pulumi.String(keyID)}
		}), want: fPrefix + `DeadLetter: NewQueue.KmsKeyArn "1234abcd-12ab-34cd-56ef-1234567890ab" is not a KMS key ARN; ` + keyArnExpected},
		{name: "NewTopicKeyArnAliasARN", build: onSuccess(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.NewTopic{KmsKeyArn: pulumi.String(customAliasA)}
		}), want: fPrefix + `OnSuccess: NewTopic.KmsKeyArn "arn:aws:kms:us-east-1:123456789012:alias/foo" is not a KMS key ARN; ` + keyArnExpected},
		{name: "NewQueueKeyArnRetentionFirst", build: onFailure(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.NewQueue{RetentionPeriod: time.Second, KmsKeyArn: pulumi.String(customAlias)}
		}), want: fPrefix + `OnFailure: NewQueue.RetentionPeriod 1s is out of range; ` + retention},
		// An output known at preview is checked there; during an update
		// inside the outputs that feed the key grant, the target and the
		// config.
		{name: "NewQueueKeyArnOutputAlias", users: 1, build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			a := must(kms.NewAlias(ctx, "alias", &kms.AliasArgs{Name: pulumi.String("alias/queues"), TargetKeyId: pulumi.String(keyID)}))
			return asyncroute.NewQueue{KmsKeyArn: a.Name.ApplyT(func(n string) string { return arnOf("kms", n) }).(pulumi.StringOutput)}
		}), want: fPrefix + `OnFailure: NewQueue.KmsKeyArn "arn:aws:kms:us-east-1:123456789012:alias/queues" is not a KMS key ARN; ` + keyArnExpected},
		{name: "NewTopicKeyArnOutputQueue", users: 1, atDeploy: true, build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.NewTopic{KmsKeyArn: newQueue(ctx, "other", nil).Arn}
		}), want: fPrefix + `OnSuccess: NewTopic.KmsKeyArn "arn:aws:sqs:us-east-1:123456789012:other" is not a KMS key ARN; ` + keyArnExpected},
		{name: "NewQueueKeyArnAsyncInvoke", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: &asyncroute.ExistingRole{Name: pulumi.String("r")},
				OnFailure: asyncroute.NewQueue{KmsKeyArn: pulumi.String(customAlias)}}
		}), want: aPrefix + `OnFailure: NewQueue.KmsKeyArn "alias/foo" is not a KMS key ARN; ` + keyArnExpected},

		// A Kafka topic is for Kafka event source mappings only.
		{name: "KafkaTopicOnInvokeConfig", build: onFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.KafkaTopic{Topic: "dlt"} }),
			want: fPrefix + `OnFailure: Kafka topic "dlt" can be the on-failure destination of a Kafka event source mapping only; allowed: SQS queue, SNS topic, Lambda function, EventBridge event bus, S3 bucket`},
		{name: "KafkaTopicOnSuccess", build: onSuccess(func(*pulumi.Context) asyncroute.Destination { return asyncroute.KafkaTopic{Topic: "dlt"} }),
			want: fPrefix + `OnSuccess: Kafka topic "dlt" can be the on-failure destination of a Kafka event source mapping only; allowed: SQS queue, SNS topic, Lambda function, EventBridge event bus`},
	}
}

func TestRouteBadInput(t *testing.T) {
	runBadCases(t, routeBadCases())
}

// The created queue's options are checked with the other routing errors,
// before anything is registered, and reported together.
func TestCreatedAndResponseErrorsTogether(t *testing.T) {
	st, err := runCapture(t, fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) {
		a.OnSuccess = asyncroute.ResponseOnly{}
		a.OnFailure = asyncroute.NewQueue{RetentionPeriod: time.Second}
		a.DeadLetter = asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
	}), asyncroutetest.Preview())
	require.Error(t, err)
	var fields []string
	for _, ie := range inputErrors(t, err) {
		fields = append(fields, ie.Field)
	}
	assert.Equal(t, []string{"OnSuccess", "OnFailure", "DeadLetter"}, fields)
	requireNothingFromComponent(t, st, "orders", 1)
}
