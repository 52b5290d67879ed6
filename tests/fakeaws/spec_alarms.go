package fakeaws

import (
	"fmt"
	"math"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
)

const typeMetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm"

// metricAlarmSpec: id is the alarm's name; the name is auto-named and a
// change of it replaces the alarm. PutMetricAlarm's own checks come with
// the write: the period (10, 20, 30 or a multiple of 60 seconds), at
// least one evaluation period, the evaluation range (one day for periods
// under an hour, seven days otherwise) and the enumerations of the
// comparison, statistic and missing-data treatment.
var metricAlarmSpec = &spec{
	token:           typeMetricAlarm,
	schema:          cloudwatch.MetricAlarm{},
	args:            cloudwatch.MetricAlarmArgs{},
	naming:          naming{nameKey: "name", maxLen: 255},
	replaceOnChange: []string{"name"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := str(in, "name")
		return name, map[string]any{"name": name, "arn": e.arn("cloudwatch", "alarm:"+name)}, nil
	},
	validate: func(_ *State, in map[string]any) error {
		if msg := alarmProblem(in); msg != "" {
			return fmt.Errorf("creating CloudWatch Metric Alarm (%s): operation error CloudWatch: PutMetricAlarm, https response error StatusCode: 400, RequestID: %s, api error ValidationError: %s",
				str(in, "name"), uuid(), msg)
		}
		return nil
	},
}

// alarmProblem is what PutMetricAlarm refuses in an alarm's inputs, "" for
// nothing.
func alarmProblem(in map[string]any) string {
	period, _ := in["period"].(float64)
	evals, _ := in["evaluationPeriods"].(float64)
	oneOf := func(key string, allowed ...string) string {
		v := str(in, key)
		if v == "" {
			return ""
		}
		for _, a := range allowed {
			if v == a {
				return ""
			}
		}
		return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: %v", v, key, allowed)
	}
	switch {
	case period != 10 && period != 20 && period != 30 && (period < 60 || math.Mod(period, 60) != 0):
		return fmt.Sprintf("Period must be 10, 20, 30 or a multiple of 60; got %v", period)
	case evals < 1:
		return "EvaluationPeriods must be at least 1"
	case period < 3600 && period*evals > 86400:
		return "The evaluation period of an alarm with a period of less than one hour cannot exceed one day (86400 seconds)"
	case period*evals > 604800:
		return "The evaluation period of an alarm cannot exceed seven days (604800 seconds)"
	}
	for _, p := range []string{
		oneOf("comparisonOperator", "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
			"LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"),
		oneOf("statistic", "SampleCount", "Average", "Sum", "Minimum", "Maximum"),
		oneOf("treatMissingData", "breaching", "notBreaching", "ignore", "missing"),
	} {
		if p != "" {
			return p
		}
	}
	return ""
}
