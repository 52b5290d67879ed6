package asyncroute

import (
	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SourceKind names the service an event source mapping reads. Its value is
// the service field of the source's ARN.
type SourceKind = lambdafacts.SourceKind

// The event sources [NewEventSourceMapping] maps.
const (
	SourceKinesis  = lambdafacts.SourceKinesis  // Kinesis data stream (or stream consumer)
	SourceDynamoDB = lambdafacts.SourceDynamoDB // DynamoDB stream
	SourceKafka    = lambdafacts.SourceKafka    // Amazon MSK cluster or self-managed Apache Kafka
	SourceSQS      = lambdafacts.SourceSQS      // SQS queue: no on-failure destination
)

// SourcePermissions lists what an execution role needs to read the event
// source with this ARN through an event source mapping: Kinesis
// kinesis:DescribeStream, DescribeStreamSummary, GetRecords,
// GetShardIterator and ListShards on the stream (plus SubscribeToShard on a
// stream consumer); DynamoDB dynamodb:DescribeStream, GetRecords,
// GetShardIterator and ListStreams on the stream; SQS sqs:ReceiveMessage,
// DeleteMessage and GetQueueAttributes on the queue. An MSK cluster needs
// network permissions that cannot be scoped to a resource; none are listed
// (attach AWSLambdaMSKExecutionRole or your own policy).
func SourcePermissions(arn string) ([]Permission, error) {
	return lambdafacts.SourcePermissions(arn)
}

// mappingSource is a checked event source.
type mappingSource struct {
	// spec is the source's kind; nil when it is decided at deploy time
	// (an EventSourceArn output without Source during an update).
	spec *lambdafacts.SourceSpec
	// arn is the source's ARN; hasARN is false for self-managed Kafka.
	arn    pulumi.StringOutput
	hasARN bool
	// topicsIn are the mapping's source topics (nil when not set).
	topicsIn pulumi.StringArrayInput
	// checks are those of an ARN not known while the program runs; they
	// run inside the ARN the grants and the mapping take.
	checks phase.Checks
	// key is the ARN of the customer-managed key the source is encrypted
	// with (SourceKmsKeyArn); nil when none was given.
	key pulumi.StringInput
}

// specOrNil is the source's kind, nil for no source or one decided later.
func (s *mappingSource) specOrNil() *lambdafacts.SourceSpec {
	if s == nil {
		return nil
	}
	return s.spec
}

// kindOutput is the source kind as an output (decided at deploy time when
// spec is nil).
func (s *mappingSource) kindOutput() pulumi.StringOutput {
	if s.spec != nil {
		return pulumi.String(string(s.spec.Kind)).ToStringOutput()
	}
	return s.arn.ApplyT(func(arn string) string {
		if k, _, err := lambdafacts.SourceOfARN(arn); err == nil {
			return string(k.Kind)
		}
		return ""
	}).(pulumi.StringOutput)
}

// grants are what the role needs to read the source, once its ARN is
// known (its kind too, when that is decided at deploy time).
func (s *mappingSource) grants() []grant {
	if !s.hasARN {
		return nil
	}
	out := []grant{s.arn.ApplyT(func(arn string) []Permission {
		perms, err := lambdafacts.SourcePermissions(arn)
		if err != nil {
			return nil
		}
		return perms
	}).(pulumi.AnyOutput)}
	if s.key != nil {
		out = append(out, grantOf(s.key.ToStringOutput(), lambdafacts.SourceKeyNeeds))
	}
	return out
}
