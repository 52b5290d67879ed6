package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	mappingLabel = `aws:lambda/eventSourceMapping:EventSourceMapping "clicks-mapping"`
	clickStream  = "arn:aws:kinesis:us-east-1:" + acct + ":stream/clicks"
	failureField = "destinationConfig.onFailure.destinationArn"
)

// mapping creates an event source mapping of source to the function named
// by functionName; a nil onFailure leaves the destination out.
func (s stack) mapping(name string, functionName, source, onFailure pulumi.StringInput, opts ...func(*lambda.EventSourceMappingArgs)) *lambda.EventSourceMapping {
	args := &lambda.EventSourceMappingArgs{
		FunctionName:     functionName,
		EventSourceArn:   source,
		StartingPosition: pulumi.String("LATEST"),
	}
	if onFailure != nil {
		args.DestinationConfig = &lambda.EventSourceMappingDestinationConfigArgs{
			OnFailure: &lambda.EventSourceMappingDestinationConfigOnFailureArgs{DestinationArn: onFailure},
		}
	}
	for _, o := range opts {
		o(args)
	}
	return must(lambda.NewEventSourceMapping(s.ctx, name, args))
}

// streamFailures: function "clicks" (named by its ARN qualified with
// "live") reads a Kinesis stream and sends discarded batches to queue
// "failures"; grant adds whatever the test needs to the role.
func streamFailures(grant func(s stack, r *iam.Role, q *sqs.Queue)) func(s stack) {
	return func(s stack) {
		r := s.role("clicks-role")
		q := s.queue("failures", nil)
		f := s.fn("clicks", r, nil)
		s.mapping("clicks-mapping", pulumi.Sprintf("%s:live", f.Arn), pulumi.String(clickStream), q.Arn)
		if grant != nil {
			grant(s, r, q)
		}
	}
}

func TestMappingPermissionMissing(t *testing.T) {
	fs := findings(t, streamFailures(nil))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Finding{
		RuleID: "ASYNC001", Level: asyncpolicy.Mandatory,
		URN:   "urn:pulumi:test::asyncroute::aws:lambda/eventSourceMapping:EventSourceMapping::clicks-mapping",
		Type:  "aws:lambda/eventSourceMapping:EventSourceMapping",
		Name:  "clicks-mapping",
		Field: failureField,
		Message: mappingLabel + `, field destinationConfig.onFailure.destinationArn: the on-failure destination is SQS queue "failures" (` + arnPrefix + `failures), ` +
			`but execution role aws:iam/role:Role "clicks-role" of function "clicks" does not allow sqs:SendMessage on ` + arnPrefix + `failures, ` +
			`so Lambda rejects the configuration. Fix: allow sqs:SendMessage on ` + arnPrefix + `failures in a policy of aws:iam/role:Role "clicks-role" ` +
			`(for example an aws:iam/rolePolicy:RolePolicy) and make ` + mappingLabel + ` depend on it.`,
	}, fs[0])
}

func TestMappingPermissionGranted(t *testing.T) {
	fs := findings(t, streamFailures(func(s stack, r *iam.Role, q *sqs.Queue) {
		s.grant("clicks-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn)))
	}))
	assert.Empty(t, fs, dump(fs))
}

// At preview the queue's ARN is unknown: nothing is reported.
func TestMappingPermissionUnknownAtPreviewIsSkipped(t *testing.T) {
	fs := findings(t, streamFailures(nil), asyncroutetest.Preview())
	assert.Empty(t, fs, dump(fs))
}

// Topics, buckets and queues encrypted with a customer key of the stack
// need their own actions; the function is named by its plain name.
func TestMappingPermissionTopicBucketAndKey(t *testing.T) {
	program := func(grant bool) func(s stack) {
		return func(s stack) {
			r := s.role("clicks-role")
			f := s.fn("clicks", r, nil)
			tp := s.topic("alerts", nil)
			b := must(s3.NewBucketV2(s.ctx, "archive", &s3.BucketV2Args{Bucket: pulumi.String("archive")}))
			key := must(kms.NewKey(s.ctx, "records-key", &kms.KeyArgs{}))
			q := s.queue("failures", &sqs.QueueArgs{KmsMasterKeyId: key.KeyId})
			s.mapping("clicks-mapping", f.Name, pulumi.String(clickStream), tp.Arn)
			s.mapping("orders-mapping", f.Name, pulumi.String("arn:aws:kinesis:us-east-1:"+acct+":stream/orders"), b.Arn)
			s.mapping("views-mapping", f.Name, pulumi.String("arn:aws:kinesis:us-east-1:"+acct+":stream/views"), q.Arn)
			stmts := []pulumi.StringOutput{stmt("Allow", "sqs:SendMessage", q.Arn)}
			if grant {
				stmts = append(stmts,
					stmt("Allow", "sns:Publish", tp.Arn),
					stmt("Allow", "s3:PutObject", pulumi.Sprintf("%s/*", b.Arn)),
					stmt("Allow", "s3:ListBucket", b.Arn),
					stmt("Allow", "kms:GenerateDataKey*", key.Arn), stmt("Allow", "kms:Decrypt", key.Arn))
			}
			s.grant("clicks-grants", r, doc(stmts...))
		}
	}
	fs := findings(t, program(false))
	require.Len(t, fs, 3, dump(fs))
	assert.Contains(t, fs[0].Message, mappingLabel+`, field `+failureField+`: the on-failure destination is SNS topic "alerts" (`+snsPrefix+`alerts), `+
		`but execution role aws:iam/role:Role "clicks-role" of function "clicks" does not allow sns:Publish on `+snsPrefix+`alerts,`)
	assert.Contains(t, fs[1].Message, `does not allow s3:PutObject on arn:aws:s3:::archive/* and s3:ListBucket on arn:aws:s3:::archive,`)
	assert.Contains(t, fs[2].Message, `does not allow kms:GenerateDataKey, kms:Decrypt on arn:aws:kms:us-east-1:`+acct+`:key/`)
	fs = findings(t, program(true))
	assert.Empty(t, fs, dump(fs))
}

func TestMappingOfSQSSourceWithOnFailure(t *testing.T) {
	program := func(onFailure bool) func(s stack) {
		return func(s stack) {
			r := s.role("clicks-role")
			src := s.queue("clicks", nil)
			q := s.queue("failures", nil)
			f := s.fn("clicks", r, nil)
			var dest pulumi.StringInput
			if onFailure {
				dest = q.Arn
			}
			must(lambda.NewEventSourceMapping(s.ctx, "clicks-mapping", &lambda.EventSourceMappingArgs{
				FunctionName: f.Name, EventSourceArn: src.Arn, DestinationConfig: destConfig(dest),
			}))
			s.grant("clicks-grants", r, doc(stmt("Allow", "sqs:*", src.Arn, q.Arn)))
		}
	}
	fs := findings(t, program(true))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, "ASYNC002", fs[0].RuleID)
	assert.Equal(t, failureField, fs[0].Field)
	assert.Equal(t, mappingLabel+`, field destinationConfig.onFailure.destinationArn: an event source mapping of an SQS queue has no on-failure destination; `+
		`allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)`, fs[0].Message)
	fs = findings(t, program(false))
	assert.Empty(t, fs, dump(fs))
	// At preview the source's ARN is unknown, but the mapping depends on
	// the queue alone: still caught.
	fs = validity(t, program(true), asyncroutetest.Preview())
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `an event source mapping of an SQS queue has no on-failure destination`)
}

func destConfig(onFailure pulumi.StringInput) lambda.EventSourceMappingDestinationConfigPtrInput {
	if onFailure == nil {
		return nil
	}
	return &lambda.EventSourceMappingDestinationConfigArgs{
		OnFailure: &lambda.EventSourceMappingDestinationConfigOnFailureArgs{DestinationArn: onFailure},
	}
}

func TestMappingFIFOOnFailure(t *testing.T) {
	fs := validity(t, func(s stack) {
		f := s.fn("clicks", s.role("clicks-role"), nil)
		q := s.queue("failures.fifo", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true)})
		tp := s.topic("alerts.fifo", &sns.TopicArgs{FifoTopic: pulumi.Bool(true)})
		s.mapping("clicks-mapping", f.Name, pulumi.String(clickStream), q.Arn)
		s.mapping("views-mapping", f.Name, pulumi.String("arn:aws:kinesis:us-east-1:"+acct+":stream/views"), tp.Arn)
	})
	require.Len(t, fs, 2, dump(fs))
	assert.Equal(t, []string{
		mappingLabel + `, field destinationConfig.onFailure.destinationArn: SQS queue "failures.fifo" ` + fifoProblem,
		`aws:lambda/eventSourceMapping:EventSourceMapping "views-mapping", field destinationConfig.onFailure.destinationArn: SNS topic "alerts.fifo" ` + fifoProblem,
	}, messages(fs))

	fs = validity(t, func(s stack) {
		f := s.fn("clicks", s.role("clicks-role"), nil)
		s.mapping("clicks-mapping", f.Name, pulumi.String(clickStream), s.queue("failures", nil).Arn)
	})
	assert.Empty(t, fs, dump(fs))
}

func TestMappingErrorHandlingBounds(t *testing.T) {
	bounds := func(retries, age int) func(s stack) {
		return func(s stack) {
			f := s.fn("clicks", s.role("clicks-role"), nil)
			s.mapping("clicks-mapping", f.Name, pulumi.String(clickStream), nil, func(a *lambda.EventSourceMappingArgs) {
				a.MaximumRetryAttempts = pulumi.Int(retries)
				a.MaximumRecordAgeInSeconds = pulumi.Int(age)
			})
		}
	}
	fs := validity(t, bounds(10001, 59))
	require.Len(t, fs, 2, dump(fs))
	assert.Equal(t, []string{
		mappingLabel + `, field maximumRecordAgeInSeconds: 59 is out of range; allowed: -1 (until the records expire) or 60 to 604800 whole seconds`,
		mappingLabel + `, field maximumRetryAttempts: 10001 is out of range; allowed: -1 (until the records expire) or 0 to 10000`,
	}, messages(fs))
	fs = validity(t, bounds(-2, 604801))
	require.Len(t, fs, 2, dump(fs))
	assert.Contains(t, fs[0].Message, "maximumRecordAgeInSeconds: 604801 is out of range")
	assert.Contains(t, fs[1].Message, "maximumRetryAttempts: -2 is out of range")

	for _, ok := range [][2]int{{-1, -1}, {0, 60}, {10000, 604800}} {
		fs := validity(t, bounds(ok[0], ok[1]))
		assert.Empty(t, fs, "%v:\n%s", ok, dump(fs))
	}
}

// The component's mapping, with its grants, has no findings; without them
// the checker finds the missing grant.
func TestMappingComponentHasNoFindings(t *testing.T) {
	program := func(skipGrants bool) func(s stack) {
		return func(s stack) {
			r := s.role("clicks-role")
			f := s.fn("clicks", r, nil)
			q := s.queue("failures", nil)
			must(asyncroute.NewEventSourceMapping(s.ctx, "clicks-stream", &asyncroute.EventSourceMappingArgs{
				Function:       f,
				Role:           &asyncroute.ExistingRole{Role: r},
				SkipGrants:     skipGrants,
				EventSourceArn: pulumi.String(clickStream),
				Mapping:        lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")},
				OnFailure:      asyncroute.SQSQueue{Queue: q},
				MaxRetries:     pulumi.IntRef(3),
			}))
		}
	}
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		fs := findings(t, program(false), opts...)
		assert.Empty(t, fs, "preview=%v:\n%s", preview, dump(fs))
	}
	fs := findings(t, program(true))
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `aws:lambda/eventSourceMapping:EventSourceMapping "clicks-stream", field destinationConfig.onFailure.destinationArn: `+
		`the on-failure destination is SQS queue "failures" (`+arnPrefix+`failures), but execution role aws:iam/role:Role "clicks-role" of function "clicks" does not allow sqs:SendMessage`)
}

// A role whose function routes only through a mapping is checked for
// broad grants too.
func TestMappingBroadGrant(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("clicks-role", "arn:aws:iam::aws:policy/AmazonSQSFullAccess")
		f := s.fn("clicks", r, nil)
		s.mapping("clicks-mapping", f.Name, pulumi.String(clickStream), s.queue("failures", nil).Arn)
	})
	assert.Empty(t, of(fs, "ASYNC001"), dump(fs))
	require.Len(t, of(fs, "ASYNC005"), 1, dump(fs))
	assert.Equal(t, "clicks-role", of(fs, "ASYNC005")[0].Name)
}
