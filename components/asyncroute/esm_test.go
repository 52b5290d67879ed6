package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	mappingComponentType = asyncroute.EventSourceMappingType
	mappingType          = "aws:lambda/eventSourceMapping:EventSourceMapping"
	mskCluster           = "arn:aws:kafka:us-east-1:123456789012:cluster/orders/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab-2"
	ddbStream            = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000"
)

var (
	kinesisRead = []string{"kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"}
	ddbRead     = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
	sqsRead     = []string{"sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}
)

// consumer is the function and role every mapping test maps to.
func consumer(ctx *pulumi.Context) (*lambda.Function, *asyncroute.ExistingRole) {
	r := newRole(ctx, "consumer-role")
	return newPlainFunction(ctx, "consumer", r.Arn), &asyncroute.ExistingRole{Role: r}
}

// mappingStatements decodes the grant policy of the mapping named name.
func mappingStatements(t *testing.T, st *asyncroutetest.Stack, name string) []iampolicy.Statement {
	t.Helper()
	doc, err := asyncroutetest.DecodePolicy(find(t, st, rolePolicyType, name+"-mapping-grants").Inputs["policy"])
	require.NoError(t, err)
	return doc.Statements
}

// mappingCase is one source with one on-failure destination.
type mappingCase struct {
	name  string
	build func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs)
	// want are the mapping's inputs besides functionName.
	want    map[string]any
	grants  []iampolicy.Statement
	resDeps []string
	source  string
}

func mappingCases() []mappingCase {
	stream := arnOf("kinesis", "stream/orders")
	poller := &lambda.EventSourceMappingProvisionedPollerConfigArgs{MinimumPollers: pulumi.Int(1)}
	onFailure := func(arn string) map[string]any {
		return map[string]any{"onFailure": map[string]any{"destinationArn": arn}}
	}
	return []mappingCase{
		{
			name: "KinesisToQueue", source: "kinesis",
			build: func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(stream)
				a.Mapping.StartingPosition = pulumi.String("LATEST")
				a.OnFailure = asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)}
				a.MaxRetries = pulumi.IntRef(3)
				a.MaxRecordAge = secs(3600)
				a.BisectBatchOnFunctionError = pulumi.BoolRef(true)
			},
			want: map[string]any{
				"eventSourceArn": stream, "startingPosition": "LATEST", "destinationConfig": onFailure(arnOf("sqs", "failed")),
				"maximumRetryAttempts": 3.0, "maximumRecordAgeInSeconds": 3600.0, "bisectBatchOnFunctionError": true,
			},
			grants:  stmts(allow(kinesisRead, stream), allow(sqsSend, arnOf("sqs", "failed"))),
			resDeps: []string{dep(queueType, "failed")},
		},
		{
			name: "KinesisConsumerForever", source: "kinesis",
			build: func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(stream + "/consumer/lambda:1714521600")
				a.OnFailure = asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", nil)}
				a.MaxRetries = pulumi.IntRef(asyncroute.RetryForever)
				forever := asyncroute.RecordAgeForever
				a.MaxRecordAge = &forever
			},
			want: map[string]any{
				"eventSourceArn": stream + "/consumer/lambda:1714521600", "destinationConfig": onFailure(arnOf("sns", "alerts")),
				"maximumRetryAttempts": -1.0, "maximumRecordAgeInSeconds": -1.0,
			},
			grants: stmts(allow(kinesisRead, stream), allow([]string{"kinesis:SubscribeToShard"}, stream+"/consumer/lambda:1714521600"),
				allow(snsPublish, arnOf("sns", "alerts"))),
			resDeps: []string{dep(topicType, "alerts")},
		},
		{
			name: "DynamoDBToTopic", source: "dynamodb",
			build: func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(ddbStream)
				a.Mapping.StartingPosition = pulumi.String("TRIM_HORIZON")
				a.OnFailure = asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", nil)}
				a.MaxRecordAge = secs(604800)
			},
			want: map[string]any{
				"eventSourceArn": ddbStream, "startingPosition": "TRIM_HORIZON", "destinationConfig": onFailure(arnOf("sns", "alerts")),
				"maximumRecordAgeInSeconds": 604800.0,
			},
			grants:  stmts(allow(ddbRead, ddbStream), allow(snsPublish, arnOf("sns", "alerts"))),
			resDeps: []string{dep(topicType, "alerts")},
		},
		{
			name: "MSKToBucketProvisioned", source: "kafka",
			build: func(ctx *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(mskCluster)
				a.Mapping.Topics = pulumi.StringArray{pulumi.String("orders")}
				a.Mapping.ProvisionedPollerConfig = poller
				a.OnFailure = asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")}
				a.MaxRetries = pulumi.IntRef(10000)
				a.BisectBatchOnFunctionError = pulumi.BoolRef(false)
			},
			want: map[string]any{
				"eventSourceArn": mskCluster, "topics": []any{"orders"}, "provisionedPollerConfig": map[string]any{"minimumPollers": 1.0},
				"destinationConfig": onFailure("arn:aws:s3:::failures"), "maximumRetryAttempts": 10000.0, "bisectBatchOnFunctionError": false,
			},
			// An MSK cluster's read grants cannot be scoped; only the
			// destination is granted.
			grants:  stmts(allow(s3List, "arn:aws:s3:::failures"), allow(s3Put, "arn:aws:s3:::failures/*")),
			resDeps: []string{dep(bucketV2Type, "failures")},
		},
		{
			name: "MSKToKafkaTopic", source: "kafka",
			build: func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(mskCluster)
				a.Mapping.Topics = pulumi.StringArray{pulumi.String("orders")}
				a.OnFailure = asyncroute.KafkaTopic{Topic: "orders-dlt"}
			},
			want: map[string]any{"eventSourceArn": mskCluster, "topics": []any{"orders"}, "destinationConfig": onFailure("kafka://orders-dlt")},
			grants: stmts(allow([]string{"kafka-cluster:WriteData"},
				"arn:aws:kafka:us-east-1:123456789012:topic/orders/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab-2/orders-dlt")),
		},
		{
			name: "SQSSourceEncryptedWithCustomerKey", source: "sqs",
			build: func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(arnOf("sqs", "jobs"))
				a.SourceKmsKeyArn = pulumi.String(arnOf("kms", "key/k1"))
			},
			// Statements are ordered by resource.
			want:   map[string]any{"eventSourceArn": arnOf("sqs", "jobs")},
			grants: stmts(allow([]string{"kms:Decrypt"}, arnOf("kms", "key/k1")), allow(sqsRead, arnOf("sqs", "jobs"))),
		},
		{
			name: "KinesisEncryptedWithCustomerKey", source: "kinesis",
			build: func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(stream)
				a.Mapping.StartingPosition = pulumi.String("LATEST")
				a.SourceKmsKeyArn = pulumi.String(arnOf("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"))
			},
			want:   map[string]any{"eventSourceArn": stream, "startingPosition": "LATEST"},
			grants: stmts(allow(kinesisRead, stream), allow([]string{"kms:Decrypt"}, arnOf("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"))),
		},
		{
			name: "SQSSourceReadsOnly", source: "sqs",
			build: func(_ *pulumi.Context, a *asyncroute.EventSourceMappingArgs) {
				a.EventSourceArn = pulumi.String(arnOf("sqs", "jobs"))
				a.Mapping.BatchSize = pulumi.Int(10)
			},
			want:   map[string]any{"eventSourceArn": arnOf("sqs", "jobs"), "batchSize": 10.0},
			grants: stmts(allow(sqsRead, arnOf("sqs", "jobs"))),
		},
	}
}

func TestEventSourceMappingSources(t *testing.T) {
	for _, tc := range mappingCases() {
		t.Run(tc.name, func(t *testing.T) {
			st := run(t, func(ctx *pulumi.Context) error {
				fn, role := consumer(ctx)
				args := &asyncroute.EventSourceMappingArgs{Function: fn, Role: role}
				tc.build(ctx, args)
				_, err := asyncroute.NewEventSourceMapping(ctx, "stream", args)
				return err
			})
			comp := find(t, st, mappingComponentType, "stream")
			m := find(t, st, mappingType, "stream")
			policy := find(t, st, rolePolicyType, "stream-mapping-grants")

			want := map[string]any{"functionName": "consumer"}
			for k, v := range tc.want {
				want[k] = v
			}
			assert.Equal(t, want, m.Inputs)
			assert.Equal(t, tc.grants, mappingStatements(t, st, "stream"))
			assert.Equal(t, map[string]any{"role": "consumer-role", "policy": policy.Inputs["policy"],
				"name": policyName("stream-mapping-grants", policy.Inputs["policy"])}, policy.Inputs)

			// The mapping waits for the grants, which wait for the role and
			// the destination.
			assert.Equal(t, deps(append([]string{dep(rolePolicyType, "stream-mapping-grants"), dep(lambdaType, "consumer")}, tc.resDeps...)...), st.Dependencies(m))
			assert.Equal(t, deps(append([]string{dep(roleType, "consumer-role")}, tc.resDeps...)...), st.Dependencies(policy))

			assert.Equal(t, deps(dep(rolePolicyType, "stream-mapping-grants"), dep(mappingType, "stream")), childNames(st, comp))
			assert.Equal(t, comp.URN, m.Parent)
			assert.Equal(t, tc.source, comp.Inputs["source"])
		})
	}
}

// The key given by its resource's Arn: the grant policy waits for the key.
func TestEventSourceMappingSourceKeyResource(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		fn, role := consumer(ctx)
		_, err := asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
			Function: fn, Role: role, EventSourceArn: pulumi.String(arnOf("sqs", "jobs")), SourceKmsKeyArn: newKey(ctx, "key").Arn,
		})
		return err
	})
	key := find(t, st, keyType, "key").Outputs["arn"].(string)
	assert.Equal(t, stmts(allow([]string{"kms:Decrypt"}, key), allow(sqsRead, arnOf("sqs", "jobs"))), mappingStatements(t, st, "stream"))
	assert.Equal(t, deps(dep(roleType, "consumer-role"), dep(keyType, "key")), st.Dependencies(find(t, st, rolePolicyType, "stream-mapping-grants")))
}

func TestEventSourceMappingOutputsAndInputs(t *testing.T) {
	var outs []any
	st := run(t, func(ctx *pulumi.Context) error {
		fn, role := consumer(ctx)
		c, err := asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
			Function: fn, Role: role,
			EventSourceArn: pulumi.String(arnOf("kinesis", "stream/orders")),
			OnFailure:      asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			MaxRetries:     pulumi.IntRef(2),
		})
		if err != nil {
			return err
		}
		for _, o := range []pulumi.Output{c.Uuid, c.FunctionArn, c.Source, c.OnFailureArn, c.GrantsSkipped} {
			v, _, err := awaitValue(ctx, o)
			if err != nil {
				return err
			}
			outs = append(outs, v)
		}
		return nil
	})
	m := find(t, st, mappingType, "stream")
	assert.Equal(t, []any{m.Outputs["uuid"], fnARN("consumer"), "kinesis", strPtr(arnOf("sqs", "failed")), false}, outs)
	assert.Equal(t, map[string]any{"source": "kinesis", "skipGrants": false, "maxRetries": 2.0, "onFailureKind": "sqs"},
		find(t, st, mappingComponentType, "stream").Inputs)
}

// A function made with NewFunction hands over its function and role.
func TestEventSourceMappingOnFunctionComponent(t *testing.T) {
	var mapping *asyncroute.EventSourceMapping
	st := run(t, func(ctx *pulumi.Context) error {
		fn, err := asyncroute.NewFunction(ctx, "consumer", &asyncroute.FunctionArgs{Function: lambdaArgs("consumer"), MaxRetries: pulumi.IntRef(0)})
		if err != nil {
			return err
		}
		mapping, err = asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
			Function: fn.Function, Role: fn.ExecutionRole(),
			EventSourceArn: pulumi.String(ddbStream),
			Mapping:        lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")},
			OnFailure:      asyncroute.NewQueue{},
			Tags:           pulumi.StringMap{"team": pulumi.String("orders")},
		})
		return err
	})
	role := find(t, st, roleType, "consumer-role")
	q := find(t, st, queueType, "stream-on-failure")
	qArn := q.Outputs["arn"].(string)
	m := find(t, st, mappingType, "stream")
	assert.Equal(t, map[string]any{"messageRetentionSeconds": fourteenDays, "sqsManagedSseEnabled": true, "tags": map[string]any{"team": "orders"}}, q.Inputs)
	assert.Equal(t, find(t, st, mappingComponentType, "stream").URN, q.Parent)
	assert.Equal(t, role.Outputs["name"], find(t, st, rolePolicyType, "stream-mapping-grants").Inputs["role"])
	assert.Equal(t, stmts(allow(ddbRead, ddbStream), allow(sqsSend, qArn)), mappingStatements(t, st, "stream"))
	assert.Equal(t, map[string]any{"onFailure": map[string]any{"destinationArn": qArn}}, m.Inputs["destinationConfig"])
	assert.Equal(t, map[string]any{"team": "orders"}, m.Inputs["tags"])
	assert.Equal(t, deps(dep(rolePolicyType, "stream-mapping-grants"), dep(lambdaType, "consumer"), dep(queueType, "stream-on-failure")), st.Dependencies(m))
	require.NotNil(t, mapping.OnFailureCreated)
	assert.NotNil(t, mapping.OnFailureCreated.Queue)
}

// Self-managed Kafka has no source ARN: nothing to grant for the source,
// and a Kafka topic destination needs no IAM grant either.
func TestEventSourceMappingSelfManagedKafka(t *testing.T) {
	var c *asyncroute.EventSourceMapping
	st := run(t, func(ctx *pulumi.Context) error {
		fn, role := consumer(ctx)
		var err error
		c, err = asyncroute.NewEventSourceMapping(ctx, "kafka", &asyncroute.EventSourceMappingArgs{
			Function: fn, Role: role,
			Mapping: lambda.EventSourceMappingArgs{
				Topics:                 pulumi.StringArray{pulumi.String("orders")},
				SelfManagedEventSource: &lambda.EventSourceMappingSelfManagedEventSourceArgs{Endpoints: pulumi.StringMap{"KAFKA_BOOTSTRAP_SERVERS": pulumi.String("b1:9092")}},
			},
			OnFailure: asyncroute.KafkaTopic{Topic: "orders-dlt"},
		})
		return err
	})
	m := find(t, st, mappingType, "kafka")
	assert.Equal(t, map[string]any{
		"functionName":           "consumer",
		"topics":                 []any{"orders"},
		"selfManagedEventSource": map[string]any{"endpoints": map[string]any{"KAFKA_BOOTSTRAP_SERVERS": "b1:9092"}},
		"destinationConfig":      map[string]any{"onFailure": map[string]any{"destinationArn": "kafka://orders-dlt"}},
	}, m.Inputs)
	assert.Nil(t, c.Policy)
	assert.Empty(t, st.OfType(rolePolicyType))
	assert.Equal(t, deps(dep(lambdaType, "consumer")), st.Dependencies(m))
	assert.Equal(t, "kafka", find(t, st, mappingComponentType, "kafka").Inputs["source"])
}

func TestEventSourceMappingSkipGrants(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
			FunctionName:   pulumi.String("consumer"),
			SkipGrants:     true,
			EventSourceArn: pulumi.String(arnOf("kinesis", "stream/orders")),
			OnFailure:      asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))},
		})
		return err
	})
	assert.Empty(t, st.OfType(rolePolicyType))
	m := find(t, st, mappingType, "stream")
	assert.Empty(t, st.Dependencies(m))
	assert.Equal(t, "consumer", m.Inputs["functionName"])
}

// At preview an ARN output needs Source; the grants are unknown, never
// partial, and the mapping already waits for them.
func TestPreviewEventSourceMappingOnARNOutput(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		fn, role := consumer(ctx)
		_, err := asyncroute.NewEventSourceMapping(ctx, "jobs", &asyncroute.EventSourceMappingArgs{
			Function: fn, Role: role,
			EventSourceArn: newQueue(ctx, "jobs", nil).Arn,
			Source:         asyncroute.SourceSQS,
		})
		return err
	}, asyncroutetest.Preview())
	policy := find(t, st, rolePolicyType, "jobs-mapping-grants")
	_, err := asyncroutetest.DecodePolicy(policy.Inputs["policy"])
	require.ErrorContains(t, err, "unknown until deploy")
	m := find(t, st, mappingType, "jobs")
	assert.Equal(t, map[string]any{"functionName": "consumer", "eventSourceArn": asyncroutetest.Unknown{}}, m.Inputs)
	assert.Equal(t, deps(dep(rolePolicyType, "jobs-mapping-grants"), dep(lambdaType, "consumer"), dep(queueType, "jobs")), st.Dependencies(m))
	assert.Equal(t, deps(dep(roleType, "consumer-role"), dep(queueType, "jobs")), st.Dependencies(policy))
}

// An ARN output of the wrong kind fails the deployment before the mapping
// is written, with the preview's message.
func TestEventSourceMappingARNOutputOfWrongKindFails(t *testing.T) {
	_, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		fn, role := consumer(ctx)
		_, err := asyncroute.NewEventSourceMapping(ctx, "stream", &asyncroute.EventSourceMappingArgs{
			Function: fn, Role: role,
			EventSourceArn: newQueue(ctx, "jobs", nil).Arn,
			Source:         asyncroute.SourceKinesis,
		})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `asyncroute: EventSourceMapping "stream": EventSourceArn: "arn:aws:sqs:us-east-1:123456789012:jobs" is the ARN of an SQS queue (source "sqs") but Source is "kinesis"; allowed: Source "sqs" or empty`)
}

func TestSourcePermissions(t *testing.T) {
	got, err := asyncroute.SourcePermissions(ddbStream)
	require.NoError(t, err)
	assert.Equal(t, []asyncroute.Permission{
		{Action: "dynamodb:DescribeStream", Resource: ddbStream}, {Action: "dynamodb:GetRecords", Resource: ddbStream},
		{Action: "dynamodb:GetShardIterator", Resource: ddbStream}, {Action: "dynamodb:ListStreams", Resource: ddbStream},
	}, got)
	got, err = asyncroute.SourcePermissions(mskCluster)
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = asyncroute.SourcePermissions("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
	assert.EqualError(t, err, `"arn:aws:dynamodb:us-east-1:123456789012:table/orders" is a DynamoDB table ARN, not its stream's; allowed: the table's StreamArn (with StreamEnabled: true)`)
}
