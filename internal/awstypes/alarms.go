package awstypes

// Type tokens of the alarms that watch Lambda's metrics and of a
// function's recursive-loop setting.
const (
	TokenMetricAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	TokenRecursionConfig = "aws:lambda/functionRecursionConfig:FunctionRecursionConfig"
)

// The inputs of a metric alarm the rules, the planner and the simulator
// read.
const (
	AlarmNamespace    = "namespace"
	AlarmMetricName   = "metricName"
	AlarmDimensions   = "dimensions"
	AlarmStatistic    = "statistic"
	AlarmThreshold    = "threshold"
	AlarmComparison   = "comparisonOperator"
	AlarmPeriod       = "period"
	AlarmEvaluations  = "evaluationPeriods"
	AlarmMissingData  = "treatMissingData"
	AlarmActions      = "alarmActions"
	AlarmOKActions    = "okActions"
	AlarmDescription  = "alarmDescription"
	AlarmMetricQuery  = "metricQueries" // [{metric: {metricName, namespace, dimensions, stat, period}}]
	RecursionFunction = "functionName"
	RecursionLoop     = "recursiveLoop"
)

var (
	// MetricAlarm is a CloudWatch alarm; its ARN is
	// arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>.
	MetricAlarm = register(&Type{Token: TokenMetricAlarm, Label: "CloudWatch alarm", Shape: Shape{`(("`, `"))`}, NameKey: "name",
		Computed: []string{"arn"},
		fake: func(f Faker, r Resource) (string, map[string]any) {
			name := f.PhysicalName(r, "name")
			return name, map[string]any{"name": name, "arn": f.ARN("cloudwatch", "alarm:"+name)}
		}})
	// RecursionConfig is a function's recursive-loop detection setting.
	RecursionConfig = register(&Type{Token: TokenRecursionConfig, Label: "recursion config",
		fake: func(_ Faker, r Resource) (string, map[string]any) {
			return Str(r.Inputs, RecursionFunction), nil
		}})
)
