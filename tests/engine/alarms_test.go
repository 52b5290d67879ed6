//go:build engine

package engine

import (
	"sort"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tMetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm"

// TestAlarmsDeploy: a function with Alarms plans and deploys through the
// real engine. Its config is on alias "live" with a one-hour maximum event
// age and an on-failure queue, so it gets two alarms, on the alias's
// metrics (FunctionName and Resource <name>:live, the names AWS assigned),
// notifying the program's topic; the double's PutMetricAlarm accepts
// their periods, statistics and enumerations. A second preview changes
// nothing, and destroy removes them.
func TestAlarmsDeploy(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-alarms", func(ctx *pulumi.Context) error {
		topic, err := sns.NewTopic(ctx, "on-call", &sns.TopicArgs{})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:    pythonFunction(),
			OnFailure:   asyncroute.NewQueue{},
			Alias:       "live",
			MaxEventAge: asyncroute.EventAge(3600e9),
			Alarms:      &asyncroute.Alarms{Notify: topic},
		})
		return err
	})
	// The preview plans both alarms (as the engine's events say).
	evs := make(chan events.EngineEvent)
	var planned []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range evs {
			if p := e.ResourcePreEvent; p != nil && p.Metadata.Type == tMetricAlarm && p.Metadata.Op == apitype.OpCreate {
				planned = append(planned, p.Metadata.URN[strings.LastIndex(p.Metadata.URN, "::")+2:])
			}
		}
	}()
	_, err := w.preview(optpreview.EventStreams(evs))
	require.NoError(t, err)
	<-done
	sort.Strings(planned)
	assert.Equal(t, []string{"orders-alarm-async-event-age", "orders-alarm-destination-delivery-failures"}, planned)

	_, err = w.up()
	require.NoError(t, err)
	for _, op := range w.ops(0) {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
	}
	var fnName, topicArn string
	alarms := map[string]*fakeaws.Record{}
	for _, r := range w.providerState().Live() {
		switch r.Type {
		case tFunction:
			fnName, _ = r.Outputs["name"].(string)
		case tTopic:
			topicArn, _ = r.Outputs["arn"].(string)
		case tMetricAlarm:
			alarms[r.URN[strings.LastIndex(r.URN, "::")+2:]] = r
		}
	}
	require.NotEmpty(t, fnName)
	require.Len(t, alarms, 2, "two alarms deployed")
	for name, r := range alarms {
		assert.Equal(t, map[string]any{"FunctionName": fnName, "Resource": fnName + ":live"}, r.Inputs["dimensions"], name)
		assert.Equal(t, "AWS/Lambda", r.Inputs["namespace"], name)
		assert.Equal(t, []any{topicArn}, r.Inputs["alarmActions"], name)
		assert.Equal(t, []any{topicArn}, r.Inputs["okActions"], name)
		assert.Equal(t, "notBreaching", r.Inputs["treatMissingData"], name)
		assert.Equal(t, "GreaterThanThreshold", r.Inputs["comparisonOperator"], name)
		assert.Equal(t, 60.0, r.Inputs["period"], name)
		assert.Equal(t, 1.0, r.Inputs["evaluationPeriods"], name)
	}
	age := alarms["orders-alarm-async-event-age"]
	require.NotNil(t, age)
	assert.Equal(t, "AsyncEventAge", age.Inputs["metricName"])
	assert.Equal(t, "Maximum", age.Inputs["statistic"])
	assert.Equal(t, 1800000.0, age.Inputs["threshold"])
	ddf := alarms["orders-alarm-destination-delivery-failures"]
	require.NotNil(t, ddf)
	assert.Equal(t, "DestinationDeliveryFailures", ddf.Inputs["metricName"])
	assert.Equal(t, "Sum", ddf.Inputs["statistic"])
	assert.Equal(t, 0.0, ddf.Inputs["threshold"])

	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err, "a second preview changes nothing")
	w.destroy()
	for _, r := range w.providerState().Live() {
		assert.NotEqual(t, tMetricAlarm, r.Type, "destroy removes %s", r.URN)
	}
}
