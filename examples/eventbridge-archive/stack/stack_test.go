package stack

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventBridgeArchive(t *testing.T) {
	st, err := asyncroutetest.Run(Program)
	require.NoError(t, err)
	bus := st.Find("aws:cloudwatch/eventBus:EventBus", "payments").Outputs["arn"].(string)
	bucket := st.Find("aws:s3/bucketV2:BucketV2", "payment-failures").Outputs["arn"].(string)
	assert.Equal(t, "arn:aws:events:us-east-1:123456789012:event-bus/payments", bus)

	cfg := st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "payment-scorer-async-config")
	assert.Equal(t, map[string]any{
		"onSuccess": map[string]any{"destination": bus},
		"onFailure": map[string]any{"destination": bucket},
	}, cfg.Inputs["destinationConfig"])

	doc, err := asyncroutetest.DecodePolicy(st.Find("aws:iam/rolePolicy:RolePolicy", "payment-scorer-async-grants").Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, []asyncroutetest.Statement{
		{Effect: "Allow", Action: []string{"events:PutEvents"}, Resource: []string{bus}},
		{Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucket}},
		{Effect: "Allow", Action: []string{"s3:PutObject"}, Resource: []string{bucket + "/*"}},
	}, doc.Statements)
}
