package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validity(t *testing.T, program func(s stack), opts ...asyncroutetest.Option) []asyncpolicy.Finding {
	t.Helper()
	return of(findings(t, program, opts...), "ASYNC002")
}

func TestS3OnSuccess(t *testing.T) {
	bucketStack := func(onSuccess bool) func(s stack) {
		return func(s stack) {
			b := must(s3.NewBucketV2(s.ctx, "archive", &s3.BucketV2Args{Bucket: pulumi.String("archive")}))
			f := s.fn("orders", s.role("orders-role"), nil)
			if onSuccess {
				s.config("orders-config", f, b.Arn, nil)
			} else {
				s.config("orders-config", f, nil, b.Arn)
			}
		}
	}
	fs := validity(t, bucketStack(true))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, "destinationConfig.onSuccess.destination", fs[0].Field)
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Equal(t, cfgLabel+`, field destinationConfig.onSuccess.destination: the on-success destination is S3 bucket "archive" (arn:aws:s3:::archive), `+
		`and Lambda accepts S3 buckets on failure only. Fix: move the bucket to destinationConfig.onFailure.destination, `+
		`or send success records to an SQS queue, SNS topic, Lambda function or EventBridge event bus.`, fs[0].Message)
	assert.Empty(t, validity(t, bucketStack(false)))
}

func TestFIFOTargets(t *testing.T) {
	fs := validity(t, func(s stack) {
		q := s.queue("jobs.fifo", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true)})
		tp := s.topic("dead.fifo", &sns.TopicArgs{FifoTopic: pulumi.Bool(true)})
		f := s.fn("orders", s.role("orders-role"), tp.Arn)
		s.config("orders-config", f, q.Arn, pulumi.String(snsPrefix+"elsewhere.fifo"))
	})
	require.Len(t, fs, 3, dump(fs))
	assert.Equal(t, []string{
		`aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: the dead-letter target SNS topic "dead.fifo" (` + snsPrefix + `dead.fifo) is FIFO, ` +
			`and Lambda rejects FIFO queues and topics as destinations and dead-letter targets. Fix: use a standard SNS topic (fifoTopic unset).`,
		cfgLabel + `, field destinationConfig.onFailure.destination: the on-failure destination SNS topic ` + snsPrefix + `elsewhere.fifo is FIFO, ` +
			`and Lambda rejects FIFO queues and topics as destinations and dead-letter targets. Fix: use a standard SNS topic (fifoTopic unset).`,
		cfgLabel + `, field destinationConfig.onSuccess.destination: the on-success destination SQS queue "jobs.fifo" (` + arnPrefix + `jobs.fifo) is FIFO, ` +
			`and Lambda rejects FIFO queues and topics as destinations and dead-letter targets. Fix: use a standard SQS queue (fifoQueue unset).`,
	}, messages(fs))
}

func TestStandardTargetsAreValid(t *testing.T) {
	fs := validity(t, func(s stack) {
		q := s.queue("jobs", nil)
		tp := s.topic("dead", nil)
		f := s.fn("orders", s.role("orders-role"), tp.Arn)
		s.config("orders-config", f, q.Arn, pulumi.String(snsPrefix+"elsewhere"), func(a *lambda.FunctionEventInvokeConfigArgs) {
			a.MaximumRetryAttempts = pulumi.Int(0)
			a.MaximumEventAgeInSeconds = pulumi.Int(21600)
		})
	})
	assert.Empty(t, fs, dump(fs))
}

// At preview the queue's ARN is unknown; its FIFO setting is known and the
// config depends on it, so the mistake is caught before deploy.
func TestFIFOCaughtAtPreview(t *testing.T) {
	fs := validity(t, func(s stack) {
		q := s.queue("jobs.fifo", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true)})
		f := s.fn("orders", s.role("orders-role"), nil)
		s.config("orders-config", f, nil, q.Arn)
	}, asyncroutetest.Preview())
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: the on-failure destination SQS queue "jobs.fifo" is FIFO, `+
		`and Lambda rejects FIFO queues and topics as destinations and dead-letter targets. Fix: use a standard SQS queue (fifoQueue unset).`, fs[0].Message)
}

func TestSelfDestination(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		fs := validity(t, func(s stack) {
			f := s.fn("orders", s.role("orders-role"), nil)
			s.config("orders-config", f, f.Arn, nil)
		}, opts...)
		require.Len(t, fs, 1, "preview=%v\n%s", preview, dump(fs))
		assert.Equal(t, cfgLabel+`, field destinationConfig.onSuccess.destination: the on-success destination is function "orders" itself, `+
			`and a function must not be its own destination. Fix: send the records to another function, or to a queue, topic or event bus.`, fs[0].Message)
	}
	other := validity(t, func(s stack) {
		next := s.fn("next", s.role("next-role"), nil)
		f := s.fn("orders", s.role("orders-role"), nil)
		s.config("orders-config", f, next.Arn, nil)
	})
	assert.Empty(t, other)
}

func TestRetryAndAgeRanges(t *testing.T) {
	fs := validity(t, func(s stack) {
		f := s.fn("orders", s.role("orders-role"), nil)
		s.config("orders-config", f, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) {
			a.MaximumRetryAttempts = pulumi.Int(3)
			a.MaximumEventAgeInSeconds = pulumi.Int(30)
		})
	})
	require.Len(t, fs, 2, dump(fs))
	assert.Equal(t, []string{
		cfgLabel + `, field maximumEventAgeInSeconds: maximumEventAgeInSeconds is 30, but Lambda accepts 60 to 21600 seconds, so it rejects the invoke config. ` +
			`Fix: set maximumEventAgeInSeconds to 60 to 21600 seconds, or leave it unset for Lambda's default.`,
		cfgLabel + `, field maximumRetryAttempts: maximumRetryAttempts is 3, but Lambda accepts 0, 1 or 2, so it rejects the invoke config. ` +
			`Fix: set maximumRetryAttempts to 0, 1 or 2, or leave it unset for Lambda's default.`,
	}, messages(fs))

	for _, c := range []struct{ retries, age int }{{0, 60}, {2, 21600}, {1, 0}} {
		fs := validity(t, func(s stack) {
			f := s.fn("orders", s.role("orders-role"), nil)
			s.config("orders-config", f, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) {
				a.MaximumRetryAttempts = pulumi.Int(c.retries)
				a.MaximumEventAgeInSeconds = pulumi.Int(c.age)
			})
		})
		assert.Empty(t, fs, "%+v: %s", c, dump(fs))
	}
}

func TestDestinationNotAnARN(t *testing.T) {
	fs := validity(t, func(s stack) {
		q := s.queue("jobs", nil)
		f := s.fn("orders", s.role("orders-role"), nil)
		s.config("orders-config", f, q.Url, pulumi.String("arn:aws:dynamodb:us-east-1:"+acct+":table/t"))
	})
	require.Len(t, fs, 2, dump(fs))
	assert.Equal(t, []string{
		cfgLabel + `, field destinationConfig.onFailure.destination: the on-failure destination arn:aws:dynamodb:us-east-1:` + acct + `:table/t is an ARN of service "dynamodb", ` +
			`which cannot receive invocation records. Fix: use an SQS queue, SNS topic, Lambda function or EventBridge event bus (or, on failure, an S3 bucket).`,
		cfgLabel + `, field destinationConfig.onSuccess.destination: the on-success destination "https://sqs.us-east-1.amazonaws.com/` + acct + `/jobs" is a URL, not an ARN, ` +
			`so Lambda rejects it. Fix: pass the target's ARN (for an SQS queue its arn output, not its url).`,
	}, messages(fs))
}

func TestDeadLetterMustBeQueueOrTopic(t *testing.T) {
	fs := validity(t, func(s stack) {
		next := s.fn("next", s.role("next-role"), nil)
		s.fn("orders", s.role("orders-role"), next.Arn)
	})
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, `aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: the dead-letter target Lambda function "next" (`+fnPrefix+`next) `+
		`is not an SQS queue or SNS topic, so Lambda rejects it. Fix: point deadLetterConfig.targetArn at a standard SQS queue or SNS topic, `+
		`and send records to other targets with destinationConfig.onFailure.`, fs[0].Message)
}
