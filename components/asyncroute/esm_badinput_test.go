package asyncroute_test

import (
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	mPrefix      = `asyncroute: EventSourceMapping "stream": `
	notMapping   = " cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket"
	sqsNoFailure = "allowed: leave it empty (the source queue's RedrivePolicy sets how often a message is received before it moves to the dead-letter queue)"
	retriesRange = "allowed: -1 (asyncroute.RetryForever, until the records expire) or 0 to 10000"
	ageRange     = "allowed: asyncroute.RecordAgeForever (-1, until the records expire) or 60s to 7 days (60 to 604800 whole seconds)"
	allSources   = "kinesis, dynamodb, kafka, sqs"
)

// mapping builds NewEventSourceMapping "stream" of the Kinesis stream
// "orders" to function "consumer" (by name, role by name), changed by mod.
func mapping(mod func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs)) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		args := &asyncroute.EventSourceMappingArgs{
			FunctionName:   pulumi.String("consumer"),
			Role:           &asyncroute.ExistingRole{Name: pulumi.String("consumer-role")},
			EventSourceArn: pulumi.String(arnOf("kinesis", "stream/orders")),
		}
		mod(ctx, args)
		_, err := asyncroute.NewEventSourceMapping(ctx, "stream", args)
		return err
	}
}

func mappingFailure(d func(ctx *pulumi.Context) asyncroute.Destination) func(ctx *pulumi.Context) error {
	return mapping(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.OnFailure = d(ctx) })
}

func sqsSource(mod func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs)) func(ctx *pulumi.Context) error {
	return mapping(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
		a.EventSourceArn = pulumi.String(arnOf("sqs", "jobs"))
		mod(ctx, a)
	})
}

func msk(mod func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs)) func(ctx *pulumi.Context) error {
	return mapping(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
		a.EventSourceArn = pulumi.String(mskCluster)
		a.Mapping.Topics = pulumi.StringArray{pulumi.String("orders")}
		mod(ctx, a)
	})
}

func sourceARN(arn string) func(*pulumi.Context, *asyncroute.EventSourceMappingArgs) {
	return func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.EventSourceArn = pulumi.String(arn) }
}

func mappingBadCases() []badCase {
	selfManaged := &lambda.EventSourceMappingSelfManagedEventSourceArgs{Endpoints: pulumi.StringMap{"KAFKA_BOOTSTRAP_SERVERS": pulumi.String("b1:9092")}}
	return []badCase{
		{name: "NilArgs", build: func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewEventSourceMapping(ctx, "stream", nil)
			return err
		}, want: mPrefix + `args: is nil; allowed: &asyncroute.EventSourceMappingArgs{...}`},

		// Upstream fields the component owns.
		{name: "MappingFunctionName", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.FunctionName = pulumi.String("consumer")
		}),
			want: mPrefix + `Mapping.FunctionName: is set by the component; allowed: leave it empty and set Function or FunctionName`},
		{name: "MappingEventSourceArn", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.EventSourceArn = pulumi.String(arnOf("kinesis", "stream/orders"))
		}), want: mPrefix + `Mapping.EventSourceArn: is set by the component; allowed: leave it empty and set EventSourceArn`},
		{name: "MappingDestinationConfig", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.DestinationConfig = &lambda.EventSourceMappingDestinationConfigArgs{}
		}), want: mPrefix + `Mapping.DestinationConfig: is set by the component; allowed: leave it empty and set OnFailure`},
		{name: "MappingMaximumRetryAttempts", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.MaximumRetryAttempts = pulumi.Int(1)
		}),
			want: mPrefix + `Mapping.MaximumRetryAttempts: is set by the component; allowed: leave it empty and set MaxRetries`},
		{name: "MappingMaximumRecordAge", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.MaximumRecordAgeInSeconds = pulumi.Int(60)
		}),
			want: mPrefix + `Mapping.MaximumRecordAgeInSeconds: is set by the component; allowed: leave it empty and set MaxRecordAge`},
		{name: "MappingBisect", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.BisectBatchOnFunctionError = pulumi.Bool(true)
		}),
			want: mPrefix + `Mapping.BisectBatchOnFunctionError: is set by the component; allowed: leave it empty and set BisectBatchOnFunctionError`},

		// The function and its role.
		{name: "FunctionAndName", users: 1, build: mapping(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Function = newPlainFunction(ctx, "consumer", pulumi.String(externalRoleArn))
		}), want: mPrefix + `Function: both Function and FunctionName are set; allowed: one of them`},
		{name: "NoFunction", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.FunctionName = nil }),
			want: mPrefix + `Function: neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN`},
		{name: "FunctionNameNotLambda", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.FunctionName = pulumi.String(arnOf("sqs", "jobs"))
		}),
			want: mPrefix + `FunctionName: "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>`},
		{name: "NoRole", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.Role = nil }),
			want: mPrefix + `Role: is nil; allowed: the function's execution role (Role.Role, Role.Arn or Role.Name), or SkipGrants: true to attach no grants`},
		{name: "RoleArnNotARole", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Role = &asyncroute.ExistingRole{Arn: pulumi.String("arn:aws:iam::123456789012:policy/external")}
		}), want: mPrefix + `Role.Arn: "arn:aws:iam::123456789012:policy/external" is not an IAM role ARN; expected arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)`},

		// The source.
		{name: "NoSource", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.EventSourceArn = nil }),
			want: mPrefix + `EventSourceArn: is nil; allowed: the ARN of a Kinesis stream, DynamoDB stream, Amazon MSK cluster or SQS queue (or Mapping.SelfManagedEventSource for self-managed Kafka)`},
		{name: "ARNAndSelfManaged", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.SelfManagedEventSource = selfManaged
		}),
			want: mPrefix + `EventSourceArn: is set together with Mapping.SelfManagedEventSource; allowed: one of them (self-managed Kafka has no source ARN)`},
		{name: "SelfManagedNotKafka", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.EventSourceArn, a.Mapping.SelfManagedEventSource, a.Source = nil, selfManaged, asyncroute.SourceKinesis
		}), want: mPrefix + `Source: "kinesis" does not match Mapping.SelfManagedEventSource, which is a self-managed Kafka cluster; allowed: Source "kafka" or empty`},
		{name: "UnknownSourceKind", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.Source = "mq" }),
			want: mPrefix + `Source: "mq" is not a source this component maps; allowed: ` + allSources},
		{name: "SourceMismatch", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.Source = asyncroute.SourceDynamoDB }),
			want: mPrefix + `EventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/orders" is the ARN of a Kinesis stream (source "kinesis") but Source is "dynamodb"; allowed: Source "kinesis" or empty`},
		{name: "UnsupportedService", build: mapping(sourceARN("arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234")),
			want: mPrefix + `EventSourceArn: "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234" is an ARN of service "mq", which this component does not map; allowed services: ` + allSources},
		{name: "DynamoDBTable", build: mapping(sourceARN("arn:aws:dynamodb:us-east-1:123456789012:table/orders")),
			want: mPrefix + `EventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" is a DynamoDB table ARN, not its stream's; allowed: the table's StreamArn (with StreamEnabled: true)`},
		{name: "DynamoDBIndex", build: mapping(sourceARN("arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/byDate")),
			want: mPrefix + `EventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/byDate" is not a DynamoDB stream ARN; expected arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>`},
		{name: "KinesisNotStream", build: mapping(sourceARN(arnOf("kinesis", "orders"))),
			want: mPrefix + `EventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:orders" is not a Kinesis stream ARN; expected arn:<partition>:kinesis:<region>:<account>:stream/<name>[/consumer/<consumer>:<timestamp>]`},
		{name: "MSKNotCluster", build: mapping(sourceARN(arnOf("kafka", "topic/orders/abc/t"))),
			want: mPrefix + `EventSourceArn: "arn:aws:kafka:us-east-1:123456789012:topic/orders/abc/t" is not an Amazon MSK cluster ARN; expected arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`},
		{name: "QueueURLAsSource", build: mapping(sourceARN("https://sqs.us-east-1.amazonaws.com/123456789012/jobs")),
			want: mPrefix + `EventSourceArn: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" is a URL, not an ARN; pass the ARN (for a queue, queue.Arn, not queue.Url): arn:<partition>:sqs:<region>:<account>:<queue-name>`},
		{name: "UnknownARNWithoutSource", preview: true, users: 1, build: mapping(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.EventSourceArn = newQueue(ctx, "jobs", nil).Arn
		}), want: mPrefix + `Source: is empty and EventSourceArn is not known until deploy; allowed: ` + allSources},

		// An SQS source has no failure handling of its own.
		{name: "SQSOnFailure", users: 1, build: sqsSource(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.OnFailure = asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)}
		}), want: mPrefix + `OnFailure: an event source mapping of an SQS queue has no on-failure destination; allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)`},
		{name: "SQSMaxRetries", build: sqsSource(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRetries = pulumi.IntRef(3) }),
			want: mPrefix + `MaxRetries: does not apply to an event source mapping of an SQS queue; ` + sqsNoFailure},
		{name: "SQSMaxRecordAge", build: sqsSource(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = secs(60) }),
			want: mPrefix + `MaxRecordAge: does not apply to an event source mapping of an SQS queue; ` + sqsNoFailure},
		{name: "SQSBisect", build: sqsSource(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.BisectBatchOnFunctionError = pulumi.BoolRef(true)
		}),
			want: mPrefix + `BisectBatchOnFunctionError: does not apply to an event source mapping of an SQS queue; ` + sqsNoFailure},

		// Bounds.
		{name: "MaxRetriesBelow", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRetries = pulumi.IntRef(-2) }),
			want: mPrefix + `MaxRetries: -2 is out of range; ` + retriesRange},
		{name: "MaxRetriesAbove", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRetries = pulumi.IntRef(10001) }),
			want: mPrefix + `MaxRetries: 10001 is out of range; ` + retriesRange},
		{name: "MaxRecordAge59s", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = secs(59) }),
			want: mPrefix + `MaxRecordAge: 59s is out of range; ` + ageRange},
		{name: "MaxRecordAgeZero", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = secs(0) }),
			want: mPrefix + `MaxRecordAge: 0s is out of range; ` + ageRange},
		{name: "MaxRecordAgeAbove", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = secs(604801) }),
			want: mPrefix + `MaxRecordAge: 168h0m1s is out of range; ` + ageRange},
		{name: "MaxRecordAgeNotWhole", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRecordAge = secs(90.5) }),
			want: mPrefix + `MaxRecordAge: 1m30.5s is not a whole number of seconds; ` + ageRange},

		// Kafka error handling needs provisioned mode.
		{name: "KafkaMaxRetriesOnDemand", build: msk(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) { a.MaxRetries = pulumi.IntRef(3) }),
			want: mPrefix + `MaxRetries: applies to a Kafka cluster source in provisioned mode only; allowed: set Mapping.ProvisionedPollerConfig, or leave MaxRetries empty`},
		{name: "KafkaBisectOnDemand", build: msk(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.BisectBatchOnFunctionError = pulumi.BoolRef(true)
		}),
			want: mPrefix + `BisectBatchOnFunctionError: applies to a Kafka cluster source in provisioned mode only; allowed: set Mapping.ProvisionedPollerConfig, or leave BisectBatchOnFunctionError empty`},

		// Destinations.
		{name: "LambdaOnFailure", users: 1, build: mappingFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.LambdaFunction{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
		}), want: mPrefix + `OnFailure: Lambda function "next"` + notMapping},
		{name: "DefaultBusOnFailure", build: mappingFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.DefaultEventBus{} }),
			want: mPrefix + `OnFailure: EventBridge event bus "default"` + notMapping},
		{name: "ResponseOnlyOnFailure", users: 1, build: mappingFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
		}), want: mPrefix + `OnFailure: Lambda function "next"` + viaBus + notMapping},
		{name: "ResponseOnlyArnOnFailure", build: mappingFailure(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.ResponseOnly{FunctionArn: pulumi.String(fnARN("next"))}
		}), want: mPrefix + `OnFailure: Lambda function arn:aws:lambda:us-east-1:123456789012:function:next` + viaBus + notMapping},
		{name: "NewQueueKeyArnOnFailure", build: mappingFailure(func(*pulumi.Context) asyncroute.Destination {
			return asyncroute.NewQueue{KmsKeyArn: pulumi.String(customAlias)}
		}), want: mPrefix + `OnFailure: NewQueue.KmsKeyArn "alias/foo" is not a KMS key ARN; ` + keyArnExpected},
		{name: "LambdaARNOnFailure", build: mappingFailure(arnDest(fnARN("next"), "")),
			want: mPrefix + `OnFailure: Lambda function arn:aws:lambda:us-east-1:123456789012:function:next` + notMapping},
		{name: "FifoOnFailure", users: 1, build: mappingFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: fifoQueue(ctx, "failed")}
		}), want: mPrefix + `OnFailure: SQS queue "failed"` + fifoMsg},
		{name: "KafkaTopicOnKinesis", build: mappingFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.KafkaTopic{Topic: "dlt"} }),
			want: mPrefix + `OnFailure: Kafka topic "dlt" can receive failure records of a Kafka source only, and this mapping reads a Kinesis stream; allowed: SQS queue, SNS topic, S3 bucket`},
		{name: "KafkaTopicIsSource", build: msk(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.OnFailure = asyncroute.KafkaTopic{Topic: "orders"}
		}),
			want: mPrefix + `OnFailure: Kafka topic "orders" is a source topic of this mapping, so failed records would be read again; allowed: another topic of the same cluster`},
		{name: "KafkaTopicBadName", build: msk(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.OnFailure = asyncroute.KafkaTopic{Topic: "kafka://dlt"}
		}),
			want: mPrefix + `OnFailure: KafkaTopic.Topic "kafka://dlt" is not a Kafka topic name; allowed: 1 to 249 letters, digits, '.', '_' or '-'`},
		{name: "LambdaOnFailureOfKafka", build: msk(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.OnFailure = asyncroute.DefaultEventBus{}
		}),
			want: mPrefix + `OnFailure: EventBridge event bus "default" cannot receive an event source mapping's failure records; allowed: SQS queue, SNS topic, S3 bucket, Kafka topic`},
		{name: "SourceKeyOnDynamoDB", build: mapping(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.EventSourceArn = pulumi.String(ddbStream)
			a.SourceKmsKeyArn = pulumi.String(arnOf("kms", "key/k1"))
		}),
			want: mPrefix + `SourceKmsKeyArn: is set, but the reader of a DynamoDB stream decrypts nothing (DynamoDB decrypts a stream's records); allowed: leave SourceKmsKeyArn empty (only an SQS queue or Kinesis stream encrypted with a customer-managed key needs one)`},
		{name: "SourceKeyAlias", build: sqsSource(func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
			a.SourceKmsKeyArn = pulumi.String(arnOf("kms", "alias/jobs"))
		}),
			want: mPrefix + `SourceKmsKeyArn: SourceKmsKeyArn "` + arnOf("kms", "alias/jobs") + `" is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>`},
		{name: "NewQueueRetentionOnMapping", build: mappingFailure(newQueueRetention(15 * 24 * time.Hour)),
			want: mPrefix + `OnFailure: NewQueue.RetentionPeriod 360h0m0s is out of range; ` + retention},
	}
}

func TestEventSourceMappingBadInput(t *testing.T) {
	cases := mappingBadCases()
	for i := range cases {
		cases[i].component = "stream"
	}
	runBadCases(t, cases)
}

func TestEventSourceMappingErrorsTogether(t *testing.T) {
	st, err := runCapture(t, sqsSource(func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
		a.Mapping.MaximumRetryAttempts = pulumi.Int(2)
		a.Role = nil
		a.MaxRetries = pulumi.IntRef(20000)
		a.OnFailure = asyncroute.NewQueue{}
	}))
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		mPrefix + `Mapping.MaximumRetryAttempts: is set by the component; allowed: leave it empty and set MaxRetries`,
		mPrefix + `Role: is nil; allowed: the function's execution role (Role.Role, Role.Arn or Role.Name), or SkipGrants: true to attach no grants`,
		mPrefix + `MaxRetries: 20000 is out of range; ` + retriesRange,
		mPrefix + `MaxRetries: does not apply to an event source mapping of an SQS queue; ` + sqsNoFailure,
		mPrefix + `OnFailure: an event source mapping of an SQS queue has no on-failure destination; allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)`,
	}, "\n"), err.Error())
	requireNothingFromComponent(t, st, "stream", 0)
}
