package stack

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	stream     = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
	defaultBus = "arn:aws:events:us-east-1:123456789012:event-bus/default"
)

func statements(t *testing.T, st *asyncroutetest.Stack, policy string) []asyncroutetest.Statement {
	t.Helper()
	p := st.Find("aws:iam/rolePolicy:RolePolicy", policy)
	require.NotNil(t, p, policy)
	doc, err := asyncroutetest.DecodePolicy(p.Inputs["policy"])
	require.NoError(t, err)
	return doc.Statements
}

func allow(resources []string, actions ...string) asyncroutetest.Statement {
	return asyncroutetest.Statement{Effect: "Allow", Action: actions, Resource: resources}
}

func TestResponseChain(t *testing.T) {
	st, err := asyncroutetest.Run(Program)
	require.NoError(t, err)

	enrich := st.Find("aws:lambda/function:Function", "enrich").Outputs["arn"].(string)
	failures := st.Find("aws:sqs/queue:Queue", "ingest-on-failure")
	require.NotNil(t, failures)
	failuresArn := failures.Outputs["arn"].(string)
	assert.Equal(t, map[string]any{"messageRetentionSeconds": 14 * 24 * 3600.0, "sqsManagedSseEnabled": true}, failures.Inputs)

	// ingest's config is on its alias and sends successes to the default bus.
	cfg := st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "ingest-async-config")
	assert.Equal(t, "live", cfg.Inputs["qualifier"])
	assert.Equal(t, map[string]any{
		"onSuccess": map[string]any{"destination": defaultBus},
		"onFailure": map[string]any{"destination": failuresArn},
	}, cfg.Inputs["destinationConfig"])
	assert.Equal(t, []asyncroutetest.Statement{
		allow([]string{defaultBus}, "events:PutEvents"),
		allow([]string{failuresArn}, "sqs:SendMessage"),
	}, statements(t, st, "ingest-async-grants"))

	// The rule matches the alias the config is on; enrich gets the payload.
	rule := st.Find("aws:cloudwatch/eventRule:EventRule", "ingest-on-success-response")
	require.NotNil(t, rule)
	assert.Equal(t, `{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"],`+
		`"resources":["arn:aws:lambda:us-east-1:123456789012:function:ingest-`+suffixOf(t, st, "ingest")+`:live"]}`, rule.Inputs["eventPattern"])
	target := st.Find("aws:cloudwatch/eventTarget:EventTarget", "ingest-on-success-response-target")
	assert.Equal(t, map[string]any{"rule": rule.Outputs["name"], "arn": enrich, "inputPath": "$.detail.responsePayload"}, target.Inputs)
	perm := st.Find("aws:lambda/permission:Permission", "ingest-on-success-response-permission")
	assert.Equal(t, rule.Outputs["arn"], perm.Inputs["sourceArn"])
	assert.Equal(t, "events.amazonaws.com", perm.Inputs["principal"])
	for _, r := range []*asyncroutetest.Resource{st.Find("aws:iam/rolePolicy:RolePolicy", "ingest-async-grants"), rule, target, perm} {
		assert.True(t, st.DependsOn(cfg, r), "the config waits for %s", r.Name)
	}

	// The clicks mapping: stream read and failure queue granted first.
	clicksFailures := st.Find("aws:sqs/queue:Queue", "clicks-stream-on-failure").Outputs["arn"].(string)
	m := st.Find("aws:lambda/eventSourceMapping:EventSourceMapping", "clicks-stream")
	require.NotNil(t, m)
	assert.Equal(t, map[string]any{
		"functionName":               m.Inputs["functionName"],
		"eventSourceArn":             stream,
		"startingPosition":           "LATEST",
		"batchSize":                  100.0,
		"destinationConfig":          map[string]any{"onFailure": map[string]any{"destinationArn": clicksFailures}},
		"maximumRetryAttempts":       3.0,
		"maximumRecordAgeInSeconds":  3600.0,
		"bisectBatchOnFunctionError": true,
	}, m.Inputs)
	assert.Equal(t, []asyncroutetest.Statement{
		allow([]string{stream}, "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"),
		allow([]string{clicksFailures}, "sqs:SendMessage"),
	}, statements(t, st, "clicks-stream-mapping-grants"))
	assert.True(t, st.DependsOn(m, st.Find("aws:iam/rolePolicy:RolePolicy", "clicks-stream-mapping-grants")))

	// enrich, invoked asynchronously by the rule, keeps its failures too.
	enrichFailures := st.Find("aws:sqs/queue:Queue", "enrich-on-failure").Outputs["arn"].(string)
	assert.Equal(t, map[string]any{"destination": enrichFailures},
		st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "enrich-async-config").Inputs["destinationConfig"].(map[string]any)["onFailure"])
	assert.Nil(t, st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "clicks-async-config"))
}

// suffixOf is the auto-name suffix the mock gave function name.
func suffixOf(t *testing.T, st *asyncroutetest.Stack, name string) string {
	t.Helper()
	n := st.Find("aws:lambda/function:Function", name).Outputs["name"].(string)
	return n[len(name)+1:]
}

func TestResponseChainStreamFromConfig(t *testing.T) {
	other := "arn:aws:kinesis:eu-west-1:210987654321:stream/shared-clicks"
	st, err := asyncroutetest.Run(Program, asyncroutetest.Config(map[string]string{"asyncroute:streamArn": other}))
	require.NoError(t, err)
	assert.Equal(t, other, st.Find("aws:lambda/eventSourceMapping:EventSourceMapping", "clicks-stream").Inputs["eventSourceArn"])
}
