package lambdafacts

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// SourceKind names the service an event source mapping reads. Its value is
// the service field of the source's ARN.
type SourceKind string

// The event sources of mappings.
const (
	SourceKinesis  SourceKind = "kinesis"  // Kinesis data stream (or stream consumer)
	SourceDynamoDB SourceKind = "dynamodb" // DynamoDB stream
	SourceKafka    SourceKind = "kafka"    // Amazon MSK cluster or self-managed Apache Kafka
	SourceSQS      SourceKind = "sqs"      // SQS queue: no on-failure destination
)

// SourceSpec is what is known about one kind of event source.
type SourceSpec struct {
	Kind  SourceKind
	Label string // "Kinesis stream"
	// Failure says an on-failure destination, retries and record age
	// apply; Bisect that splitting a failing batch does; Provisioned that
	// all of these need the mapping's provisioned mode.
	Failure, Bisect, Provisioned bool
	// Decrypts says the reader decrypts the records itself when the
	// source is encrypted with a customer-managed key, so the execution
	// role needs kms:Decrypt on that key (an SQS queue: Lambda developer
	// guide, "Execution role permissions" of "Using Lambda with Amazon
	// SQS"; a Kinesis stream: Kinesis Data Streams developer guide,
	// "Permissions to use user-generated KMS keys", consumer permissions).
	// A DynamoDB stream's records are decrypted by DynamoDB, and a Kafka
	// cluster's by the brokers.
	Decrypts      bool
	checkResource func(a ARN) error
	// reads lists what the execution role needs to read the source; nil
	// grants nothing.
	reads func(a ARN) []Permission
}

// SourceOrder lists the sources in message order.
var SourceOrder = []SourceKind{SourceKinesis, SourceDynamoDB, SourceKafka, SourceSQS}

var sources = map[SourceKind]*SourceSpec{
	SourceKinesis: {
		Kind: SourceKinesis, Label: "Kinesis stream", Failure: true, Bisect: true, Decrypts: true,
		checkResource: func(a ARN) error {
			if _, _, ok := kinesisStream(a); !ok {
				return fmt.Errorf("%q is not a Kinesis stream ARN; expected arn:<partition>:kinesis:<region>:<account>:stream/<name>[/consumer/<consumer>:<timestamp>]", a.String())
			}
			return nil
		},
		reads: func(a ARN) []Permission {
			stream, consumer, _ := kinesisStream(a)
			perms := ActionsOn(stream, "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards")
			if consumer != "" {
				perms = append(perms, ActionsOn(consumer, "kinesis:SubscribeToShard")...)
			}
			return perms
		},
	},
	SourceDynamoDB: {
		Kind: SourceDynamoDB, Label: "DynamoDB stream", Failure: true, Bisect: true,
		checkResource: func(a ARN) error {
			f := strings.Split(a.Resource, "/")
			switch {
			case len(f) == 2 && f[0] == "table" && f[1] != "":
				return fmt.Errorf("%q is a DynamoDB table ARN, not its stream's; allowed: the table's StreamArn (with StreamEnabled: true)", a.String())
			case len(f) != 4 || f[0] != "table" || f[1] == "" || f[2] != "stream" || f[3] == "":
				return fmt.Errorf("%q is not a DynamoDB stream ARN; expected arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>", a.String())
			}
			return nil
		},
		reads: func(a ARN) []Permission {
			return ActionsOn(a.String(), "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams")
		},
	},
	SourceKafka: {
		Kind: SourceKafka, Label: "Kafka cluster", Failure: true, Bisect: true, Provisioned: true,
		checkResource: func(a ARN) error {
			f := strings.Split(a.Resource, "/")
			if len(f) != 3 || f[0] != "cluster" || f[1] == "" || f[2] == "" {
				return fmt.Errorf("%q is not an Amazon MSK cluster ARN; expected arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>", a.String())
			}
			return nil
		},
	},
	SourceSQS: {
		Kind: SourceSQS, Label: "SQS queue", Decrypts: true,
		checkResource: func(a ARN) error {
			if strings.ContainsAny(a.Resource, "/:") {
				return fmt.Errorf("%q is not an SQS queue ARN; expected arn:<partition>:sqs:<region>:<account>:<queue-name>", a.String())
			}
			return nil
		},
		reads: func(a ARN) []Permission {
			return ActionsOn(a.String(), "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
		},
	},
}

// SourceOf returns the spec of a source kind.
func SourceOf(k SourceKind) (*SourceSpec, bool) {
	s, ok := sources[k]
	return s, ok
}

// kinesisStream splits a stream or stream-consumer ARN into the stream's
// ARN and the consumer's ("" for a stream).
func kinesisStream(a ARN) (stream, consumer string, ok bool) {
	f := strings.Split(a.Resource, "/")
	switch {
	case len(f) == 2 && f[0] == "stream" && f[1] != "":
		return a.String(), "", true
	case len(f) == 4 && f[0] == "stream" && f[1] != "" && f[2] == "consumer" && f[3] != "":
		s := a
		s.Resource = "stream/" + f[1]
		return s.String(), a.String(), true
	}
	return "", "", false
}

// SourceList lists the source kinds, for messages.
func SourceList() string {
	names := make([]string, len(SourceOrder))
	for i, k := range SourceOrder {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// SourceOfARN infers the source kind from an ARN and checks the ARN.
func SourceOfARN(s string) (*SourceSpec, ARN, error) {
	a, err := ParseARN(s)
	if err != nil {
		return nil, a, err
	}
	spec, ok := sources[SourceKind(a.Service)]
	if !ok {
		return nil, a, fmt.Errorf("%q is an ARN of service %q, which this component does not map; allowed services: %s", s, a.Service, SourceList())
	}
	if err := spec.checkResource(a); err != nil {
		return nil, a, err
	}
	if err := checkConcrete(a, true); err != nil {
		return nil, a, err
	}
	return spec, a, nil
}

// SourceMismatch is the error for a source ARN of another kind than named.
func SourceMismatch(arn string, spec *SourceSpec, named SourceKind) error {
	return doors.Errorf("%q is the ARN of %s (source %q) but %s is %q; allowed: %s %q or empty", arn, WithArticle(spec.Label), spec.Kind, doors.Field("Source"), named, doors.Field("Source"), spec.Kind)
}

// Reads lists what the execution role needs to read the source with this
// ARN (nil for Kafka: its network permissions cannot be scoped to a
// resource).
func (s *SourceSpec) Reads(a ARN) []Permission {
	if s.reads == nil {
		return nil
	}
	return s.reads(a)
}

// SourcePermissions lists what an execution role needs to read the event
// source with this ARN through an event source mapping.
func SourcePermissions(arn string) ([]Permission, error) {
	spec, a, err := SourceOfARN(arn)
	if err != nil {
		return nil, err
	}
	return spec.Reads(a), nil
}

// NoMappingFailure is the error for an on-failure destination on a
// mapping whose source has none.
func NoMappingFailure(spec *SourceSpec) error {
	return fmt.Errorf("an event source mapping of %s has no on-failure destination; allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)", WithArticle(spec.Label))
}

// SourceKeyNeeds lists what the execution role needs on the
// customer-managed key that encrypts a source the reader decrypts
// (SourceSpec.Decrypts): kms:Decrypt on the key.
func SourceKeyNeeds(keyArn string) []Permission {
	return ActionsOn(keyArn, "kms:Decrypt")
}

// NoSourceKey is the error for a key given for a source whose reader
// decrypts nothing.
func NoSourceKey(spec *SourceSpec) error {
	who := "the brokers decrypt a cluster's records"
	if spec.Kind == SourceDynamoDB {
		who = "DynamoDB decrypts a stream's records"
	}
	return doors.Errorf("is set, but the reader of %s decrypts nothing (%s); allowed: leave %s empty (only an SQS queue or Kinesis stream encrypted with a customer-managed key needs one)",
		WithArticle(spec.Label), who, doors.Field("SourceKmsKeyArn"))
}

// SourceKeyMissing is the problem of a mapping whose source is encrypted
// with a customer-managed key that the execution role may not decrypt
// with.
func SourceKeyMissing(source, key, role string) string {
	return fmt.Sprintf("the event source %s is encrypted with the customer-managed key %s, but execution role %s does not allow kms:Decrypt on it, so the mapping cannot read a record", source, key, role)
}

// CheckSourceRegion refuses an SQS event source in another region than
// the function it feeds (FACTS: an SQS event source must be in the
// function's region; Lambda developer guide, "Using Lambda with Amazon
// SQS"). Either region "" (not known) passes; so do other sources.
func CheckSourceRegion(sourceArn, fnRegion string) error {
	a, err := ParseARN(sourceArn)
	if err != nil || SourceKind(a.Service) != SourceSQS || a.Region == "" || fnRegion == "" || a.Region == fnRegion {
		return nil
	}
	return fmt.Errorf("the SQS queue %q is in region %s, but the function it feeds is in %s; allowed: a queue in %s (an SQS event source must be in its function's region)", sourceArn, a.Region, fnRegion, fnRegion)
}
