package asyncroute_test

import (
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm"

// metricFacts is the table the alarms are held to: each metric with the
// statistic an alarm reads, its unit and the sentence of "Types of metrics
// for Lambda functions" (docs.aws.amazon.com/lambda/latest/dg/
// monitoring-metrics-types.html) that says what it counts.
var metricFacts = []struct {
	metric, statistic, unit, says string
}{
	{"DestinationDeliveryFailures", "Sum", "Count", "the number of times that Lambda attempts to send an event to a destination but fails"},
	{"DeadLetterErrors", "Sum", "Count", "the number of times that Lambda attempts to send an event to a dead-letter queue (DLQ) but fails"},
	{"AsyncEventsDropped", "Sum", "Count", "The number of events dropped without successfully executing the function"},
	{"AsyncEventAge", "Maximum", "Milliseconds", "The time between when Lambda successfully queues the event and when it invokes the function"},
}

// TestAlarmFactsTable holds the rulebook's metric facts to the table
// above: statistic, unit and the AWS sentence they rest on.
func TestAlarmFactsTable(t *testing.T) {
	for _, f := range metricFacts {
		spec := lambdafacts.MetricOf(lambdafacts.Metric(f.metric))
		require.NotNil(t, spec, f.metric)
		assert.Equal(t, f.statistic, spec.Statistic, f.metric)
		assert.Equal(t, f.unit, spec.Unit, f.metric)
		assert.Contains(t, spec.Source.Says, f.says, f.metric)
		assert.Equal(t, "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html", spec.Source.URL, f.metric)
		require.NotNil(t, lambdafacts.Alarm(spec.Name), f.metric)
	}
	assert.Equal(t, "AWS/Lambda", lambdafacts.MetricNamespace)
}

// alarmInputs is what a component's alarm on metric must receive.
func alarmInputs(metric string, dims map[string]any, threshold, period, evaluations float64, topic, description string) map[string]any {
	stat := "Sum"
	if metric == "AsyncEventAge" {
		stat = "Maximum"
	}
	m := map[string]any{
		"namespace":          "AWS/Lambda",
		"metricName":         metric,
		"dimensions":         dims,
		"statistic":          stat,
		"period":             period,
		"evaluationPeriods":  evaluations,
		"threshold":          threshold,
		"comparisonOperator": "GreaterThanThreshold",
		"treatMissingData":   "notBreaching",
		"alarmDescription":   description,
	}
	if topic != "" {
		m["alarmActions"] = []any{topic}
		m["okActions"] = []any{topic}
	}
	return m
}

// alarmsOf lists the alarms a component created, as "name" → inputs.
func alarmsOf(st *asyncroutetest.Stack, component string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range st.OfType(alarmType) {
		if strings.HasPrefix(r.Name, component+"-alarm-") {
			out[r.Name] = r.Inputs
		}
	}
	return out
}

const (
	ddfWords = "Records are being lost: Lambda could not deliver an invocation record of %s to its destination (a permission the execution role lacks on the destination or its KMS key, " +
		"a destination that no longer exists, a FIFO queue or topic, or a record over the destination's size limit). Fires when %s. " +
		"Look at: the execution role's grant policy, the destination's key policy, and whether the destination still exists."
	dleWords = "Failed events are being lost: Lambda could not write a failed event of %s to its dead-letter queue or topic (a permission the execution role lacks on the target or its KMS key, " +
		"a target that no longer exists, or an event over the target's size limit). Fires when %s. " +
		"Look at: the execution role's grant policy, the dead-letter target's key policy, and whether the target still exists."
	droppedWords = "Events are being lost: Lambda dropped asynchronous events of %s without a successful run (retries exhausted, too old, or reserved concurrency 0), " +
		"and nothing keeps them: there is no on-failure destination and no dead-letter target. Fires when %s. " +
		"Look at: the function's Errors and Throttles metrics and its logs; an on-failure destination would keep these events."
	ageWords = "A backlog: an event of %s has waited longer than the threshold in Lambda's asynchronous queue; events older than the maximum event age are dropped. Fires when %s. " +
		"Look at: the function's Throttles metric and concurrency, and its Errors (retried events stay in the queue)."
)

func words(format, subject, when string) string {
	return strings.Replace(strings.Replace(format, "%s", subject, 1), "%s", when, 1)
}

// TestAlarmsOnAlias: a function with an on-failure queue, its config on
// alias "live" and a one-hour maximum event age gets two alarms, on the
// alias's metrics (Resource orders:live): DestinationDeliveryFailures > 0
// and AsyncEventAge above 30 minutes; not AsyncEventsDropped (the queue
// keeps failed events) nor DeadLetterErrors (no dead-letter target).
func TestAlarmsOnAlias(t *testing.T) {
	var comp *asyncroute.Function
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:    lambdaArgs("orders"),
			OnFailure:   asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			Alias:       "live",
			MaxEventAge: asyncroute.EventAge(time.Hour),
			Tags:        pulumi.StringMap{"team": pulumi.String("payments")},
			Alarms:      &asyncroute.Alarms{Notify: newTopic(ctx, "on-call", nil)},
		})
		comp = c
		return err
	})
	topic := arnOf("sns", "on-call")
	dims := map[string]any{"FunctionName": "orders", "Resource": "orders:live"}
	subject := "function orders (qualifier live)"
	want := map[string]map[string]any{
		"orders-alarm-destination-delivery-failures": alarmInputs("DestinationDeliveryFailures", dims, 0, 60, 1, topic,
			words(ddfWords, subject, "the Sum of DestinationDeliveryFailures is above 0 in one period of 1m0s")),
		"orders-alarm-async-event-age": alarmInputs("AsyncEventAge", dims, 1800000, 60, 1, topic,
			words(ageWords, subject, "the Maximum of AsyncEventAge is above 1.8e+06 ms (30m0s) in one period of 1m0s")),
	}
	for name := range want {
		want[name]["tags"] = map[string]any{"team": "payments"}
	}
	assert.Equal(t, want, alarmsOf(st, "orders"))
	for name := range want {
		a := find(t, st, alarmType, name)
		assert.Equal(t, find(t, st, functionComponentType, "orders").URN, a.Parent, name)
	}
	require.Len(t, comp.Alarms, 2)
	assert.NotNil(t, comp.Alarms["DestinationDeliveryFailures"])
	assert.NotNil(t, comp.Alarms["AsyncEventAge"])
}

// TestAlarmsOnLatestWithDeadLetter: a config on $LATEST carries
// FunctionName alone; a dead-letter target gets DeadLetterErrors and
// keeps failed events, so there is no AsyncEventsDropped alarm; with
// Lambda's default maximum event age (6 h) the age alarm reads 3 h.
func TestAlarmsOnLatestWithDeadLetter(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			DeadLetter: asyncroute.SQSQueue{Queue: newQueue(ctx, "dead", nil)},
			Alarms:     &asyncroute.Alarms{},
		})
		return err
	})
	dims := map[string]any{"FunctionName": "orders"}
	assert.Equal(t, map[string]map[string]any{
		"orders-alarm-dead-letter-errors": alarmInputs("DeadLetterErrors", dims, 0, 60, 1, "",
			words(dleWords, "function orders", "the Sum of DeadLetterErrors is above 0 in one period of 1m0s")),
		"orders-alarm-async-event-age": alarmInputs("AsyncEventAge", dims, 10800000, 60, 1, "",
			words(ageWords, "function orders", "the Maximum of AsyncEventAge is above 1.08e+07 ms (3h0m0s) in one period of 1m0s")),
	}, alarmsOf(st, "orders"))
}

// TestAlarmsDroppedWithoutFailurePath: with an on-success destination
// only, a dropped event is lost: AsyncEventsDropped gets an alarm, and
// every alarm's settings can be changed or switched off.
func TestAlarmsDroppedWithoutFailurePath(t *testing.T) {
	five, three, two := 5*time.Minute, 3, 2.0
	age := 20 * time.Minute
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:    lambdaArgs("orders"),
			OnSuccess:   asyncroute.SQSQueue{Queue: newQueue(ctx, "done", nil)},
			MaxEventAge: asyncroute.EventAge(time.Hour),
			Alarms: &asyncroute.Alarms{
				NotifyArn:                   pulumi.String(arnOf("sns", "pager")),
				DestinationDeliveryFailures: &asyncroute.Alarm{Off: true},
				AsyncEventsDropped:          &asyncroute.Alarm{Threshold: &two, Period: &five, EvaluationPeriods: &three},
				AsyncEventAge:               &asyncroute.Alarm{Age: &age},
			},
		})
		return err
	})
	dims, topic := map[string]any{"FunctionName": "orders"}, arnOf("sns", "pager")
	assert.Equal(t, map[string]map[string]any{
		"orders-alarm-async-events-dropped": alarmInputs("AsyncEventsDropped", dims, 2, 300, 3, topic,
			words(droppedWords, "function orders", "the Sum of AsyncEventsDropped is above 2 in 3 periods in a row of 5m0s")),
		"orders-alarm-async-event-age": alarmInputs("AsyncEventAge", dims, 1200000, 60, 1, topic,
			words(ageWords, "function orders", "the Maximum of AsyncEventAge is above 1.2e+06 ms (20m0s) in one period of 1m0s")),
	}, alarmsOf(st, "orders"))
}

// TestAlarmsAsyncInvokeQualifier: an AsyncInvoke's alarms are on the
// qualifier its config is on, from a qualified ARN as from Qualifier; the
// component does not know the function's dead-letter target, so
// AsyncEventsDropped is on without OnFailure and DeadLetterErrors only
// when asked for.
func TestAlarmsAsyncInvokeQualifier(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		if _, err := asyncroute.NewAsyncInvoke(ctx, "billing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String(fnARN("legacy-billing") + ":3"), SkipGrants: true, MaxRetries: pulumi.IntRef(0),
			Alarms: &asyncroute.Alarms{DeadLetterErrors: &asyncroute.Alarm{}, AsyncEventAge: &asyncroute.Alarm{Off: true}},
		}); err != nil {
			return err
		}
		_, err := asyncroute.NewAsyncInvoke(ctx, "reports", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("reports"), Qualifier: pulumi.String("prod"), SkipGrants: true,
			OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))},
			Alarms:    &asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{Off: true}},
		})
		return err
	})
	billing := map[string]any{"FunctionName": "legacy-billing", "Resource": "legacy-billing:3"}
	assert.Equal(t, map[string]map[string]any{
		"billing-alarm-dead-letter-errors": alarmInputs("DeadLetterErrors", billing, 0, 60, 1, "",
			words(dleWords, "function legacy-billing (qualifier 3)", "the Sum of DeadLetterErrors is above 0 in one period of 1m0s")),
		"billing-alarm-async-events-dropped": alarmInputs("AsyncEventsDropped", billing, 0, 60, 1, "",
			words(droppedWords, "function legacy-billing (qualifier 3)", "the Sum of AsyncEventsDropped is above 0 in one period of 1m0s")),
	}, alarmsOf(st, "billing"))
	reports := map[string]any{"FunctionName": "reports", "Resource": "reports:prod"}
	assert.Equal(t, map[string]map[string]any{
		"reports-alarm-destination-delivery-failures": alarmInputs("DestinationDeliveryFailures", reports, 0, 60, 1, "",
			words(ddfWords, "function reports (qualifier prod)", "the Sum of DestinationDeliveryFailures is above 0 in one period of 1m0s")),
	}, alarmsOf(st, "reports"))
}

// TestAlarmsMapping: a Kinesis mapping with an on-failure destination
// gets DestinationDeliveryFailures on the function it invokes (Lambda
// counts a stream mapping's failed deliveries there).
func TestAlarmsMapping(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewEventSourceMapping(ctx, "clicks", &asyncroute.EventSourceMappingArgs{
			EventSourceArn: pulumi.String(arnOf("kinesis", "stream/clicks")), FunctionName: pulumi.String("counter:live"), SkipGrants: true,
			Mapping:   lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")},
			OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))},
			Alarms:    &asyncroute.Alarms{},
		})
		return err
	})
	assert.Equal(t, map[string]map[string]any{
		"clicks-alarm-destination-delivery-failures": alarmInputs("DestinationDeliveryFailures", map[string]any{"FunctionName": "counter", "Resource": "counter:live"}, 0, 60, 1, "",
			words(ddfWords, "an event source mapping of function counter (qualifier live)", "the Sum of DestinationDeliveryFailures is above 0 in one period of 1m0s")),
	}, alarmsOf(st, "clicks"))
}

// TestAlarmsBadInput: every mistake in Alarms is refused at preview with
// the field and what is allowed, and nothing of the component is
// registered.
func TestAlarmsBadInput(t *testing.T) {
	fn := func(alarms *asyncroute.Alarms, mod func(*asyncroute.FunctionArgs)) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			a := &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))}, Alarms: alarms}
			if mod != nil {
				mod(a)
			}
			_, err := asyncroute.NewFunction(ctx, "orders", a)
			return err
		}
	}
	mapping := func(source string, onFailure bool, mod func(*asyncroute.EventSourceMappingArgs)) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			a := &asyncroute.EventSourceMappingArgs{EventSourceArn: pulumi.String(source), FunctionName: pulumi.String("counter"), SkipGrants: true, Alarms: &asyncroute.Alarms{}}
			if onFailure {
				a.OnFailure = asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))}
			}
			if mod != nil {
				mod(a)
			}
			_, err := asyncroute.NewEventSourceMapping(ctx, "orders", a)
			return err
		}
	}
	f, m := `asyncroute: Function "orders": `, `asyncroute: EventSourceMapping "orders": `
	one, zero, minus := 1.0, 0, -1.0
	ninety, sixHours, halfSecond, day := 90*time.Second, 6*time.Hour, 1500*time.Millisecond, 1441
	for _, c := range []struct {
		name  string
		build func(ctx *pulumi.Context) error
		want  string
	}{
		{"BothTopics", fn(&asyncroute.Alarms{NotifyArn: pulumi.String(arnOf("sns", "a")), Notify: nil}, func(a *asyncroute.FunctionArgs) {
			a.Alarms.Notify = &sns.Topic{}
		}), f + "Alarms.Notify: both Notify and NotifyArn are set; allowed: one of them"},
		{"NotATopic", fn(&asyncroute.Alarms{NotifyArn: pulumi.String(arnOf("sqs", "pager"))}, nil),
			f + `Alarms.NotifyArn: "arn:aws:sqs:us-east-1:123456789012:pager" is not an SNS topic ARN; expected arn:<partition>:sns:<region>:<account>:<topic-name>`},
		{"ThresholdOnAge", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{Threshold: &one}}, nil),
			f + "Alarms.AsyncEventAge.Threshold: does not apply to AsyncEventAge, an age in milliseconds; allowed: leave it empty and set Alarms.AsyncEventAge.Age"},
		{"AgeOnCount", fn(&asyncroute.Alarms{DestinationDeliveryFailures: &asyncroute.Alarm{Age: &ninety}}, nil),
			f + "Alarms.DestinationDeliveryFailures.Age: applies to AsyncEventAge only; allowed: leave it empty and set Alarms.DestinationDeliveryFailures.Threshold"},
		{"NegativeThreshold", fn(&asyncroute.Alarms{DestinationDeliveryFailures: &asyncroute.Alarm{Threshold: &minus}}, nil),
			f + "Alarms.DestinationDeliveryFailures.Threshold: -1 is negative; allowed: 0 or more (the alarm fires when the count is above it)"},
		{"AgeOverMaxAge", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{Age: &sixHours}}, nil),
			f + "Alarms.AsyncEventAge.Age: 6h0m0s is out of range; allowed: 1s to 21599s (1 to 21599 whole seconds) (Lambda drops an event older than the maximum event age, 6h0m0s, so a longer age never fires)"},
		{"AgeFraction", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{Age: &halfSecond}}, nil),
			f + "Alarms.AsyncEventAge.Age: 1.5s is not a whole number of seconds; allowed: 1s to 21599s (1 to 21599 whole seconds)"},
		{"PeriodNotMinutes", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{Period: &ninety}}, nil),
			f + "Alarms.AsyncEventAge.Period: 1m30s is not a whole number of minutes; allowed: a multiple of 1m0s (Lambda publishes its metrics once a minute)"},
		{"NoEvaluation", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{EvaluationPeriods: &zero}}, nil),
			f + "Alarms.AsyncEventAge.EvaluationPeriods: 0 evaluation periods; allowed: 1 or more"},
		{"MoreThanADay", fn(&asyncroute.Alarms{AsyncEventAge: &asyncroute.Alarm{EvaluationPeriods: &day}}, nil),
			f + "Alarms.AsyncEventAge.EvaluationPeriods: 1441 evaluation periods of 1m0s are 24h1m0s in all; allowed: at most 24h0m0s in all (CloudWatch's limit for this period)"},
		{"DeliveryWithoutDestination", fn(&asyncroute.Alarms{DestinationDeliveryFailures: &asyncroute.Alarm{}}, func(a *asyncroute.FunctionArgs) {
			a.OnFailure, a.MaxRetries = nil, pulumi.IntRef(0)
		}), f + "Alarms.DestinationDeliveryFailures: the config has no destination, so Lambda never counts a delivery failure for it; allowed: leave it empty, or set OnSuccess or OnFailure"},
		{"DeadLetterWithout", fn(&asyncroute.Alarms{DeadLetterErrors: &asyncroute.Alarm{}}, nil),
			f + "Alarms.DeadLetterErrors: the function has no dead-letter target, so Lambda never counts a dead-letter error for it; allowed: leave it empty, or set DeadLetter"},
		{"MappingOfQueue", mapping(arnOf("sqs", "jobs"), false, nil),
			m + "Alarms: an event source mapping of an SQS queue publishes no metric that means a lost record (failing messages move to the queue's dead-letter queue by its redrive policy); allowed: leave Alarms empty and alarm on that dead-letter queue"},
		{"MappingWithoutOnFailure", mapping(arnOf("kinesis", "stream/clicks"), false, nil),
			m + "Alarms: without OnFailure a stream mapping sends failed batches nowhere, and Lambda counts no delivery failure to alarm on; allowed: set OnFailure (an SQS queue, SNS topic or S3 bucket), or leave Alarms empty"},
		{"MappingOfKafka", mapping(arnOf("kafka", "cluster/c/1"), false, func(a *asyncroute.EventSourceMappingArgs) {
			a.Mapping.Topics = pulumi.StringArray{pulumi.String("orders")}
		}), m + "Alarms: a Kafka source's failed deliveries to its on-failure destination are counted in OnFailureDestinationDeliveryErrorCount, of the mapping's ErrorCount metrics group, " +
			"which pulumi-aws v6.83.4 cannot turn on (its metrics configuration offers EventCount alone); allowed: leave Alarms empty"},
		{"MappingAge", mapping(arnOf("kinesis", "stream/clicks"), true, func(a *asyncroute.EventSourceMappingArgs) {
			a.Alarms.AsyncEventAge = &asyncroute.Alarm{}
		}), m + "Alarms.AsyncEventAge: is a metric of asynchronous invocation, which an event source mapping does not use; allowed: leave it empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := runCapture(t, c.build, asyncroutetest.Preview())
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
			requireNothingFromComponent(t, st, "orders", 0)
		})
	}
}

// TestAlarmsMappingSourceDecidedAtDeploy: which alarms a mapping gets
// depends on its source's kind; an update cannot read a source ARN that
// is an output while the program runs, so Alarms then needs Source (a
// preview of the same program would say the same, as Source is required
// there for an ARN not known yet).
func TestAlarmsMappingSourceDecidedAtDeploy(t *testing.T) {
	_, err := runCapture(t, func(ctx *pulumi.Context) error {
		stream := newQueue(ctx, "clicks", nil)
		_, err := asyncroute.NewEventSourceMapping(ctx, "orders", &asyncroute.EventSourceMappingArgs{
			EventSourceArn: stream.Arn, FunctionName: pulumi.String("counter"), SkipGrants: true, Alarms: &asyncroute.Alarms{}})
		return err
	})
	require.Error(t, err)
	assert.Equal(t, `asyncroute: EventSourceMapping "orders": Alarms: which alarms a mapping gets depends on its source's kind, and EventSourceArn is known only at deploy; allowed: set Source`, err.Error())
}

// TestAlarmsTopicWithAWSManagedKey: a topic encrypted with alias/aws/sns
// cannot receive CloudWatch's notifications. A preview refuses it before
// anything is registered; an update, where the topic's key is known only
// once the topic exists, fails the alarms' input with the same message.
func TestAlarmsTopicWithAWSManagedKey(t *testing.T) {
	const want = `asyncroute: Function "orders": Alarms.Notify: SNS topic "on-call" is encrypted with the AWS-managed key alias/aws/sns, so CloudWatch cannot publish alarm notifications to it ` +
		`(an AWS-managed key's policy cannot be changed to let cloudwatch.amazonaws.com use it); ` +
		`allowed: an unencrypted topic, or one encrypted with a customer-managed key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt`
	build := func(ctx *pulumi.Context) error {
		// The topic's KmsMasterKeyId output is known at preview (the engine
		// has planned the topic), not while an update runs.
		topic := newTopic(ctx, "on-call", &sns.TopicArgs{KmsMasterKeyId: pulumi.String("alias/aws/sns")})
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"),
			OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "failed"))}, Alarms: &asyncroute.Alarms{Notify: topic}})
		return err
	}
	st, err := runCapture(t, build, asyncroutetest.Preview())
	require.Error(t, err)
	assert.Equal(t, want, err.Error())
	requireNothingFromComponent(t, st, "orders", 1)

	up, err := asyncroutetest.Run(build)
	require.Error(t, err)
	assert.Contains(t, err.Error(), want)
	assert.Empty(t, up.OfType(alarmType), "no alarm is written with the topic")
}
