package simulate_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// inline is function code the simulator does not run: Go handlers stand in.
func inline() pulumi.ArchiveInput {
	return pulumi.NewAssetArchive(map[string]interface{}{"index.js": pulumi.NewStringAsset("exports.handler = async () => ({})")})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// failing is a Go handler that fails every attempt.
var failing = simulate.HandlerFunc(func(context.Context, json.RawMessage) (json.RawMessage, error) {
	return nil, errors.New("payment service unavailable")
})

// echo is a Go handler that returns its event.
var echo = simulate.HandlerFunc(func(_ context.Context, e json.RawMessage) (json.RawMessage, error) { return e, nil })

// rawStack: a function whose role is granted the on-success queue only,
// not the on-failure queue, nor its dead-letter topic.
func rawStack(ctx *pulumi.Context) error {
	okQueue := must(sqs.NewQueue(ctx, "results", &sqs.QueueArgs{}))
	failQueue := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{}))
	dlq := must(sns.NewTopic(ctx, "dead-letters", &sns.TopicArgs{}))
	role := must(iam.NewRole(ctx, "worker-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)}))
	must(iam.NewRolePolicy(ctx, "worker-grants", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, okQueue.Arn),
	}))
	fn := must(lambda.NewFunction(ctx, "worker", &lambda.FunctionArgs{
		Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline(),
		DeadLetterConfig: &lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq.Arn},
	}))
	must(lambda.NewFunctionEventInvokeConfig(ctx, "worker-config", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:         fn.Name,
		MaximumRetryAttempts: pulumi.Int(0),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: okQueue.Arn},
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: failQueue.Arn},
		},
	}))
	return nil
}

func TestMissingGrantFailsTheDeliveryVisibly(t *testing.T) {
	ctx := context.Background()
	sim, err := simulate.Run(rawStack, simulate.Config{Handlers: map[string]simulate.Handler{"worker": echo}})
	require.NoError(t, err)

	// Granted: the record arrives.
	_, err = sim.InvokeAsync(ctx, "worker", json.RawMessage(`{"job":1}`))
	require.NoError(t, err)
	require.Len(t, sim.Records("results"), 1)

	// Not granted: the on-failure record and the dead letter are lost, and
	// the trace says why.
	sim.SetHandler("worker", failing)
	inv, err := sim.InvokeAsync(ctx, "worker", json.RawMessage(`{"job":2}`))
	require.NoError(t, err)
	assert.Equal(t, records.RetriesExhausted, inv.Condition)
	assert.Empty(t, sim.DeliveriesTo("failures"))
	assert.Empty(t, sim.DeliveriesTo("dead-letters"))

	lines := sim.Trace().Lines()
	assert.Contains(t, lines, `00:00:00.000  worker  attempt 1 of 1: failed: errorString: payment service unavailable; retries exhausted (MaximumRetryAttempts 0)`)
	assertLine(t, lines, `^00:00:00\.000  worker  on failure → SQS queue failures: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is not allowed sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:failures-[0-9a-f]+ \(no policy of the role grants it\); Lambda drops it and counts DestinationDeliveryFailures$`)
	assertLine(t, lines, `^00:00:00\.000  worker  dead letter → SNS topic dead-letters: original event \(RequestID [0-9a-f]{8}, ErrorCode 200\) NOT delivered: `+
		`the execution role is not allowed sns:Publish on arn:aws:sns:us-east-1:123456789012:dead-letters-[0-9a-f]+ \(no policy of the role grants it\); Lambda drops it and counts DeadLetterErrors$`)
	problems := sim.Trace().Problems()
	require.Len(t, problems, 2)
	assert.Equal(t, simulate.StepOnFailure, problems[0].Step)
	assert.Equal(t, simulate.OutcomeDeliveryFailed, problems[0].Outcome)
	assert.Equal(t, simulate.StepDeadLetter, problems[1].Step, "the on-failure destination first, then the dead-letter target")
}

// TestExplicitDenyFailsTheDelivery: a role allowed everything but denied
// sending to the failure queue loses the record, and the trace names the
// Deny.
func TestExplicitDenyFailsTheDelivery(t *testing.T) {
	sim := failOnce(t, func(ctx *pulumi.Context) error {
		fails := must(sqs.NewQueue(ctx, "fails", &sqs.QueueArgs{}))
		failedJob(ctx, fails.Arn, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},`+
			`{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"%s"}]}`, fails.Arn))
		return nil
	})
	assert.Empty(t, sim.DeliveriesTo("fails"))
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → SQS queue fails: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is denied sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:fails-[0-9a-f]+ by aws:iam/rolePolicy:RolePolicy "grants" \(an explicit Deny\); Lambda drops it and counts DestinationDeliveryFailures$`)
}

// TestQueuePolicyDenyFailsTheDelivery: the failure queue's policy denies
// the role: the record is lost whatever the role allows, and the trace
// names the queue policy's statement (the rules' decision, ASYNC001).
func TestQueuePolicyDenyFailsTheDelivery(t *testing.T) {
	program := func(effect string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			fails := must(sqs.NewQueue(ctx, "fails", &sqs.QueueArgs{}))
			must(sqs.NewQueuePolicy(ctx, "fails-policy", &sqs.QueuePolicyArgs{QueueUrl: fails.Url,
				Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"NoJobs","Effect":%q,"Principal":{"AWS":%q},"Action":"sqs:SendMessage","Resource":"*"}]}`,
					effect, "arn:aws:iam::123456789012:role/job-role")}))
			failedJob(ctx, fails.Arn, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, fails.Arn))
			return nil
		}
	}
	sim := failOnce(t, program("Deny"))
	assert.Empty(t, sim.DeliveriesTo("fails"))
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → SQS queue fails: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is denied sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:fails-[0-9a-f]+ by aws:sqs/queuePolicy:QueuePolicy "fails-policy" \(statement "NoJobs"\) \(an explicit Deny\); Lambda drops it and counts DestinationDeliveryFailures$`)

	sim = failOnce(t, program("Allow"))
	assert.Len(t, sim.DeliveriesTo("fails"), 1)
	assert.Empty(t, sim.Trace().Problems())
}

func assertLine(t *testing.T, lines []string, pattern string) {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for _, l := range lines {
		if re.MatchString(l) {
			return
		}
	}
	t.Errorf("no trace line matches %s in:\n%s", pattern, strings.Join(lines, "\n"))
}

// componentStack: a function with both an on-failure queue and a DLQ
// topic, MaxRetries 2, a success topic with a queue subscribed raw.
func componentStack(maxAge *time.Duration) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		ok := must(sns.NewTopic(ctx, "ok", &sns.TopicArgs{}))
		fails := must(sqs.NewQueue(ctx, "fails", &sqs.QueueArgs{}))
		dlq := must(sns.NewTopic(ctx, "dlq", &sns.TopicArgs{}))
		audit := must(sqs.NewQueue(ctx, "audit", &sqs.QueueArgs{}))
		must(sns.NewTopicSubscription(ctx, "ok-audit", &sns.TopicSubscriptionArgs{
			Topic: ok.Arn, Protocol: pulumi.String("sqs"), Endpoint: audit.Arn, RawMessageDelivery: pulumi.Bool(true),
		}))
		_, err := asyncroute.NewFunction(ctx, "charge", &asyncroute.FunctionArgs{
			Function:    lambda.FunctionArgs{Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()},
			OnSuccess:   asyncroute.SNSTopic{Topic: ok},
			OnFailure:   asyncroute.SQSQueue{Queue: fails},
			DeadLetter:  asyncroute.SNSTopic{Topic: dlq},
			MaxRetries:  pulumi.IntRef(2),
			MaxEventAge: maxAge,
		})
		return err
	}
}

func TestRetriesThenOnFailureThenDeadLetter(t *testing.T) {
	ctx := context.Background()
	sim, err := simulate.Run(componentStack(nil), simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(ctx, "charge", json.RawMessage(`{"amount":12}`))
	require.NoError(t, err)
	assert.Equal(t, 3, inv.Attempts)
	assert.Equal(t, records.RetriesExhausted, inv.Condition)

	var attempts []time.Duration
	var order []simulate.Step
	for _, e := range sim.Trace() {
		switch e.Step {
		case simulate.StepAttempt:
			attempts = append(attempts, e.Elapsed)
		case simulate.StepOnFailure, simulate.StepDeadLetter:
			order = append(order, e.Step)
		}
	}
	assert.Equal(t, []time.Duration{0, time.Minute, 3 * time.Minute}, attempts, "one minute before the first retry, two before the second")
	assert.Equal(t, []simulate.Step{simulate.StepOnFailure, simulate.StepDeadLetter}, order)

	recs := sim.Records("fails")
	require.Len(t, recs, 1)
	rec := recs[0]
	assert.Equal(t, 3, rec.RequestContext.ApproximateInvokeCount)
	assert.Equal(t, "2025-01-01T00:03:00.000Z", rec.Timestamp)
	assert.JSONEq(t, `{"amount":12}`, string(rec.RequestPayload))
	fe, failed := rec.FunctionError()
	require.True(t, failed)
	assert.Equal(t, "Unhandled", fe.Kind)
	assert.Equal(t, "payment service unavailable", fe.ErrorMessage)
	assert.True(t, strings.HasSuffix(rec.RequestContext.FunctionArn, ":$LATEST"))

	dls := sim.DeadLetters("dlq")
	require.Len(t, dls, 1)
	assert.JSONEq(t, `{"amount":12}`, string(dls[0].Event), "the DLQ gets the original event only")
	assert.Equal(t, rec.RequestContext.RequestID, dls[0].RequestID)
	assert.Equal(t, 200, dls[0].ErrorCode)
	assert.Equal(t, "payment service unavailable", dls[0].ErrorMessage)
	assert.Empty(t, sim.Trace().Problems())
}

func TestSuccessThroughATopicToARawSubscriber(t *testing.T) {
	sim, err := simulate.Run(componentStack(nil), simulate.Config{Handlers: map[string]simulate.Handler{"charge": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{"amount":5}`))
	require.NoError(t, err)
	topic := sim.DeliveriesTo("ok")
	require.Len(t, topic, 1)
	rec, err := records.FromSNSNotification(topic[0].Body)
	require.NoError(t, err)
	assert.Equal(t, records.Success, rec.RequestContext.Condition)
	queued := sim.DeliveriesTo("audit")
	require.Len(t, queued, 1)
	assert.Equal(t, "subscription to SNS topic ok", queued[0].Via)
	body, err := records.FromSQSBody(queued[0].Body)
	require.NoError(t, err, "raw delivery: the queue's body is the record itself")
	assert.Equal(t, rec, body)
	assert.Empty(t, sim.DeliveriesTo("fails"))
}

func TestEventAgeExceededBetweenRetries(t *testing.T) {
	minute := time.Minute
	sim, err := simulate.Run(componentStack(&minute), simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	inv, err := sim.InvokeAsync(context.Background(), "charge", json.RawMessage(`{"amount":1}`))
	require.NoError(t, err)
	assert.Equal(t, records.EventAgeExceeded, inv.Condition)
	assert.Equal(t, 2, inv.Attempts, "attempts at 0 and 1m; the retry due at 3m is past the 1m maximum age")
	rec := sim.Records("fails")[0]
	assert.Equal(t, records.EventAgeExceeded, rec.RequestContext.Condition)
	assert.Equal(t, 2, rec.RequestContext.ApproximateInvokeCount)
	fe, failed := rec.FunctionError()
	assert.True(t, failed, "the record keeps the last attempt's error")
	assert.Equal(t, "payment service unavailable", fe.ErrorMessage)
	assert.Contains(t, sim.Trace().String(),
		"00:03:00.000  charge  event expired: it is 3m old, past the maximum event age 1m (MaximumEventAgeInSeconds 60); Lambda discards it after 2 of 3 attempts\n")
}

func TestSyncInvokeReachesNoDestination(t *testing.T) {
	sim, err := simulate.Run(componentStack(nil), simulate.Config{Handlers: map[string]simulate.Handler{"charge": failing}})
	require.NoError(t, err)
	inv, err := sim.InvokeSync(context.Background(), "charge", json.RawMessage(`{"amount":3}`))
	require.NoError(t, err)
	assert.False(t, inv.Async)
	assert.Equal(t, 1, inv.Attempts)
	require.NotNil(t, inv.Error)
	assert.Nil(t, inv.Record)
	assert.Empty(t, sim.Deliveries())
	lines := sim.Trace().Lines()
	assert.Equal(t, []string{
		`00:00:00.000  charge  invoke sync (RequestResponse), request ` + inv.RequestID[:8] + `: {"amount":3}`,
		`00:00:00.000  charge  attempt 1 of 1: failed: errorString: payment service unavailable (returned to the caller; Lambda does not retry a synchronous invocation)`,
		`00:00:00.000  charge  synchronous invocation: no record and no dead letter (destinations are for asynchronous invocations only): ` +
			`on success → SNS topic ok, on failure → SQS queue fails, dead letter → SNS topic dlq get nothing`,
	}, lines)
	assert.Equal(t, simulate.StepSync, sim.Trace()[2].Step)
	assert.Equal(t, simulate.OutcomeNotUsed, sim.Trace()[2].Outcome)
}

// loopStack: "relay" puts its result on a bus whose rule invokes relay
// with the result (InputPath $.detail.responsePayload): the event does not
// grow, so only recursive-loop detection stops it.
func loopStack(ctx *pulumi.Context) error {
	bus := must(cloudwatch.NewEventBus(ctx, "loop-bus", &cloudwatch.EventBusArgs{Name: pulumi.String("loop-bus")}))
	failures := must(sqs.NewQueue(ctx, "relay-failures", &sqs.QueueArgs{}))
	role := must(iam.NewRole(ctx, "relay-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)}))
	must(iam.NewRolePolicy(ctx, "relay-grants", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:PutEvents","Resource":"%s"},{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`,
			bus.Arn, failures.Arn),
	}))
	fn := must(lambda.NewFunction(ctx, "relay", &lambda.FunctionArgs{
		Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline(),
	}))
	must(lambda.NewFunctionEventInvokeConfig(ctx, "relay-config", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName: fn.Name,
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: bus.Arn},
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: failures.Arn},
		},
	}))
	rule := must(cloudwatch.NewEventRule(ctx, "relay-again", &cloudwatch.EventRuleArgs{
		EventBusName: bus.Name,
		EventPattern: pulumi.Sprintf(`{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"],"resources":["%s:$LATEST"]}`, fn.Arn),
	}))
	must(cloudwatch.NewEventTarget(ctx, "relay-again-target", &cloudwatch.EventTargetArgs{
		Rule: rule.Name, EventBusName: bus.Name, Arn: fn.Arn, InputPath: pulumi.String("$.detail.responsePayload"),
	}))
	return nil
}

// growStack: "echo" publishes its record on a topic that invokes echo with
// the SNS event, so every hop carries the previous record, escaped.
func growStack(ctx *pulumi.Context) error {
	topic := must(sns.NewTopic(ctx, "echo-out", &sns.TopicArgs{}))
	fn, err := asyncroute.NewFunction(ctx, "echo", &asyncroute.FunctionArgs{
		Function:  lambda.FunctionArgs{Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()},
		OnSuccess: asyncroute.SNSTopic{Topic: topic},
		OnFailure: asyncroute.NewQueue{},
	})
	if err != nil {
		return err
	}
	must(sns.NewTopicSubscription(ctx, "echo-in", &sns.TopicSubscriptionArgs{
		Topic: topic.Arn, Protocol: pulumi.String("lambda"), Endpoint: fn.FunctionArn,
	}))
	return nil
}

// TestGrowingRecordsThroughSNS: every hop of growStack carries the
// previous record, so the records grow until the SNS destination drops
// their payloads (lambdafacts.SNSDestinationSource); the loop, through a
// destination that recursive-loop detection does not follow, then runs
// on, and the simulator stops it at its bound.
func TestGrowingRecordsThroughSNS(t *testing.T) {
	sim, err := simulate.Run(growStack, simulate.Config{Handlers: map[string]simulate.Handler{"echo": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "echo", json.RawMessage(`{"n":1}`))
	require.NoError(t, err)
	dropped := 0
	for _, r := range sim.Records("echo-out") {
		if r.RequestPayload == nil {
			dropped++
		}
	}
	assert.Positive(t, dropped, "a record over 256 KB lost its payload")
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1)
	assert.Equal(t, simulate.StepLoop, problems[0].Step)
	assert.Contains(t, problems[0].Text, "AWS would not stop this loop (the loop passes through on success of echo → SNS topic echo-out (a destination), which Lambda's recursive-loop detection does not follow")
	assert.Len(t, sim.Invocations(), simulate.MaxChainInvocations+1)
}

// TestAsyncPayloadLimit: "For asynchronous invocations, the maximum
// payload size is 1 MB."
func TestAsyncPayloadLimit(t *testing.T) {
	sim, err := simulate.Run(growStack, simulate.Config{Handlers: map[string]simulate.Handler{"echo": echo}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "echo", json.RawMessage(`"`+strings.Repeat("x", simulate.MaxAsyncPayload)+`"`))
	assert.ErrorContains(t, err, "RequestEntityTooLargeException")
	assert.Equal(t, lambdafacts.MaxAsyncPayload, simulate.MaxAsyncPayload)
}

func TestReferencesAndErrors(t *testing.T) {
	sim, err := simulate.Run(componentStack(nil), simulate.Config{})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = sim.InvokeAsync(ctx, "charge", json.RawMessage(`{}`))
	assert.ErrorContains(t, err, "function charge (charge-")
	assert.ErrorContains(t, err, "has no handler")
	_, err = sim.InvokeAsync(ctx, "nope", json.RawMessage(`{}`))
	assert.ErrorContains(t, err, `simulate: no function "nope"; the stack has: charge (charge-`)
	_, err = sim.InvokeAsync(ctx, "charge:live", json.RawMessage(`{}`))
	assert.EqualError(t, err, `simulate: function charge has no alias "live" in the stack; it can be invoked as $LATEST`)
	_, err = sim.InvokeAsync(ctx, "charge", json.RawMessage(`{`), simulate.UseHandler(echo))
	assert.ErrorContains(t, err, "the payload is not JSON")

	fns := sim.Functions()
	require.Len(t, fns, 1)
	for _, ref := range []string{"charge", fns[0].FunctionName, fns[0].Arn, fns[0].Arn + ":$LATEST", fns[0].URN, fns[0].FunctionName + ":$LATEST"} {
		inv, err := sim.InvokeAsync(ctx, ref, json.RawMessage(`{}`), simulate.UseHandler(echo))
		require.NoError(t, err, ref)
		assert.Equal(t, "charge", inv.Function, ref)
		assert.Equal(t, fns[0].Arn+":$LATEST", inv.FunctionArn, ref)
	}
	n, age, configured, err := sim.Settings("charge")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, 6*time.Hour, age)
	assert.True(t, configured)
}

func TestPreviewGraphIsRefused(t *testing.T) {
	_, err := simulate.Run(componentStack(nil), simulate.Config{}, mockmonitor.Preview())
	assert.ErrorContains(t, err, "are not known (a preview?)")
}

// TestBoundaryFailsTheDelivery: a role granted the failure queue but
// bounded by a policy that allows only logs loses the record, and the
// trace names the boundary (the rules' decision, ASYNC001).
func TestBoundaryFailsTheDelivery(t *testing.T) {
	program := func(allow string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			fails := must(sqs.NewQueue(ctx, "fails", &sqs.QueueArgs{}))
			boundary := must(iam.NewPolicy(ctx, "org-boundary", &iam.PolicyArgs{
				Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + allow + `,"Resource":"*"}]}`),
			}))
			role := must(iam.NewRole(ctx, "role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust), PermissionsBoundary: boundary.Arn}))
			must(iam.NewRolePolicy(ctx, "grants", &iam.RolePolicyArgs{
				Role:   role.Name,
				Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, fails.Arn),
			}))
			fn := must(lambda.NewFunction(ctx, "job", &lambda.FunctionArgs{
				Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline(),
			}))
			must(lambda.NewFunctionEventInvokeConfig(ctx, "job-config", &lambda.FunctionEventInvokeConfigArgs{
				FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(0),
				DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
					OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: fails.Arn},
				},
			}))
			return nil
		}
	}
	sim, err := simulate.Run(program(`["logs:CreateLogStream","logs:PutLogEvents"]`), simulate.Config{Handlers: map[string]simulate.Handler{"job": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "job", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Empty(t, sim.DeliveriesTo("fails"))
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → SQS queue fails: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role's permissions boundary aws:iam/policy:Policy "org-boundary" does not allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:fails-[0-9a-f]+ `+
		`\(a role may do only what both its policies and its permissions boundary allow\); Lambda drops it and counts DestinationDeliveryFailures$`)

	// A boundary that allows the destinations: delivered.
	sim, err = simulate.Run(program(`["logs:*","sqs:SendMessage"]`), simulate.Config{Handlers: map[string]simulate.Handler{"job": failing}})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "job", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Len(t, sim.DeliveriesTo("fails"), 1)
	assert.Empty(t, sim.Trace().Problems())
}

// TestKeyPolicyFailsTheDelivery: the failure queue is encrypted with a key
// of the stack whose key policy neither allows the role nor delegates to
// IAM; the role's kms: grants are useless and the record is lost (the
// rules' decision, ASYNC001). A key policy delegating to IAM delivers.
func TestKeyPolicyFailsTheDelivery(t *testing.T) {
	program := func(principal string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			key := must(kms.NewKey(ctx, "jobs-key", &kms.KeyArgs{
				Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"kms:*","Resource":"*"}]}`),
			}))
			fails := must(sqs.NewQueue(ctx, "fails", &sqs.QueueArgs{KmsMasterKeyId: key.Arn}))
			failedJob(ctx, fails.Arn, pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"},`+
				`{"Effect":"Allow","Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"%s"}]}`, fails.Arn, key.Arn))
			return nil
		}
	}
	sim := failOnce(t, program("arn:aws:iam::123456789012:role/key-admin"))
	assert.Empty(t, sim.DeliveriesTo("fails"))
	assertLine(t, sim.Trace().Lines(), `^00:00:00\.000  job  on failure → SQS queue fails: record RetriesExhausted \(approximateInvokeCount 1\) NOT delivered: `+
		`the execution role is not allowed kms:GenerateDataKey on arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]+ by the key policy of aws:kms/key:Key "jobs-key", `+
		`kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]+ by the key policy of aws:kms/key:Key "jobs-key" `+
		`\(the resource's own policy must allow it too\); Lambda drops it and counts DestinationDeliveryFailures$`)

	sim = failOnce(t, program("arn:aws:iam::123456789012:root"))
	assert.Len(t, sim.DeliveriesTo("fails"), 1)
	assert.Empty(t, sim.Trace().Problems())
}
