package asyncroute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SourceKind names the service an event source mapping reads. Its value is
// the service field of the source's ARN.
type SourceKind string

// The event sources [NewEventSourceMapping] maps.
const (
	SourceKinesis  SourceKind = "kinesis"  // Kinesis data stream (or stream consumer)
	SourceDynamoDB SourceKind = "dynamodb" // DynamoDB stream
	SourceKafka    SourceKind = "kafka"    // Amazon MSK cluster or self-managed Apache Kafka
	SourceSQS      SourceKind = "sqs"      // SQS queue: no on-failure destination
)

// sourceSpec is what the package knows about one kind of event source.
type sourceSpec struct {
	kind  SourceKind
	label string // "Kinesis stream"
	// failure says OnFailure, MaxRetries and MaxRecordAge apply; bisect that
	// BisectBatchOnFunctionError does; provisioned that all of these need
	// the mapping's provisioned mode (ProvisionedPollerConfig).
	failure, bisect, provisioned bool
	// checkARN reports what is wrong with a known ARN of this kind, or nil.
	checkARN func(a arnParts) error
	// permissions lists what the execution role needs to read the source;
	// nil grants nothing.
	permissions func(a arnParts) []Permission
}

var sourceOrder = []SourceKind{SourceKinesis, SourceDynamoDB, SourceKafka, SourceSQS}

var sources = map[SourceKind]*sourceSpec{
	SourceKinesis: {
		kind: SourceKinesis, label: "Kinesis stream", failure: true, bisect: true,
		checkARN: func(a arnParts) error {
			if _, _, ok := kinesisStream(a); !ok {
				return fmt.Errorf("%q is not a Kinesis stream ARN; expected arn:<partition>:kinesis:<region>:<account>:stream/<name>[/consumer/<consumer>:<timestamp>]", a.String())
			}
			return nil
		},
		permissions: func(a arnParts) []Permission {
			stream, consumer, _ := kinesisStream(a)
			perms := actionsOn(stream, "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards")
			if consumer != "" {
				perms = append(perms, actionsOn(consumer, "kinesis:SubscribeToShard")...)
			}
			return perms
		},
	},
	SourceDynamoDB: {
		kind: SourceDynamoDB, label: "DynamoDB stream", failure: true, bisect: true,
		checkARN: func(a arnParts) error {
			f := strings.Split(a.resource, "/")
			switch {
			case len(f) == 2 && f[0] == "table" && f[1] != "":
				return fmt.Errorf("%q is a DynamoDB table ARN, not its stream's; allowed: the table's StreamArn (with StreamEnabled: true)", a.String())
			case len(f) != 4 || f[0] != "table" || f[1] == "" || f[2] != "stream" || f[3] == "":
				return fmt.Errorf("%q is not a DynamoDB stream ARN; expected arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>", a.String())
			}
			return nil
		},
		permissions: func(a arnParts) []Permission {
			return actionsOn(a.String(), "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams")
		},
	},
	SourceKafka: {
		kind: SourceKafka, label: "Kafka cluster", failure: true, bisect: true, provisioned: true,
		checkARN: func(a arnParts) error {
			f := strings.Split(a.resource, "/")
			if len(f) != 3 || f[0] != "cluster" || f[1] == "" || f[2] == "" {
				return fmt.Errorf("%q is not an Amazon MSK cluster ARN; expected arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>", a.String())
			}
			return nil
		},
	},
	SourceSQS: {
		kind: SourceSQS, label: "SQS queue",
		checkARN: func(a arnParts) error {
			if a.resource == "" || strings.ContainsAny(a.resource, "/:") {
				return fmt.Errorf("%q is not an SQS queue ARN; expected arn:<partition>:sqs:<region>:<account>:<queue-name>", a.String())
			}
			return nil
		},
		permissions: func(a arnParts) []Permission {
			return actionsOn(a.String(), "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
		},
	},
}

// kinesisStream splits a stream or stream-consumer ARN into the stream's
// ARN and the consumer's ("" for a stream).
func kinesisStream(a arnParts) (stream, consumer string, ok bool) {
	f := strings.Split(a.resource, "/")
	switch {
	case len(f) == 2 && f[0] == "stream" && f[1] != "":
		return a.String(), "", true
	case len(f) == 4 && f[0] == "stream" && f[1] != "" && f[2] == "consumer" && f[3] != "":
		s := a
		s.resource = "stream/" + f[1]
		return s.String(), a.String(), true
	}
	return "", "", false
}

func sourceList() string {
	names := make([]string, len(sourceOrder))
	for i, k := range sourceOrder {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// sourceOfARN infers the source kind from an ARN and checks the ARN.
func sourceOfARN(s string) (*sourceSpec, arnParts, error) {
	a, err := parseARN(s)
	if err != nil {
		return nil, a, err
	}
	spec, ok := sources[SourceKind(a.service)]
	if !ok {
		return nil, a, fmt.Errorf("%q is an ARN of service %q, which this component does not map; allowed services: %s", s, a.service, sourceList())
	}
	if err := spec.checkARN(a); err != nil {
		return nil, a, err
	}
	return spec, a, nil
}

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
	spec, a, err := sourceOfARN(arn)
	if err != nil {
		return nil, err
	}
	if spec.permissions == nil {
		return nil, nil
	}
	return spec.permissions(a), nil
}

// mappingSource is a checked event source.
type mappingSource struct {
	spec *sourceSpec
	// arn is the source's ARN; hasARN is false for self-managed Kafka.
	arn    pulumi.StringOutput
	hasARN bool
	// topics are the mapping's source topics when topicsKnown; topicsIn
	// is the input they come from (nil when not set).
	topics      []string
	topicsKnown bool
	topicsIn    pulumi.StringArrayInput
}

// allowedDestinations renders the kinds the source may send failures to.
func (s *mappingSource) allowedDestinations() string {
	list := kindList(func(k *kindSpec) bool { return k.mapping })
	if s.spec.kind == SourceKafka {
		list += ", " + kafkaTopicKind.label
	}
	return list
}

// kindOutput is the source kind as an output (decided at deploy time when
// spec is nil).
func (s *mappingSource) kindOutput() pulumi.StringOutput {
	if s.spec != nil {
		return pulumi.String(string(s.spec.kind)).ToStringOutput()
	}
	return s.arn.ApplyT(func(arn string) string {
		if k, _, err := sourceOfARN(arn); err == nil {
			return string(k.kind)
		}
		return ""
	}).(pulumi.StringOutput)
}

// grants are what the role needs to read the source, once its ARN is
// known (its kind too, when that is decided at deploy time).
func (s *mappingSource) grants() []grant {
	if !s.hasARN || (s.spec != nil && s.spec.permissions == nil) {
		return nil
	}
	spec := s.spec
	return []grant{s.arn.ApplyT(func(arn string) []Permission {
		k, a, err := sourceOfARN(arn)
		if err != nil {
			return nil
		}
		use := spec
		if use == nil {
			use = k
		}
		if use.permissions == nil {
			return nil
		}
		return use.permissions(a)
	}).(pulumi.AnyOutput)}
}
