package asyncroute_test

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	fPrefix = `asyncroute: Function "orders": `
	aPrefix = `asyncroute: AsyncInvoke "routing": `
	fifoMsg = " is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)"
	s3Only  = " can receive failure records only; allowed on success: SQS queue, SNS topic, Lambda function, EventBridge event bus"
	notDLQ  = " cannot be a dead-letter target; allowed: SQS queue, SNS topic"
	selfMsg = " is the function being configured; a function must not be its own destination"
)

// badCase is one invalid program: the component call must fail with want
// and register nothing, leaving the users resources the program made.
type badCase struct {
	name      string
	build     func(ctx *pulumi.Context) error
	want      string
	component string // the failing component's name; default by prefix
	users     int
	// preview: only a preview rejects it (an update accepts the value);
	// atDeploy: only an update rejects it (a preview cannot know it).
	preview, atDeploy bool
}

// fn builds NewFunction "orders" on lambdaArgs("orders") changed by mod.
func fn(mod func(ctx *pulumi.Context, a *asyncroute.FunctionArgs)) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		args := &asyncroute.FunctionArgs{Function: lambdaArgs("orders")}
		mod(ctx, args)
		_, err := asyncroute.NewFunction(ctx, "orders", args)
		return err
	}
}

// onFailure builds NewFunction "orders" with the destination on failure.
func onFailure(d func(ctx *pulumi.Context) asyncroute.Destination) func(ctx *pulumi.Context) error {
	return fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) { a.OnFailure = d(ctx) })
}

func onSuccess(d func(ctx *pulumi.Context) asyncroute.Destination) func(ctx *pulumi.Context) error {
	return fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) { a.OnSuccess = d(ctx) })
}

func deadLetter(d func(ctx *pulumi.Context) asyncroute.Destination) func(ctx *pulumi.Context) error {
	return fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) { a.DeadLetter = d(ctx) })
}

func arnDest(arn string, kind asyncroute.Kind) func(*pulumi.Context) asyncroute.Destination {
	return func(*pulumi.Context) asyncroute.Destination {
		return asyncroute.ARN{Arn: pulumi.String(arn), Kind: kind}
	}
}

// ai builds NewAsyncInvoke "routing" with args made by mk.
func ai(mk func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", mk(ctx))
		return err
	}
}

func fifoQueue(ctx *pulumi.Context, name string) *sqs.Queue {
	return newQueue(ctx, name, &sqs.QueueArgs{FifoQueue: pulumi.Bool(true)})
}

func functionBadCases() []badCase {
	bus := func(*pulumi.Context) asyncroute.Destination { return asyncroute.DefaultEventBus{} }
	return []badCase{
		// Retry settings.
		{name: "MaxRetriesNegative", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxRetries = pulumi.IntRef(-1) }),
			want: fPrefix + "MaxRetries: -1 is out of range; allowed: 0, 1 or 2"},
		{name: "MaxRetries3", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxRetries = pulumi.IntRef(3) }),
			want: fPrefix + "MaxRetries: 3 is out of range; allowed: 0, 1 or 2"},
		{name: "MaxEventAge59s", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxEventAge = secs(59) }),
			want: fPrefix + "MaxEventAge: 59s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds)"},
		{name: "MaxEventAge21601s", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxEventAge = secs(21601) }),
			want: fPrefix + "MaxEventAge: 6h0m1s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds)"},
		{name: "MaxEventAgeNotWhole", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxEventAge = secs(90.5) }),
			want: fPrefix + "MaxEventAge: 1m30.5s is not a whole number of seconds; allowed: 60s to 6h (60 to 21600 whole seconds)"},

		// S3 is for failures only.
		{name: "S3OnSuccess", build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")}
		}), want: fPrefix + `OnSuccess: S3 bucket "failures"` + s3Only, users: 1},
		{name: "S3LegacyOnSuccess", build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.S3Bucket{LegacyBucket: newLegacyBucket(ctx, "failures")}
		}), want: fPrefix + `OnSuccess: S3 bucket "failures"` + s3Only, users: 1},
		{name: "S3ARNOnSuccess", build: onSuccess(arnDest("arn:aws:s3:::failures", "")),
			want: fPrefix + `OnSuccess: S3 bucket arn:aws:s3:::failures` + s3Only},

		// FIFO targets.
		{name: "FifoQueueFlag", build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: fifoQueue(ctx, "jobs")}
		}), want: fPrefix + `OnFailure: SQS queue "jobs"` + fifoMsg, users: 1},
		{name: "FifoQueueName", build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs.fifo", nil)}
		}), want: fPrefix + `OnFailure: SQS queue "jobs.fifo"` + fifoMsg, users: 1},
		{name: "FifoQueueARN", build: onFailure(arnDest(arnOf("sqs", "jobs.fifo"), "")),
			want: fPrefix + `OnFailure: SQS queue "jobs.fifo"` + fifoMsg},
		{name: "FifoQueueARNWithKind", build: onSuccess(arnDest(arnOf("sqs", "jobs.fifo"), asyncroute.KindSQS)),
			want: fPrefix + `OnSuccess: SQS queue "jobs.fifo"` + fifoMsg},
		{name: "FifoTopicFlag", build: onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SNSTopic{Topic: newTopic(ctx, "events", &sns.TopicArgs{FifoTopic: pulumi.Bool(true)})}
		}), want: fPrefix + `OnSuccess: SNS topic "events"` + fifoMsg, users: 1},
		{name: "FifoTopicARN", build: onFailure(arnDest(arnOf("sns", "events.fifo"), "")),
			want: fPrefix + `OnFailure: SNS topic "events.fifo"` + fifoMsg},
		{name: "FifoDeadLetterQueue", build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SQSQueue{Queue: fifoQueue(ctx, "dlq")}
		}), want: fPrefix + `DeadLetter: SQS queue "dlq"` + fifoMsg, users: 1},
		{name: "FifoDeadLetterTopic", build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.SNSTopic{Topic: newTopic(ctx, "dead.fifo", nil)}
		}), want: fPrefix + `DeadLetter: SNS topic "dead.fifo"` + fifoMsg, users: 1},

		// A function must not be its own destination.
		{name: "SelfARN", build: onSuccess(arnDest(fnARN("orders"), "")),
			want: fPrefix + `OnSuccess: Lambda function "orders"` + selfMsg},
		{name: "SelfQualifiedARN", build: onFailure(arnDest(fnARN("orders")+":live", asyncroute.KindLambda)),
			want: fPrefix + `OnFailure: Lambda function "orders"` + selfMsg},

		// Not an ARN, or not one of a destination.
		{name: "QueueURL", build: onFailure(arnDest("https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "")),
			want: fPrefix + `OnFailure: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" is a URL, not an ARN; pass the ARN (for a queue, queue.Arn, not queue.Url): arn:<partition>:sqs:<region>:<account>:<queue-name>`},
		{name: "QueueURLOutput", build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ARN{Arn: newQueue(ctx, "jobs", nil).Url, Kind: asyncroute.KindSQS}
		}), want: fPrefix + `OnFailure: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" is a URL, not an ARN; pass the ARN (for a queue, queue.Arn, not queue.Url): arn:<partition>:sqs:<region>:<account>:<queue-name>`, users: 1, atDeploy: true},
		{name: "BareName", build: onFailure(arnDest("jobs", "")),
			want: fPrefix + `OnFailure: "jobs" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`},
		{name: "EmptyARN", build: onFailure(arnDest("", asyncroute.KindSQS)),
			want: fPrefix + `OnFailure: the ARN is empty; pass a full ARN such as arn:aws:sqs:us-east-1:123456789012:my-queue`},
		{name: "MalformedARN", build: onFailure(arnDest("arn:aws:sqs", "")),
			want: fPrefix + `OnFailure: "arn:aws:sqs" is a malformed ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>`},
		{name: "UnsupportedService", build: onFailure(arnDest("arn:aws:dynamodb:us-east-1:123456789012:table/orders", "")),
			want: fPrefix + `OnFailure: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" is an ARN of service "dynamodb", which cannot be a destination; allowed services: ` + allServices},
		{name: "KindMismatch", build: onFailure(arnDest(arnOf("sns", "alerts"), asyncroute.KindSQS)),
			want: fPrefix + `OnFailure: "arn:aws:sns:us-east-1:123456789012:alerts" is the ARN of an SNS topic (kind "sns") but ARN.Kind is "sqs"; allowed: ARN.Kind "sns" or empty`},
		{name: "UnknownKind", build: onFailure(arnDest(arnOf("sqs", "jobs"), "dynamodb")),
			want: fPrefix + `OnFailure: ARN.Kind "dynamodb" is not a destination kind; allowed: ` + allServices},
		{name: "NilARN", build: onFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.ARN{Kind: asyncroute.KindSQS} }),
			want: fPrefix + `OnFailure: ARN.Arn is nil; allowed: the destination's ARN`},
		{name: "EventRuleNotBus", build: onSuccess(arnDest(arnOf("events", "rule/r"), "")),
			want: fPrefix + `OnSuccess: "arn:aws:events:us-east-1:123456789012:rule/r" is not an EventBridge event bus ARN (a rule's?); expected arn:<partition>:events:<region>:<account>:event-bus/<name>`},
		{name: "LambdaLayerNotFunction", build: onSuccess(arnDest(arnOf("lambda", "layer:deps:3"), "")),
			want: fPrefix + `OnSuccess: "arn:aws:lambda:us-east-1:123456789012:layer:deps:3" is not a Lambda function ARN; expected arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`},
		{name: "S3ObjectNotBucket", build: onFailure(arnDest("arn:aws:s3:::failures/key", "")),
			want: fPrefix + `OnFailure: "arn:aws:s3:::failures/key" is not an S3 bucket ARN (an object's?); expected arn:<partition>:s3:::<bucket-name>`},
		{name: "UnknownARNWithoutKind", preview: true, users: 1, build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.ARN{Arn: newQueue(ctx, "jobs", nil).Arn}
		}), want: fPrefix + `OnFailure: ARN.Kind is empty and the ARN is not known until deploy; allowed: ` + allServices},

		// Destination values without their resource.
		{name: "NilQueue", build: onFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.SQSQueue{} }),
			want: fPrefix + `OnFailure: SQSQueue.Queue is nil; allowed: an *sqs.Queue`},
		{name: "NilTopic", build: onFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.SNSTopic{} }),
			want: fPrefix + `OnFailure: SNSTopic.Topic is nil; allowed: an *sns.Topic`},
		{name: "NilFunction", build: onSuccess(func(*pulumi.Context) asyncroute.Destination { return asyncroute.LambdaFunction{} }),
			want: fPrefix + `OnSuccess: LambdaFunction.Function is nil; allowed: a *lambda.Function`},
		{name: "NilBus", build: onSuccess(func(*pulumi.Context) asyncroute.Destination { return asyncroute.EventBus{} }),
			want: fPrefix + `OnSuccess: EventBus.Bus is nil; allowed: a *cloudwatch.EventBus, or DefaultEventBus{}`},
		{name: "S3Neither", build: onFailure(func(*pulumi.Context) asyncroute.Destination { return asyncroute.S3Bucket{} }),
			want: fPrefix + `OnFailure: S3Bucket has neither Bucket nor LegacyBucket; allowed: exactly one`},
		{name: "S3Both", users: 2, build: onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "a"), LegacyBucket: newLegacyBucket(ctx, "b")}
		}), want: fPrefix + `OnFailure: S3Bucket has both Bucket and LegacyBucket; allowed: exactly one`},

		// Fields of the function the component owns.
		{name: "DeadLetterTwice", users: 1, build: fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) {
			q := newQueue(ctx, "dlq", nil)
			a.Function.DeadLetterConfig = &lambda.FunctionDeadLetterConfigArgs{TargetArn: q.Arn}
			a.DeadLetter = asyncroute.SQSQueue{Queue: q}
		}), want: fPrefix + `Function.DeadLetterConfig: is set by the component; allowed: leave it empty and set DeadLetter`},
		{name: "FunctionRole", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) {
			a.Function.Role = pulumi.String(externalRoleArn)
			a.OnSuccess = asyncroute.DefaultEventBus{}
		}), want: fPrefix + `Function.Role: is set by the component; allowed: leave it empty and set Role to bring your own role`},

		// Dead-letter targets are queues and topics.
		{name: "DeadLetterLambda", users: 1, build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.LambdaFunction{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
		}), want: fPrefix + `DeadLetter: Lambda function "next"` + notDLQ},
		{name: "DeadLetterEventBus", users: 1, build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.EventBus{Bus: newBus(ctx, "bus")}
		}), want: fPrefix + `DeadLetter: EventBridge event bus "bus"` + notDLQ},
		{name: "DeadLetterDefaultBus", build: deadLetter(bus),
			want: fPrefix + `DeadLetter: EventBridge event bus "default"` + notDLQ},
		{name: "DeadLetterS3", users: 1, build: deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
			return asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")}
		}), want: fPrefix + `DeadLetter: S3 bucket "failures"` + notDLQ},
		{name: "DeadLetterLambdaARN", build: deadLetter(arnDest(fnARN("next"), "")),
			want: fPrefix + `DeadLetter: Lambda function arn:aws:lambda:us-east-1:123456789012:function:next` + notDLQ},

		// Nothing to do, no args, bad alias.
		{name: "NothingToRoute", build: fn(func(*pulumi.Context, *asyncroute.FunctionArgs) {}),
			want: fPrefix + `OnSuccess, OnFailure, DeadLetter, MaxRetries, MaxEventAge: none is set, so there is nothing to route; allowed: set at least one`},
		{name: "NilArgs", build: func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "orders", nil)
			return err
		}, want: fPrefix + `args: is nil; allowed: &asyncroute.FunctionArgs{...}`},
		{name: "AliasAllDigits", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) { a.MaxRetries = pulumi.IntRef(1); a.Alias = "123" }),
			want: fPrefix + `Alias: "123" is not an alias name; allowed: 1 to 128 letters, digits, - or _, not all digits (leave empty for $LATEST)`},
		{name: "AliasWithoutPublish", build: fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) {
			a.MaxRetries = pulumi.IntRef(1)
			a.Alias = "live"
			a.Function.Publish = pulumi.Bool(false)
		}), want: fPrefix + `Function.Publish: is false but Alias needs a published version; allowed: true or unset`},
	}
}

func asyncInvokeBadCases() []badCase {
	role := &asyncroute.ExistingRole{Name: pulumi.String("existing-role")}
	return []badCase{
		{name: "AsyncInvokeNilArgs", build: func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewAsyncInvoke(ctx, "routing", nil)
			return err
		}, want: aPrefix + `args: is nil; allowed: &asyncroute.AsyncInvokeArgs{...}`},
		{name: "AsyncInvokeFunctionAndName", users: 2, build: ai(func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
			_, f := existing(ctx)
			return &asyncroute.AsyncInvokeArgs{Function: f, FunctionName: pulumi.String("existing"), Role: role, MaxRetries: pulumi.IntRef(0)}
		}), want: aPrefix + `Function: both Function and FunctionName are set; allowed: one of them`},
		{name: "AsyncInvokeNoFunction", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{Role: role, MaxRetries: pulumi.IntRef(0)}
		}), want: aPrefix + `Function: neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN`},
		{name: "AsyncInvokeNoRole", users: 2, build: ai(func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
			_, f := existing(ctx)
			return &asyncroute.AsyncInvokeArgs{Function: f, OnSuccess: asyncroute.DefaultEventBus{}}
		}), want: aPrefix + `Role: is nil; allowed: the function's execution role (Role.Role, Role.Arn or Role.Name), or SkipGrants: true to attach no grants`},
		{name: "AsyncInvokeRoleNameAndArnDiffer", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"),
				Role: &asyncroute.ExistingRole{Name: pulumi.String("billing"), Arn: pulumi.String(existingRoleArn)}, MaxRetries: pulumi.IntRef(0)}
		}), want: aPrefix + `Role: name "billing" and ARN "` + existingRoleArn + `" name different roles; allowed: the name and the ARN of one role (or only one of them)`},
		{name: "AsyncInvokeSelfResource", users: 2, build: ai(func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
			r, f := existing(ctx)
			return &asyncroute.AsyncInvokeArgs{Function: f, Role: &asyncroute.ExistingRole{Role: r}, OnFailure: asyncroute.LambdaFunction{Function: f}}
		}), want: aPrefix + `OnFailure: Lambda function "existing"` + selfMsg},
		{name: "AsyncInvokeSelfByName", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: role, OnSuccess: asyncroute.ARN{Arn: pulumi.String(fnARN("existing"))}}
		}), want: aPrefix + `OnSuccess: Lambda function "existing"` + selfMsg},
		{name: "AsyncInvokeFunctionNameNotLambda", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(arnOf("sqs", "jobs")), Role: role, MaxRetries: pulumi.IntRef(0)}
		}), want: aPrefix + `FunctionName: "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>`},
		{name: "AsyncInvokeEmptyQualifier", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Qualifier: pulumi.String(""), Role: role, MaxRetries: pulumi.IntRef(0)}
		}), want: aPrefix + `Qualifier: is empty; allowed: $LATEST, a version number from 1 or an alias name (or nil for $LATEST)`},
		{name: "AsyncInvokeNothingToRoute", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: role}
		}), want: aPrefix + `OnSuccess, OnFailure, MaxRetries, MaxEventAge: none is set, so there is nothing to route; allowed: set at least one`},
		{name: "AsyncInvokeS3OnSuccess", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: role, OnSuccess: asyncroute.ARN{Arn: pulumi.String("arn:aws:s3:::failures")}}
		}), want: aPrefix + `OnSuccess: S3 bucket arn:aws:s3:::failures` + s3Only},
		{name: "AsyncInvokeMaxRetries", build: ai(func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Role: role, MaxRetries: pulumi.IntRef(5)}
		}), want: aPrefix + `MaxRetries: 5 is out of range; allowed: 0, 1 or 2`},
	}
}

func TestBadInput(t *testing.T) {
	runBadCases(t, append(functionBadCases(), asyncInvokeBadCases()...))
}

// runBadCases runs each case in a preview and in an update without one
// (see rejects); every error is an InputError of the failing component.
func runBadCases(t *testing.T, cases []badCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			component, kind := "orders", `Function "orders"`
			switch {
			case tc.component != "":
				component = tc.component
				kind = strings.SplitN(tc.want, ": ", 3)[1]
			case strings.HasPrefix(tc.want, aPrefix):
				component, kind = "routing", `AsyncInvoke "routing"`
			}
			if tc.atDeploy {
				rejectsAtUpdate(t, tc.build, tc.want, component)
				return
			}
			if tc.preview {
				st, err := runCapture(t, tc.build, asyncroutetest.Preview())
				require.Error(t, err)
				assert.Equal(t, tc.want, err.Error())
				requireNothingFromComponent(t, st, component, tc.users)
				return
			}
			rejects(t, tc.build, tc.want, component, tc.users)
			_, err := runCapture(t, tc.build, asyncroutetest.Preview())
			for _, ie := range inputErrors(t, err) {
				assert.Equal(t, kind, ie.Component)
			}
		})
	}
}

func TestSeveralErrorsAreReportedTogether(t *testing.T) {
	build := fn(func(ctx *pulumi.Context, a *asyncroute.FunctionArgs) {
		a.Function.Role = pulumi.String(externalRoleArn)
		a.MaxRetries = pulumi.IntRef(3)
		a.MaxEventAge = secs(59)
		a.OnSuccess = asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")}
		a.OnFailure = asyncroute.ARN{Arn: pulumi.String("jobs")}
		a.DeadLetter = asyncroute.SQSQueue{Queue: fifoQueue(ctx, "dlq")}
	})
	st, err := runCapture(t, build, asyncroutetest.Preview())
	require.Error(t, err)
	assert.Equal(t, strings.Join([]string{
		fPrefix + `Function.Role: is set by the component; allowed: leave it empty and set Role to bring your own role`,
		fPrefix + `MaxRetries: 3 is out of range; allowed: 0, 1 or 2`,
		fPrefix + `MaxEventAge: 59s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds)`,
		fPrefix + `OnSuccess: S3 bucket "failures"` + s3Only,
		fPrefix + `OnFailure: "jobs" is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>`,
		fPrefix + `DeadLetter: SQS queue "dlq"` + fifoMsg,
	}, "\n"), err.Error())
	var fields []string
	for _, ie := range inputErrors(t, err) {
		fields = append(fields, ie.Field)
	}
	assert.Equal(t, []string{"Function.Role", "MaxRetries", "MaxEventAge", "OnSuccess", "OnFailure", "DeadLetter"}, fields)
	requireNothingFromComponent(t, st, "orders", 2)

	// In an update without a preview the FIFO flag, an output of the
	// queue, is not awaited; the literal faults still stop the component
	// before it registers anything.
	st, err = runCapture(t, build)
	require.Error(t, err)
	assert.Equal(t, []string{"Function.Role", "MaxRetries", "MaxEventAge", "OnSuccess", "OnFailure"}, func() []string {
		var out []string
		for _, ie := range inputErrors(t, err) {
			out = append(out, ie.Field)
		}
		return out
	}())
	requireNothingFromComponent(t, st, "orders", 2)
}

// A FIFO queue whose ARN is an output (unknown at a first preview) fails an
// update before any config is registered, with the message a preview of
// the known ARN gives.
func TestFifoQueueARNOutputFailsTheProgram(t *testing.T) {
	build := onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ARN{Arn: fifoQueue(ctx, "jobs").Arn, Kind: asyncroute.KindSQS}
	})
	rejectsAtUpdate(t, build, fPrefix+`OnFailure: SQS queue "jobs.fifo"`+fifoMsg, "orders")
}

// During an update an ARN output without Kind is not an error: its kind is
// read from the ARN at deploy time (a preview of a new stack, where the ARN
// is unknown, asks for Kind), and checked as any other.
func TestARNOutputWithoutKindAtUpdate(t *testing.T) {
	st := run(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ARN{Arn: newQueue(ctx, "jobs", nil).Arn}
	}))
	assert.Equal(t, destinations("", arnOf("sqs", "jobs")), config(t, st, "orders").Inputs["destinationConfig"])
	assert.Equal(t, stmts(allow(sqsSend, arnOf("sqs", "jobs"))), statements(t, st, "orders"))

	rejectsAtUpdate(t, onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ARN{Arn: newBucketV2(ctx, "failures").Arn}
	}), fPrefix+`OnSuccess: S3 bucket (ARN known at deploy)`+s3Only, "orders")
	rejectsAtUpdate(t, deadLetter(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ARN{Arn: newTopic(ctx, "events.fifo", nil).Arn}
	}), fPrefix+`DeadLetter: SNS topic "events.fifo"`+fifoMsg, "orders")
}
