package asyncroute_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	viaBus    = ` (response only, through the default event bus)`
	retention = "allowed: 60s to 14 days (60 to 1209600 whole seconds), or 0 for the default"
)

func newQueueRetention(d time.Duration) func(*pulumi.Context) asyncroute.Destination {
	return func(*pulumi.Context) asyncroute.Destination { return asyncroute.NewQueue{RetentionPeriod: d} }
}

func routeBadCases() []badCase {
	return []badCase{
		// Response-only routes.
		{name: "ResponseOnlyNilFunction", build: onSuccess(func(*pulumi.Context) asyncroute.Destination { return asyncroute.ResponseOnly{} }),
			want: fPrefix + `OnSuccess: ResponseOnly.Function is nil; allowed: a *lambda.Function`},
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
