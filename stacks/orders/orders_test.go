package orders

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRootStackRouting(t *testing.T) {
	st, err := asyncroutetest.Run(Program, asyncroutetest.Project("orders"))
	require.NoError(t, err)

	cfg := st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "order-processor-async-config")
	require.NotNil(t, cfg)
	queue := st.Find("aws:sqs/queue:Queue", "orders-processed")
	topic := st.Find("aws:sns/topic:Topic", "orders-failed")
	assert.Equal(t, map[string]any{
		"functionName":             st.Find("aws:lambda/function:Function", "order-processor").Outputs["name"],
		"qualifier":                "$LATEST",
		"maximumRetryAttempts":     1.0,
		"maximumEventAgeInSeconds": 3600.0,
		"destinationConfig": map[string]any{
			"onSuccess": map[string]any{"destination": queue.Outputs["arn"]},
			"onFailure": map[string]any{"destination": topic.Outputs["arn"]},
		},
	}, cfg.Inputs)

	policy := st.Find("aws:iam/rolePolicy:RolePolicy", "order-processor-async-grants")
	doc, err := asyncroutetest.DecodePolicy(policy.Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, []asyncroutetest.Statement{
		{Effect: "Allow", Action: []string{"sns:Publish"}, Resource: []string{topic.Outputs["arn"].(string)}},
		{Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{queue.Outputs["arn"].(string)}},
	}, doc.Statements, "the topic uses the AWS-managed key: no KMS grant")
	assert.True(t, st.DependsOn(cfg, policy), "config is written after the grant policy")
	assert.Nil(t, st.Find("aws:sns/topicSubscription:TopicSubscription", "orders-failed-email"))
}

func TestRootStackAlertEmail(t *testing.T) {
	st, err := asyncroutetest.Run(Program, asyncroutetest.Project("orders"),
		asyncroutetest.Config(map[string]string{"orders:alertEmail": "ops@example.com"}))
	require.NoError(t, err)
	sub := st.Find("aws:sns/topicSubscription:TopicSubscription", "orders-failed-email")
	require.NotNil(t, sub)
	assert.Equal(t, "email", sub.Inputs["protocol"])
	assert.Equal(t, "ops@example.com", sub.Inputs["endpoint"])
	assert.Equal(t, st.Find("aws:sns/topic:Topic", "orders-failed").Outputs["arn"], sub.Inputs["topic"])
}

func TestRootStackPreview(t *testing.T) {
	st, err := asyncroutetest.Run(Program, asyncroutetest.Project("orders"), asyncroutetest.Preview())
	require.NoError(t, err)
	assert.Len(t, st.Resources, 7)
}
