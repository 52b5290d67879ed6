package stack

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExistingFunction(t *testing.T) {
	st, err := asyncroutetest.Run(Program, asyncroutetest.Project("asyncroute-existing-function"))
	require.NoError(t, err)
	key := st.Find("aws:kms/key:Key", "failures-key").Outputs["arn"].(string)
	failures := st.Find("aws:sqs/queue:Queue", "billing-failures").Outputs["arn"].(string)
	dlq := st.Find("aws:sqs/queue:Queue", "exporter-dlq").Outputs["arn"].(string)

	legacy := st.Find("aws:iam/rolePolicy:RolePolicy", "legacy-billing-async-grants")
	assert.Equal(t, "legacy-billing-role", legacy.Inputs["role"])
	doc, err := asyncroutetest.DecodePolicy(legacy.Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, []asyncroutetest.Statement{
		{Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{key}},
		{Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{failures}},
	}, doc.Statements)
	cfg := st.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "legacy-billing-async-config")
	assert.Equal(t, "legacy-billing", cfg.Inputs["functionName"])
	assert.Equal(t, 7200.0, cfg.Inputs["maximumEventAgeInSeconds"])

	// The exporter uses the platform role; no role is created for it, and
	// its DLQ's key (given by key id) is granted by key ARN.
	assert.Nil(t, st.Find("aws:iam/role:Role", "invoice-exporter-role"))
	platform := st.Find("aws:iam/role:Role", "platform-exporter-role")
	fn := st.Find("aws:lambda/function:Function", "invoice-exporter")
	assert.Equal(t, platform.Outputs["arn"], fn.Inputs["role"])
	assert.Equal(t, map[string]any{"targetArn": dlq}, fn.Inputs["deadLetterConfig"])
	grants := st.Find("aws:iam/rolePolicy:RolePolicy", "invoice-exporter-async-grants")
	assert.Equal(t, platform.Outputs["name"], grants.Inputs["role"])
	doc, err = asyncroutetest.DecodePolicy(grants.Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, []asyncroutetest.Statement{
		{Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{key}},
		{Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{dlq}},
	}, doc.Statements)
	assert.True(t, st.DependsOn(fn, grants), "a function with a DLQ is created after its grants")
}
