package simulate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scenarios of this file are where AWS loses, truncates or keeps
// going; each quotes the AWS sentence it plays (the rulebook,
// internal/lambdafacts, holds each with its page) and checks that the
// simulator takes the fact from there.

// chargeStack is a component "charge" with the given routing; its
// function's reserved concurrency is set when zero is true.
func chargeStack(args asyncroute.FunctionArgs, zero bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		args.Function = lambda.FunctionArgs{Name: pulumi.String("charge"), Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()}
		if zero {
			args.Function.ReservedConcurrentExecutions = pulumi.Int(0)
		}
		_, err := asyncroute.NewFunction(ctx, "charge", &args)
		return err
	}
}

// metricsOf is the one function's metrics after a scenario.
func metricsOf(t *testing.T, sim *simulate.Simulator) simulate.FunctionMetrics {
	t.Helper()
	ms := sim.Metrics()
	require.Len(t, ms, 1)
	return ms[0]
}

// tail is the trace's text after its first line (the invoke line, which
// holds a request ID).
func tail(sim *simulate.Simulator) []string { return sim.Trace().Lines()[1:] }

// TestThrottlesAreRetriedWithoutCountingAttempts: "For throttling errors
// (429) and system errors (500-series), Lambda returns the event to the
// queue and attempts to run the function again for up to 6 hours by
// default. The retry interval increases exponentially from 1 second after
// the first attempt to a maximum of 5 minutes."
func TestThrottlesAreRetriedWithoutCountingAttempts(t *testing.T) {
	require.Contains(t, lambdafacts.ThrottleSource.Says, "The retry interval increases exponentially from 1 second after the first attempt to a maximum of 5 minutes.")
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(1)}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": echo}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{"n":1}`), simulate.Throttled(3))
	require.NoError(t, err)
	assert.Equal(t, []string{
		`00:00:00.000  charge  throttled (429, TooManyRequestsException: the function has no concurrency free): Lambda returns the event to its queue and tries again in 1s (not counted against MaximumRetryAttempts)`,
		`00:00:01.000  charge  throttled (429, TooManyRequestsException: the function has no concurrency free): Lambda returns the event to its queue and tries again in 2s (not counted against MaximumRetryAttempts)`,
		`00:00:03.000  charge  throttled (429, TooManyRequestsException: the function has no concurrency free): Lambda returns the event to its queue and tries again in 4s (not counted against MaximumRetryAttempts)`,
		`00:00:07.000  charge  attempt 1 of 2: ok → {"n":1}`,
		`00:00:07.000  charge  on success: no destination; the response goes nowhere`,
	}, tail(sim))
	assert.Equal(t, 1, inv.Attempts, "throttled tries are not attempts")
	m := metricsOf(t, sim)
	assert.Equal(t, 1, m.AsyncEventsReceived)
	assert.Equal(t, 7*time.Second, m.AsyncEventAge, "the event waited 7 s before the function ran it")
	assert.Equal(t, 0, m.AsyncEventsDropped)
}

// TestThrottledPastTheMaximumEventAge: throttled tries go on "for up to 6
// hours by default", that is until the maximum event age: the event then
// expires without running, goes to the on-failure destination, and counts
// as dropped.
func TestThrottledPastTheMaximumEventAge(t *testing.T) {
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, MaxEventAge: asyncroute.EventAge(time.Minute)}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": echo}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`), simulate.Throttled(100))
	require.NoError(t, err)
	assert.Equal(t, records.EventAgeExceeded, inv.Condition)
	assert.Equal(t, 0, inv.Attempts)
	lines := tail(sim)
	require.Len(t, lines, 8)
	assert.Equal(t, `00:00:31.000  charge  throttled (429, TooManyRequestsException: the function has no concurrency free): Lambda returns the event to its queue and tries again in 32s (not counted against MaximumRetryAttempts)`, lines[5])
	assert.Equal(t, `00:01:03.000  charge  event expired: it is 1m3s old, past the maximum event age 1m (MaximumEventAgeInSeconds 60); Lambda discards it before its first attempt`, lines[6])
	assert.Len(t, sim.Records("charge-on-failure"), 1)
	m := metricsOf(t, sim)
	assert.Equal(t, 1, m.AsyncEventsDropped)
	assert.Equal(t, time.Duration(0), m.AsyncEventAge, "never run: no AsyncEventAge datapoint")
}

// TestSystemErrorsAreRetriedLikeThrottles: system errors (500-series) are
// retried like throttles, then function errors count against
// MaximumRetryAttempts as before.
func TestSystemErrorsAreRetriedLikeThrottles(t *testing.T) {
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(1)}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`), simulate.SystemErrors(2))
	require.NoError(t, err)
	assert.Equal(t, []string{
		`00:00:00.000  charge  failed with a system error (500-series, Lambda's own): Lambda returns the event to its queue and tries again in 1s (not counted against MaximumRetryAttempts)`,
		`00:00:01.000  charge  failed with a system error (500-series, Lambda's own): Lambda returns the event to its queue and tries again in 2s (not counted against MaximumRetryAttempts)`,
		`00:00:03.000  charge  attempt 1 of 2: failed: errorString: payment service unavailable; retry in 1m`,
		`00:01:03.000  charge  attempt 2 of 2: failed: errorString: payment service unavailable; retries exhausted (MaximumRetryAttempts 1)`,
	}, tail(sim)[:4])
	assert.Equal(t, 2, inv.Attempts)
	assert.Equal(t, records.RetriesExhausted, inv.Condition)
}

// TestReservedConcurrencyZero: "Zero reserved concurrency: No retry", and
// the event "once discarded from the event queue goes to the destination
// or DLQ, if configured"; AsyncEventsDropped counts it ("reserved
// concurrency may be set to 0").
func TestReservedConcurrencyZero(t *testing.T) {
	require.Contains(t, lambdafacts.ZeroConcurrencySource.Says, "Zero reserved concurrency: No retry.")
	require.Contains(t, lambdafacts.MetricOf(lambdafacts.AsyncEventsDropped).Source.Says, "reserved concurrency may be set to 0")
	ran := 0
	counting := simulate.HandlerFunc(func(_ context.Context, e json.RawMessage) (json.RawMessage, error) { ran++; return e, nil })
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, DeadLetter: asyncroute.NewQueue{}}, true),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": counting}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{"n":1}`))
	require.NoError(t, err)
	assert.Zero(t, ran, "the handler never runs")
	assert.Equal(t, 0, inv.Attempts)
	assert.Equal(t, records.RetriesExhausted, inv.Condition)
	lines := tail(sim)
	assert.Equal(t, `00:00:00.000  charge  reserved concurrency is 0: Lambda runs none of this function's events; it sends this one to the failure targets at once, without retries`, lines[0])
	recs := sim.Records("charge-on-failure")
	require.Len(t, recs, 1)
	assert.Equal(t, 0, recs[0].RequestContext.ApproximateInvokeCount)
	dls := sim.DeadLetters("charge-dead-letter")
	require.Len(t, dls, 1)
	assert.Equal(t, 429, dls[0].ErrorCode)
	assert.Equal(t, "TooManyRequestsException: the function's reserved concurrency is 0", dls[0].ErrorMessage)
	m := metricsOf(t, sim)
	assert.Equal(t, 1, m.AsyncEventsReceived)
	assert.Equal(t, 1, m.AsyncEventsDropped)
}

// big is a JSON string of n bytes in all.
func big(n int) json.RawMessage { return json.RawMessage(`"` + strings.Repeat("x", n-2) + `"`) }

// TestSNSDestinationDropsThePayload: "Amazon SNS destinations have a
// message size limit of 256 KB. If the combined size of the function
// request and response payload exceeds the limit, Lambda will drop the
// payload when sending OnFailure event to the destination."
func TestSNSDestinationDropsThePayload(t *testing.T) {
	require.Contains(t, lambdafacts.SNSDestinationSource.Says, "Lambda will drop the payload")
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnSuccess: asyncroute.NewTopic{}}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", big(150_000))
	require.NoError(t, err)
	recs := sim.Records("charge-on-success")
	require.Len(t, recs, 1)
	assert.Nil(t, recs[0].RequestPayload)
	assert.Nil(t, recs[0].ResponsePayload)
	assert.Equal(t, records.Success, recs[0].RequestContext.Condition)
	assert.Contains(t, tail(sim)[1], "record Success (approximateInvokeCount 1) delivered, no subscriptions in the stack (requestPayload and responsePayload dropped: together 300000 bytes, over the 262144 bytes of an SNS destination")
	assert.Empty(t, sim.Trace().Problems())
	assert.Zero(t, metricsOf(t, sim).DestinationDeliveryFailures)

	// Within the limit, the payload stays.
	_, err = sim.InvokeAsync(context.Background(), "charge", big(100_000))
	require.NoError(t, err)
	assert.NotNil(t, sim.Records("charge-on-success")[1].RequestPayload)
}

// TestOversizedRecordIsADeliveryFailure: DestinationDeliveryFailures
// "Delivery errors can occur due to permissions errors, incorrectly
// configured resources, or size limits": a record over an SQS queue's
// 1 MiB is not delivered.
func TestOversizedRecordIsADeliveryFailure(t *testing.T) {
	require.Contains(t, lambdafacts.MetricOf(lambdafacts.DestinationDeliveryFailures).Source.Says, "or size limits")
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnSuccess: asyncroute.NewQueue{}}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": simulate.HandlerFunc(func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return big(1_100_000), nil
		})}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Empty(t, sim.Records("charge-on-success"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Text, "record Success (approximateInvokeCount 1) NOT delivered: it is ")
	assert.Contains(t, problems[0].Text, " bytes, over the 1048576 bytes an SQS queue takes; Lambda drops it and counts DestinationDeliveryFailures")
	assert.Equal(t, 1, metricsOf(t, sim).DestinationDeliveryFailures)
}

// TestDeadLetterOverItsLimit: DeadLetterErrors "Dead-letter errors can
// occur due to incorrectly set resources or size limits": an event of
// 300 KB does not fit an SNS dead-letter topic's 256 KB.
func TestDeadLetterOverItsLimit(t *testing.T) {
	require.Contains(t, lambdafacts.MetricOf(lambdafacts.DeadLetterErrors).Source.Says, "size limits")
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{DeadLetter: asyncroute.NewTopic{}, MaxRetries: pulumi.IntRef(0)}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", big(300_000))
	require.NoError(t, err)
	assert.Empty(t, sim.DeadLetters("charge-dead-letter"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Text, "dead letter → SNS topic charge-dead-letter: original event")
	// 300000 bytes of event, and the attributes RequestID (9 + 36),
	// ErrorCode (9 + 3) and ErrorMessage (12 + 27): 300096 bytes.
	assert.Contains(t, problems[0].Text, "NOT delivered: the event and its attributes are 300096 bytes, over the 262144 bytes an SNS topic takes; Lambda drops it and counts DeadLetterErrors")
	m := metricsOf(t, sim)
	assert.Equal(t, 1, m.DeadLetterErrors)
	assert.Equal(t, 1, m.AsyncEventsDropped)
}

// TestResponseOverSixMB: a response over the 6 MB limit is a function
// error: "Response payload size exceeded maximum allowed payload size
// (6291556 bytes)." (Function.ResponseSizeTooLarge), retried as one.
func TestResponseOverSixMB(t *testing.T) {
	require.Equal(t, "Response payload size exceeded maximum allowed payload size (6291556 bytes).", lambdafacts.ResponseSource.Says)
	sim, err := simulate.Run(chargeStack(asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(0)}, false),
		simulate.Config{Handlers: map[string]simulate.Handler{"charge": simulate.HandlerFunc(func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return big(7 << 20), nil
		})}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Equal(t, records.RetriesExhausted, inv.Condition)
	require.NotNil(t, inv.Error)
	assert.Equal(t, "Function.ResponseSizeTooLarge", inv.Error.Type)
	assert.Equal(t, `00:00:00.000  charge  attempt 1 of 1: failed: Function.ResponseSizeTooLarge: Response payload size exceeded maximum allowed payload size (6291556 bytes).; retries exhausted (MaximumRetryAttempts 0)`, tail(sim)[0])
}

// TestFIFOTargetIsADeliveryFailure: DestinationDeliveryFailures "Errors
// can also occur if the destination you have configured is an unsupported
// type, such as an Amazon SQS FIFO queue or an Amazon SNS FIFO topic." A
// raw stack's config may name one (the components refuse it).
func TestFIFOTargetIsADeliveryFailure(t *testing.T) {
	require.Contains(t, lambdafacts.MetricOf(lambdafacts.DestinationDeliveryFailures).Source.Says, "such as an Amazon SQS FIFO queue or an Amazon SNS FIFO topic")
	program := func(ctx *pulumi.Context) error {
		jobs := must(sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{FifoQueue: pulumi.Bool(true)}))
		role := must(iam.NewRole(ctx, "role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)}))
		must(iam.NewRolePolicy(ctx, "grants", &iam.RolePolicyArgs{Role: role.Name,
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, jobs.Arn)}))
		fn := must(lambda.NewFunction(ctx, "job", &lambda.FunctionArgs{Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()}))
		must(lambda.NewFunctionEventInvokeConfig(ctx, "job-config", &lambda.FunctionEventInvokeConfigArgs{FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(0),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: jobs.Arn}}}))
		return nil
	}
	sim, err := simulate.Run(program, simulate.Config{Handlers: map[string]simulate.Handler{"job": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "job", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Empty(t, sim.Records("jobs"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Equal(t, `00:00:00.000  job  on failure → SQS queue jobs: record RetriesExhausted (approximateInvokeCount 1) NOT delivered: SQS queue jobs is FIFO, `+
		`and Lambda cannot deliver to a FIFO queue or topic; Lambda drops it and counts DestinationDeliveryFailures`, problems[0].String())
	m := metricsOf(t, sim)
	assert.Equal(t, 1, m.DestinationDeliveryFailures)
	assert.Equal(t, 1, m.AsyncEventsDropped)
}

// selfPublisher: "echo" is subscribed to topic "echo-in" and its code
// publishes what it gets to that topic (simulate.Write: sns:Publish with
// an AWS SDK), so every run invokes it again; allow sets its RecursiveLoop
// to Allow.
func selfPublisher(allow bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		topic := must(sns.NewTopic(ctx, "echo-in", &sns.TopicArgs{Name: pulumi.String("echo-in")}))
		fn, err := asyncroute.NewFunction(ctx, "echo", &asyncroute.FunctionArgs{
			Function:  lambda.FunctionArgs{Name: pulumi.String("echo"), Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()},
			OnFailure: asyncroute.NewQueue{},
		})
		if err != nil {
			return err
		}
		must(iam.NewRolePolicy(ctx, "echo-publish", &iam.RolePolicyArgs{Role: fn.Role.Name,
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, topic.Arn)}))
		must(sns.NewTopicSubscription(ctx, "echo-sub", &sns.TopicSubscriptionArgs{Topic: topic.Arn, Protocol: pulumi.String("lambda"), Endpoint: fn.FunctionArn}))
		if allow {
			must(lambda.NewFunctionRecursionConfig(ctx, "echo-recursion", &lambda.FunctionRecursionConfigArgs{FunctionName: fn.FunctionName, RecursiveLoop: pulumi.String("Allow")}))
		}
		return nil
	}
}

// publish is echo's code: it publishes a small message to echo-in.
var publish = simulate.HandlerFunc(func(ctx context.Context, e json.RawMessage) (json.RawMessage, error) {
	return e, simulate.Write(ctx, "arn:aws:sns:us-east-1:123456789012:echo-in", json.RawMessage(`{"again":true}`))
})

// TestLoopThroughSDKWritesIsStopped: "If your function is invoked more
// than 16 times in the same chain of requests, then Lambda automatically
// stops the next function invocation in that request chain and notifies
// you", for a loop through SNS written by the function's code, with
// RecursiveLoop Terminate (the default); the event goes to the on-failure
// destination and RecursiveInvocationsDropped counts it.
func TestLoopThroughSDKWritesIsStopped(t *testing.T) {
	require.Contains(t, lambdafacts.RecursionSource.Says, "more than 16 times in the same chain of requests")
	sim, err := simulate.Run(selfPublisher(false), simulate.Config{Handlers: map[string]simulate.Handler{"echo": publish}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "echo", json.RawMessage(`{}`))
	require.NoError(t, err)
	invs := sim.Invocations()
	require.Len(t, invs, simulate.MaxChainInvocations+1)
	last := invs[len(invs)-1]
	assert.Equal(t, simulate.ConditionRecursiveLoop, last.Condition)
	assert.Equal(t, 0, last.Attempts)
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Equal(t, `00:00:00.000  echo  recursive loop: echo ran 16 times in this chain of requests, through writes of the functions' code that Lambda's recursive-loop detection follows; `+
		`Lambda stops the next invocation (RecursiveInvocationException, RecursiveLoop Terminate) and sends the event to the on-failure destination or DLQ`, problems[0].String())
	require.Len(t, sim.Records("echo-on-failure"), 1)
	assert.Equal(t, simulate.ConditionRecursiveLoop, sim.Records("echo-on-failure")[0].RequestContext.Condition)
	m := metricsOf(t, sim)
	assert.Equal(t, 17, m.AsyncEventsReceived)
	assert.Equal(t, 1, m.RecursiveInvocationsDropped)
	assert.Equal(t, 1, m.AsyncEventsDropped)
}

// TestLoopAllowedIsNotStopped: "When Lambda detects a recursive loop and
// your function's recursive loop detection configuration is set to
// Terminate, it stops your function being invoked": with Allow (a
// FunctionRecursionConfig of the stack) Lambda lets it run; the simulator
// stops at its own bound and says AWS would not.
func TestLoopAllowedIsNotStopped(t *testing.T) {
	require.Contains(t, lambdafacts.RecursionConfigSource.Says, "is set to Terminate, it stops your function being invoked")
	sim, err := simulate.Run(selfPublisher(true), simulate.Config{Handlers: map[string]simulate.Handler{"echo": publish}, LoopBound: 20})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "echo", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Len(t, sim.Invocations(), 21)
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Equal(t, `00:00:00.000  echo  loop: echo ran 20 times in this chain of requests; AWS would not stop this loop (the function's RecursiveLoop is Allow (recursion config echo-recursion), `+
		`so Lambda lets the loop run): it goes on in AWS, with every cost and side effect; the simulator stops here (its bound, Config.LoopBound 20)`, problems[0].String())
	assert.Empty(t, sim.Records("echo-on-failure"), "nothing stops it in AWS: no failure record")
	assert.Zero(t, metricsOf(t, sim).RecursiveInvocationsDropped)
}

// TestLoopThroughEventBridgeIsNotStopped: recursive-loop detection follows
// the functions' own writes to SQS, SNS, S3 and Lambda, not destinations
// or EventBridge rules: a response-only style loop through a bus runs on
// in AWS. The simulator stops it at its bound and says so; no record goes
// to the failure queue.
func TestLoopThroughEventBridgeIsNotStopped(t *testing.T) {
	assert.False(t, lambdafacts.DetectsLoopsThrough(lambdafacts.KindEventBridge))
	sim, err := simulate.Run(loopStack, simulate.Config{Handlers: map[string]simulate.Handler{"relay": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "relay", json.RawMessage(`{"n":1}`))
	require.NoError(t, err)
	invs := sim.Invocations()
	require.Len(t, invs, simulate.MaxChainInvocations+1)
	for _, inv := range invs[:simulate.MaxChainInvocations] {
		assert.Equal(t, records.Success, inv.Condition)
		assert.JSONEq(t, `{"n":1}`, string(inv.Event), "the rule passes the response payload on")
	}
	last := invs[len(invs)-1]
	assert.True(t, last.NotRun)
	assert.Empty(t, last.Condition, "AWS does not stop it: no condition, no record")
	assert.Empty(t, sim.Records("relay-failures"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Equal(t, simulate.StepLoop, problems[0].Step)
	assert.Equal(t, `00:00:00.000  relay  loop: relay ran 16 times in this chain of requests; AWS would not stop this loop (the loop passes through rule relay-again (EventBridge), `+
		`which Lambda's recursive-loop detection does not follow: it follows only writes the functions' code makes with an AWS SDK to SQS, SNS, S3 and Lambda): `+
		`it goes on in AWS, with every cost and side effect; the simulator stops here (its bound, Config.LoopBound 16)`, problems[0].String())
	assert.Zero(t, metricsOf(t, sim).RecursiveInvocationsDropped)
}

// TestMetricsShowWhichAlarmWouldFire: the trace counts what each metric
// would read, and names the stack's alarms the values would set off.
func TestMetricsShowWhichAlarmWouldFire(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		jobs := must(sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{}))
		fn, err := asyncroute.NewFunction(ctx, "charge", &asyncroute.FunctionArgs{
			Function:  lambda.FunctionArgs{Name: pulumi.String("charge"), Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()},
			OnSuccess: asyncroute.SQSQueue{Queue: jobs}, MaxRetries: pulumi.IntRef(0),
			Alarms: &asyncroute.Alarms{},
		})
		if err != nil {
			return err
		}
		// Another statement of the role denies the queue: the delivery fails.
		must(iam.NewRolePolicy(ctx, "deny", &iam.RolePolicyArgs{Role: fn.Role.Name,
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"%s"}]}`, jobs.Arn)}))
		return nil
	}
	sim, err := simulate.Run(program, simulate.Config{Handlers: map[string]simulate.Handler{"charge": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`))
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{}`), simulate.UseHandler(failing))
	require.NoError(t, err)
	m := metricsOf(t, sim)
	assert.Equal(t, simulate.FunctionMetrics{Function: "charge", FunctionName: "charge", Qualifier: "$LATEST",
		AsyncEventsReceived: 2, AsyncEventsDropped: 1, DestinationDeliveryFailures: 1,
		Firing: []string{
			"charge-alarm-async-events-dropped (AsyncEventsDropped Sum 1 > 0)",
			"charge-alarm-destination-delivery-failures (DestinationDeliveryFailures Sum 1 > 0)",
		}}, m)
	var b strings.Builder
	require.NoError(t, sim.Metrics().Write(&b))
	assert.Equal(t, "charge  AsyncEventsReceived 2, AsyncEventAge 0 ms, AsyncEventsDropped 1, DestinationDeliveryFailures 1, DeadLetterErrors 0, RecursiveInvocationsDropped 0\n"+
		"        → alarm charge-alarm-async-events-dropped (AsyncEventsDropped Sum 1 > 0) would fire\n"+
		"        → alarm charge-alarm-destination-delivery-failures (DestinationDeliveryFailures Sum 1 > 0) would fire\n", b.String())
}
