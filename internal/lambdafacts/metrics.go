package lambdafacts

import (
	"fmt"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// This file holds what Lambda publishes to CloudWatch about asynchronous
// invocation and what an alarm on it has to say: each metric with the
// AWS page and sentence it rests on, the alarm defaults the components
// use, and CloudWatch's limits on an alarm. The components build their
// alarms from it, the rules recognise alarms with it and the simulator
// counts what each metric would read with it.

// Citation is an AWS page a fact rests on, with the sentence that says it.
type Citation struct {
	Page, URL string
	// Says is what the page says, in its words as they were read for
	// this rulebook (2026); the page is the authority.
	Says string
}

func (c Citation) String() string { return fmt.Sprintf("%s (%s)", c.Page, c.URL) }

// The AWS pages the metric facts cite.
const (
	pageMetricTypes    = "Types of metrics for Lambda functions"
	urlMetricTypes     = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"
	pagePutMetricAlarm = "CloudWatch API reference, PutMetricAlarm"
	urlPutMetricAlarm  = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
	pageSNSKeys        = "Amazon SNS Developer Guide, Managing Amazon SNS encryption keys and costs (Enable compatibility between event sources from AWS services and encrypted topics)"
	urlSNSKeys         = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services"
)

// MetricNamespace is the CloudWatch namespace of Lambda's metrics.
const MetricNamespace = "AWS/Lambda"

// The dimensions of a function's metrics: the function, and the version
// or alias it was invoked as (its value is <function name>:<qualifier>).
const (
	DimFunctionName = "FunctionName"
	DimResource     = "Resource"
)

// Metric is the name of a Lambda metric.
type Metric string

// The metrics of asynchronous invocation.
const (
	AsyncEventsReceived         Metric = "AsyncEventsReceived"
	AsyncEventAge               Metric = "AsyncEventAge"
	AsyncEventsDropped          Metric = "AsyncEventsDropped"
	DestinationDeliveryFailures Metric = "DestinationDeliveryFailures"
	DeadLetterErrors            Metric = "DeadLetterErrors"
	RecursiveInvocationsDropped Metric = "RecursiveInvocationsDropped"
)

// MetricSpec is what is known about one metric.
type MetricSpec struct {
	Name Metric
	// Unit is CloudWatch's unit: Count, or Milliseconds for AsyncEventAge.
	Unit string
	// Statistic is the statistic an alarm on the metric reads: Sum for a
	// count, Maximum for an age (the oldest event).
	Statistic string
	// Source is the page that defines the metric.
	Source Citation
}

var metrics = []*MetricSpec{
	{Name: AsyncEventsReceived, Unit: "Count", Statistic: "Sum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"AsyncEventsReceived – The number of events that Lambda successfully queues for processing."}},
	{Name: AsyncEventAge, Unit: "Milliseconds", Statistic: "Maximum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"AsyncEventAge – The time between when Lambda successfully queues the event and when it invokes the function. This metric's value increases when events are retried due to invocation failures or throttling."}},
	{Name: AsyncEventsDropped, Unit: "Count", Statistic: "Sum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"AsyncEventsDropped – The number of events dropped without successfully executing the function. If you configure a dead-letter queue (DLQ) or OnFailure target, events are sent there before being dropped. Events are dropped for various reasons. For example, events may exceed the maximum event age or exhaust the maximum retry attempts, or reserved concurrency may be set to 0."}},
	{Name: DestinationDeliveryFailures, Unit: "Count", Statistic: "Sum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"DestinationDeliveryFailures – For asynchronous invocation and supported event source mappings, the number of times that Lambda attempts to send an event to a destination but fails. For event source mappings, Lambda supports destinations for stream sources (DynamoDB and Kinesis). Delivery errors can occur due to permissions errors, incorrectly configured resources, or size limits. Errors can also occur if the destination you have configured is an unsupported type, such as an Amazon SQS FIFO queue or an Amazon SNS FIFO topic."}},
	{Name: DeadLetterErrors, Unit: "Count", Statistic: "Sum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"DeadLetterErrors – For asynchronous invocation, the number of times that Lambda attempts to send an event to a dead-letter queue (DLQ) but fails. Dead-letter errors can occur due to incorrectly set resources or size limits."}},
	{Name: RecursiveInvocationsDropped, Unit: "Count", Statistic: "Sum", Source: Citation{pageMetricTypes, urlMetricTypes,
		"RecursiveInvocationsDropped – The number of times that Lambda has stopped invocation of your function because it's detected that your function is part of an infinite recursive loop."}},
}

// Metrics lists the metrics of asynchronous invocation, in the order
// Lambda's page lists them (RecursiveInvocationsDropped last).
func Metrics() []*MetricSpec { return append([]*MetricSpec(nil), metrics...) }

// MetricOf returns the spec of a metric, or nil.
func MetricOf(m Metric) *MetricSpec {
	for _, s := range metrics {
		if s.Name == m {
			return s
		}
	}
	return nil
}

// ResourceDimension is the value of the Resource dimension of a function
// invoked as qualifier; "" for $LATEST (whose metrics carry FunctionName
// alone) and for no qualifier.
func ResourceDimension(functionName, qualifier string) string {
	if qualifier == "" || qualifier == Latest {
		return ""
	}
	return functionName + ":" + qualifier
}

// Dimensions are the dimensions of a function's metrics at a qualifier.
func Dimensions(functionName, qualifier string) map[string]string {
	d := map[string]string{DimFunctionName: functionName}
	if r := ResourceDimension(functionName, qualifier); r != "" {
		d[DimResource] = r
	}
	return d
}

// The alarms the components create, as CloudWatch's PutMetricAlarm takes
// them: one period of one minute, greater than the threshold, missing
// data is not breaching (no datapoint means nothing went wrong: Lambda
// publishes these metrics only when something happens).
const (
	AlarmPeriod            = time.Minute
	AlarmEvaluationPeriods = 1
	AlarmComparison        = "GreaterThanThreshold"
	AlarmMissingData       = "notBreaching"
)

// AgeThreshold is the default threshold of an alarm on AsyncEventAge for
// a config whose maximum event age is maxAge: half of it, so that the
// alarm fires while the events can still be saved.
func AgeThreshold(maxAge time.Duration) time.Duration { return maxAge / 2 }

// AlarmSpec is the default alarm on one metric, and why it exists.
type AlarmSpec struct {
	Metric *MetricSpec
	// Threshold is the default threshold, in the metric's unit.
	Threshold float64
	// Means says what the alarm's firing means, for someone on call; %s
	// is the function (and qualifier) or mapping it watches.
	Means string
	// Look says what to look at when it fires.
	Look string
}

// The alarms the components know, by metric.
var alarms = map[Metric]*AlarmSpec{
	DestinationDeliveryFailures: {
		Means: "Records are being lost: Lambda could not deliver an invocation record of %s to its destination " +
			"(a permission the execution role lacks on the destination or its KMS key, a destination that no longer exists, " +
			"a FIFO queue or topic, or a record over the destination's size limit)",
		Look: "the execution role's grant policy, the destination's key policy, and whether the destination still exists",
	},
	DeadLetterErrors: {
		Means: "Failed events are being lost: Lambda could not write a failed event of %s to its dead-letter queue or topic " +
			"(a permission the execution role lacks on the target or its KMS key, a target that no longer exists, " +
			"or an event over the target's size limit)",
		Look: "the execution role's grant policy, the dead-letter target's key policy, and whether the target still exists",
	},
	AsyncEventsDropped: {
		Means: "Events are being lost: Lambda dropped asynchronous events of %s without a successful run " +
			"(retries exhausted, too old, or reserved concurrency 0), and nothing keeps them: there is no on-failure destination and no dead-letter target",
		Look: "the function's Errors and Throttles metrics and its logs; an on-failure destination would keep these events",
	},
	AsyncEventAge: {
		Means: "A backlog: an event of %s has waited longer than the threshold in Lambda's asynchronous queue; " +
			"events older than the maximum event age are dropped",
		Look: "the function's Throttles metric and concurrency, and its Errors (retried events stay in the queue)",
	},
}

// Alarm returns the default alarm on a metric; nil for a metric the
// components do not alarm on.
func Alarm(m Metric) *AlarmSpec {
	a, ok := alarms[m]
	if !ok {
		return nil
	}
	out := *a
	out.Metric = MetricOf(m)
	return &out
}

// AlarmMetrics lists the metrics the components alarm on, in the order
// they create the alarms.
func AlarmMetrics() []Metric {
	return []Metric{DestinationDeliveryFailures, DeadLetterErrors, AsyncEventsDropped, AsyncEventAge}
}

// Description is the alarm's description: what it means for subject (the
// function, with its qualifier, or the mapping), the threshold in words,
// and what to look at.
func (a *AlarmSpec) Description(subject, threshold string) string {
	return fmt.Sprintf(a.Means, subject) + ". Fires when " + threshold + ". Look at: " + a.Look + "."
}

// AlarmPeriodSource is what CloudWatch accepts as an alarm's period and
// evaluation periods.
var AlarmPeriodSource = Citation{pagePutMetricAlarm, urlPutMetricAlarm,
	"Valid values are 10, 20, 30, and any multiple of 60. ... Be sure to specify 10, 20, or 30 only for metrics that are stored by a PutMetricData call with a StorageResolution of 1. ... " +
		"An alarm's total current evaluation period can be no longer than seven days, so Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. " +
		"For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400 seconds)."}

// CheckAlarmPeriod checks an alarm's period on a Lambda metric (Lambda's
// metrics have one-minute resolution, so only whole minutes) and that
// period times evaluations stays within CloudWatch's limit. The message
// has marks (package internal/doors).
func CheckAlarmPeriod(period time.Duration, evaluations int) error {
	switch {
	case period <= 0 || period%time.Minute != 0:
		return doors.Errorf("%s is not a whole number of minutes; allowed: a multiple of %s (Lambda publishes its metrics once a minute)", doors.Seconds(period), doors.Seconds(time.Minute))
	case evaluations < 1:
		return fmt.Errorf("%d evaluation periods; allowed: 1 or more", evaluations)
	}
	limit := 24 * time.Hour
	if period >= time.Hour {
		limit = 7 * 24 * time.Hour
	}
	if total := period * time.Duration(evaluations); total > limit {
		return doors.Errorf("%d evaluation periods of %s are %s in all; allowed: at most %s in all (CloudWatch's limit for this period)",
			evaluations, doors.Seconds(period), doors.Seconds(total), doors.Seconds(limit))
	}
	return nil
}

// AlarmTopicSource is why a topic encrypted with alias/aws/sns cannot
// receive alarm notifications.
var AlarmTopicSource = Citation{pageSNSKeys, urlSNSKeys,
	"Some AWS services publish events to Amazon SNS topics. To allow these event sources to work with encrypted topics, you must complete the following steps. " +
		"1. Use a customer managed key. ... 2. Modify the key policy of the customer managed key to allow the AWS service principal (for example cloudwatch.amazonaws.com) the kms:GenerateDataKey* and kms:Decrypt actions."}

// CheckAlarmTopicKey rejects the key of a topic alarms notify when
// CloudWatch cannot use it: the AWS-managed alias/aws/sns, whose key
// policy cannot be changed to let cloudwatch.amazonaws.com use it. what
// names the topic; key is its KmsMasterKeyId ("" for none).
func CheckAlarmTopicKey(what, key string) error {
	if !IsAWSManagedAlias(key) {
		return nil
	}
	return fmt.Errorf("%s is encrypted with the AWS-managed key %s, so CloudWatch cannot publish alarm notifications to it "+
		"(an AWS-managed key's policy cannot be changed to let cloudwatch.amazonaws.com use it); "+
		"allowed: an unencrypted topic, or one encrypted with a customer-managed key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt",
		what, key)
}

// CheckAlarmTopicARN checks the ARN of a topic alarms notify.
func CheckAlarmTopicARN(s string) error {
	a, err := ParseARN(s)
	if err != nil {
		return err
	}
	if a.Service != string(KindSNS) || a.Resource == "" || strings.ContainsAny(a.Resource, "/:") {
		return fmt.Errorf("%q is not an SNS topic ARN; expected arn:<partition>:sns:<region>:<account>:<topic-name>", s)
	}
	return checkConcrete(a, true)
}
