package stack

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPipeline(t *testing.T) {
	st, err := asyncroutetest.Run(Program)
	require.NoError(t, err)

	enrichFn := st.Find("aws:lambda/function:Function", "enrich")
	enrichArn := enrichFn.Outputs["arn"].(string)
	failures := st.Find("aws:sqs/queue:Queue", "pipeline-failures").Outputs["arn"].(string)

	cfg := st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "ingest-async-config")
	assert.Equal(t, map[string]any{
		"onSuccess": map[string]any{"destination": enrichArn},
		"onFailure": map[string]any{"destination": failures},
	}, cfg.Inputs["destinationConfig"])
	assert.Equal(t, 0.0, cfg.Inputs["maximumRetryAttempts"], "0 retries is sent, not dropped")

	doc, err := asyncroutetest.DecodePolicy(st.Find("aws:iam/rolePolicy:RolePolicy", "ingest-async-grants").Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, []asyncroutetest.Statement{
		{Effect: "Allow", Action: []string{"lambda:InvokeFunction"}, Resource: []string{enrichArn, enrichArn + ":*"}},
		{Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{failures}},
	}, doc.Statements)
	assert.True(t, st.DependsOn(cfg, enrichFn), "ingest's config waits for the enrich function")
}
