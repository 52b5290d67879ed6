package asyncpolicy_test

import (
	"fmt"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alarm adds a metric alarm on Lambda's metric with dims.
func (s stack) alarm(name, metric string, dims pulumi.StringMapInput, actions ...pulumi.StringInput) *cloudwatch.MetricAlarm {
	args := &cloudwatch.MetricAlarmArgs{Namespace: pulumi.String("AWS/Lambda"), MetricName: pulumi.String(metric), Dimensions: dims,
		Statistic: pulumi.String("Sum"), Period: pulumi.Int(60), EvaluationPeriods: pulumi.Int(1), Threshold: pulumi.Float64(0),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"), TreatMissingData: pulumi.String("notBreaching")}
	for _, a := range actions {
		args.AlarmActions = append(pulumi.Array{}, a)
	}
	return must(cloudwatch.NewMetricAlarm(s.ctx, name, args))
}

// routed is a raw function "orders" whose config sends failures to a
// granted queue; mod changes the config.
func (s stack) routed(mod ...func(*lambda.FunctionEventInvokeConfigArgs)) *lambda.Function {
	role := s.role("orders-role")
	failures := s.queue("failures", nil)
	f := s.fn("orders", role, nil)
	s.grant("orders-grants", role, doc(stmt("Allow", "sqs:SendMessage", failures.Arn)))
	s.config("orders-config", f, nil, failures.Arn, mod...)
	return f
}

var onAlias = func(a *lambda.FunctionEventInvokeConfigArgs) { a.Qualifier = pulumi.String("live") }

func alarmFindings(t *testing.T, program func(s stack), opts ...asyncroutetest.Option) []asyncpolicy.Finding {
	t.Helper()
	return of(findingsWith(t, asyncpolicy.Config{}, program, opts...), asyncpolicy.RuleDeliveryAlarm)
}

// TestDeliveryAlarmMissing: a raw invoke config with a destination and no
// alarm on its function's DestinationDeliveryFailures is reported
// (advisory), with the alarm to add; on an alias, the alarm's Resource
// dimension must name the alias.
func TestDeliveryAlarmMissing(t *testing.T) {
	const problem = `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "orders-config", field destinationConfig: function "orders" has an asynchronous invoke config with destinations%s, ` +
		`but no aws:cloudwatch/metricAlarm:MetricAlarm of the stack watches its DestinationDeliveryFailures, so a record Lambda fails to deliver after deploy ` +
		`(a permission revoked, a destination deleted, a FIFO target, a record over the size limit) is lost without anyone hearing of it. ` +
		`Fix: add an aws:cloudwatch/metricAlarm:MetricAlarm with namespace AWS/Lambda, metricName DestinationDeliveryFailures, statistic Sum, dimensions %s, threshold 0, ` +
		`comparisonOperator GreaterThanThreshold and treatMissingData notBreaching, notifying someone (with asyncroute, set Alarms on the component).`
	fs := alarmFindings(t, func(s stack) { s.routed() })
	require.Len(t, fs, 1)
	assert.Equal(t, asyncpolicy.Advisory, fs[0].Level)
	assert.Equal(t, "destinationConfig", fs[0].Field)
	assert.Equal(t, sprintf(problem, "", "FunctionName=orders"), fs[0].Message)

	fs = alarmFindings(t, func(s stack) {
		s.routed(onAlias)
		s.alarm("orders-aggregate", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": pulumi.String("orders")})
		s.alarm("orders-other", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": pulumi.String("orders"), "Resource": pulumi.String("orders:canary")})
		s.alarm("orders-dead", "DeadLetterErrors", pulumi.StringMap{"FunctionName": pulumi.String("orders"), "Resource": pulumi.String("orders:live")})
	})
	require.Len(t, fs, 1)
	assert.Equal(t, sprintf(problem, ` at qualifier "live"`, "FunctionName=orders and Resource=orders:live"), fs[0].Message)
}

// TestDeliveryAlarmPresent: an alarm on the function's
// DestinationDeliveryFailures, by dimensions known or (at preview) by the
// function its dimensions depend on, or through a metric query, satisfies
// the rule; a config without destinations or made by a component is not
// reported.
func TestDeliveryAlarmPresent(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		assert.Empty(t, alarmFindings(t, func(s stack) {
			f := s.routed()
			s.alarm("orders-delivery", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": f.Name})
		}, opts...), "preview %v", preview)
		assert.Empty(t, alarmFindings(t, func(s stack) {
			f := s.routed(onAlias)
			s.alarm("orders-delivery", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": f.Name, "Resource": pulumi.Sprintf("%s:live", f.Name)})
		}, opts...), "preview %v", preview)
		assert.Empty(t, alarmFindings(t, func(s stack) {
			s.routed()
			must(cloudwatch.NewMetricAlarm(s.ctx, "orders-query", &cloudwatch.MetricAlarmArgs{
				EvaluationPeriods: pulumi.Int(1), Threshold: pulumi.Float64(0), ComparisonOperator: pulumi.String("GreaterThanThreshold"),
				MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("m1"), ReturnData: pulumi.Bool(true),
					Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{Namespace: pulumi.String("AWS/Lambda"), MetricName: pulumi.String("DestinationDeliveryFailures"),
						Period: pulumi.Int(60), Stat: pulumi.String("Sum"), Dimensions: pulumi.StringMap{"FunctionName": pulumi.String("orders")}}}},
			}))
		}, opts...), "preview %v", preview)
		assert.Empty(t, alarmFindings(t, func(s stack) {
			role := s.role("orders-role")
			s.config("orders-config", s.fn("orders", role, nil), nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) { a.MaximumRetryAttempts = pulumi.Int(0) })
		}, opts...), "no destination: preview %v", preview)
		assert.Empty(t, alarmFindings(t, func(s stack) {
			must(asyncroute.NewFunction(s.ctx, "orders", &asyncroute.FunctionArgs{Function: lambda.FunctionArgs{Name: pulumi.String("orders"),
				Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")},
				OnFailure: asyncroute.NewQueue{}}))
		}, opts...), "made by a component: preview %v", preview)
	}
}

// TestAlarmTopicWithAWSManagedKey: CloudWatch cannot publish to a topic
// encrypted with alias/aws/sns, so an alarm notifying one is reported.
func TestAlarmTopicWithAWSManagedKey(t *testing.T) {
	fs := alarmFindings(t, func(s stack) {
		f := s.routed()
		pager := s.topic("pager", &sns.TopicArgs{KmsMasterKeyId: pulumi.String("alias/aws/sns")})
		s.alarm("orders-delivery", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": f.Name}, pager.Arn)
	})
	require.Len(t, fs, 1)
	assert.Equal(t, "orders-delivery", fs[0].Name)
	assert.Equal(t, `aws:cloudwatch/metricAlarm:MetricAlarm "orders-delivery", field alarmActions: SNS topic "pager" is encrypted with the AWS-managed key alias/aws/sns, `+
		`so CloudWatch cannot publish alarm notifications to it (an AWS-managed key's policy cannot be changed to let cloudwatch.amazonaws.com use it); `+
		`allowed: an unencrypted topic, or one encrypted with a customer-managed key whose key policy allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt`, fs[0].Message)
}

// TestAlarmRoutes: the analysis' routes show an alarm watching a
// function's qualifier (the metric as Value) and the topic it notifies,
// for the planner's diagram.
func TestAlarmRoutes(t *testing.T) {
	st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		s := stack{ctx}
		f := s.routed(onAlias)
		pager := s.topic("pager", nil)
		s.alarm("orders-delivery", "DestinationDeliveryFailures", pulumi.StringMap{"FunctionName": f.Name, "Resource": pulumi.String("orders:live")}, pager.Arn)
		return nil
	})
	require.NoError(t, err)
	var got []asyncpolicy.Route
	for _, r := range asyncpolicy.Analyze(asyncpolicy.FromStack(st)).Routes() {
		if r.Condition == asyncpolicy.Watches || r.Condition == asyncpolicy.Notifies {
			got = append(got, r)
		}
	}
	alarm := st.Find("aws:cloudwatch/metricAlarm:MetricAlarm", "orders-delivery").URN
	assert.Equal(t, []asyncpolicy.Route{
		{From: alarm, To: st.Find(fnType, "orders").URN, Condition: asyncpolicy.Watches, Via: alarm, Value: "DestinationDeliveryFailures", Qualifier: "live"},
		{From: alarm, To: st.Find("aws:sns/topic:Topic", "pager").URN, Condition: asyncpolicy.Notifies, Via: alarm},
	}, got)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
