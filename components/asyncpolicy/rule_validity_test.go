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

// fifoProblem is the rulebook's words for a FIFO target, after its name.
const fifoProblem = "is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)"

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
	assert.Equal(t, cfgLabel+`, field destinationConfig.onSuccess.destination: S3 bucket "archive" can receive failure records only; `+
		`allowed on success: SQS queue, SNS topic, Lambda function, EventBridge event bus`, fs[0].Message)
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
		`aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: SNS topic "dead.fifo" ` + fifoProblem,
		cfgLabel + `, field destinationConfig.onFailure.destination: SNS topic "elsewhere.fifo" ` + fifoProblem,
		cfgLabel + `, field destinationConfig.onSuccess.destination: SQS queue "jobs.fifo" ` + fifoProblem,
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
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: SQS queue "jobs.fifo" `+fifoProblem, fs[0].Message)
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
		assert.Equal(t, cfgLabel+`, field destinationConfig.onSuccess.destination: Lambda function "orders" is the function being configured; `+
			`a function must not be its own destination`, fs[0].Message)
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
		cfgLabel + `, field maximumEventAgeInSeconds: 30 is out of range; allowed: 60 to 21600 whole seconds`,
		cfgLabel + `, field maximumRetryAttempts: 3 is out of range; allowed: 0, 1 or 2`,
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
		cfgLabel + `, field destinationConfig.onFailure.destination: "arn:aws:dynamodb:us-east-1:` + acct + `:table/t" is an ARN of service "dynamodb", ` +
			`which cannot be a destination; allowed services: events, lambda, s3, sns, sqs`,
		cfgLabel + `, field destinationConfig.onSuccess.destination: "https://sqs.us-east-1.amazonaws.com/` + acct + `/jobs" is a URL, not an ARN; ` +
			`pass the ARN (for a queue, its arn, not its url): arn:<partition>:sqs:<region>:<account>:<queue-name>`,
	}, messages(fs))
}

func TestDeadLetterMustBeQueueOrTopic(t *testing.T) {
	fs := validity(t, func(s stack) {
		next := s.fn("next", s.role("next-role"), nil)
		s.fn("orders", s.role("orders-role"), next.Arn)
	})
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, `aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: Lambda function "next" cannot be a dead-letter target; `+
		`allowed: SQS queue, SNS topic`, fs[0].Message)
}
