package fakeaws

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRolePolicyReplacement: a role policy without a name is auto-named
// <logical name>-<7 hex>, keeps its name across updates, takes a new one
// when the engine re-checks it for a replacement (no olds), and a change of
// role is a replace; the replacement is stored next to the old policy until
// the old one is deleted.
func TestRolePolicyReplacement(t *testing.T) {
	tp := newTestProvider(t, "")
	ctx := context.Background()
	urn := testURN(typeRolePolicy, "fn-async-grants")
	check := func(news, olds map[string]any, seed string) string {
		req := &pulumirpc.CheckRequest{Urn: urn, Type: typeRolePolicy, News: props(t, news), RandomSeed: []byte(seed)}
		if olds != nil {
			req.Olds = props(t, olds)
		}
		resp, err := tp.p.Check(ctx, req)
		require.NoError(t, err)
		require.Empty(t, resp.GetFailures())
		m, err := unmarshal(resp.GetInputs())
		require.NoError(t, err)
		return str(Plain(m), "name")
	}
	in := map[string]any{"role": "r", "policy": policyJSON(sqsSend)}
	first := check(in, nil, "seed-1")
	assert.Regexp(t, regexp.MustCompile(`^fn-async-grants-[0-9a-f]{7}$`), first)
	old := map[string]any{"role": "r", "name": first, "policy": policyJSON(sqsSend)}
	assert.Equal(t, first, check(in, old, "seed-2"), "kept across updates")
	second := check(in, nil, "seed-2")
	assert.Regexp(t, `^fn-async-grants-[0-9a-f]{7}$`, second)
	assert.NotEqual(t, first, second, "a replacement gets a new name")
	assert.Equal(t, "given", check(map[string]any{"role": "r", "name": "given"}, nil, "s"), "a given name is kept")
	assert.Equal(t, "", check(map[string]any{"role": "r", "namePrefix": "pre-"}, nil, "s"), "a prefix is left to the create")

	// Diff: role, name and namePrefix replace; the document updates in place.
	for _, c := range []struct {
		change   map[string]any
		replaces []string
	}{
		{map[string]any{"role": "r2"}, []string{"role"}},
		{map[string]any{"name": "other"}, []string{"name"}},
		{map[string]any{"namePrefix": "pre-"}, []string{"namePrefix"}},
		{map[string]any{"policy": policyJSON()}, nil},
	} {
		news := map[string]any{}
		for k, v := range old {
			news[k] = v
		}
		for k, v := range c.change {
			news[k] = v
		}
		resp, err := tp.p.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn, Type: typeRolePolicy, OldInputs: props(t, old), News: props(t, news)})
		require.NoError(t, err)
		assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, resp.GetChanges(), "%v", c.change)
		assert.Equal(t, c.replaces, resp.GetReplaces(), "%v", c.change)
	}

	// Create before delete: both stored on the role, then only the new one.
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	for _, name := range []string{first, second} {
		id, _, err := tp.tryCreate(t, typeRolePolicy, "fn-async-grants", map[string]any{"role": "r", "name": name, "policy": policyJSON(sqsSend)})
		require.NoError(t, err)
		assert.Equal(t, "r:"+name, id)
	}
	s, err := LoadState(tp.state)
	require.NoError(t, err)
	assert.Len(t, s.rolePolicies("r"), 2)
	tp.delete(t, typeRolePolicy, urn, "r:"+first)
	s, err = LoadState(tp.state)
	require.NoError(t, err)
	_, kept := s.find(typeRolePolicy, "r:"+second)
	assert.NotNil(t, kept)
	assert.Len(t, s.rolePolicies("r"), 1)
}

// TestEverySpecIsComplete guards the per-type specs.
func TestEverySpecIsComplete(t *testing.T) {
	for typ, sp := range specs {
		assert.Equal(t, typ, sp.token)
		assert.NotNil(t, sp.schema, typ)
		assert.NotNil(t, sp.args, typ)
		assert.NotNil(t, sp.computed, typ)
		assert.NotEmpty(t, zeroOutputs()[typ], "%s: outputs from the schema", typ)
		if sp.naming.nameKey != "" {
			assert.Positive(t, sp.naming.maxLen, typ)
		}
	}
	assert.Len(t, specs, 18)
}

// TestSchemaCoversTheImplementedTypes: the double's schema has every type
// it implements, with inputs read from the SDK's Args (spot checks of
// names and types Pulumi YAML programs use) and outputs from the
// resource's output fields.
func TestSchemaCoversTheImplementedTypes(t *testing.T) {
	raw, err := schemaJSON()
	require.NoError(t, err)
	var s struct {
		Resources map[string]struct {
			Inputs  map[string]map[string]any `json:"inputProperties"`
			Outputs map[string]map[string]any `json:"properties"`
		} `json:"resources"`
		Types map[string]any `json:"types"`
	}
	require.NoError(t, json.Unmarshal(raw, &s))
	var tokens []string
	for tok := range s.Resources {
		tokens = append(tokens, tok)
	}
	sort.Strings(tokens)
	assert.Equal(t, []string{
		"aws:cloudwatch/eventBus:EventBus", "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
		"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
		"aws:kms/alias:Alias", "aws:kms/key:Key",
		"aws:lambda/alias:Alias", "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:lambda/function:Function",
		"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "aws:lambda/permission:Permission",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "aws:s3/bucketV2:BucketV2",
		"aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription", "aws:sqs/queue:Queue",
	}, tokens)
	assert.Len(t, tokens, len(specs), "one schema resource per implemented type")

	q := s.Resources["aws:sqs/queue:Queue"]
	assert.Equal(t, map[string]any{"type": "boolean"}, q.Inputs["fifoQueue"])
	assert.Equal(t, map[string]any{"type": "integer"}, q.Inputs["messageRetentionSeconds"])
	assert.Equal(t, map[string]any{"type": "string"}, q.Outputs["url"])
	assert.NotContains(t, q.Inputs, "url", "an output only")
	fn := s.Resources["aws:lambda/function:Function"]
	assert.Equal(t, map[string]any{"$ref": "pulumi.json#/Archive"}, fn.Inputs["code"])
	assert.Equal(t, map[string]any{"$ref": "#/types/aws:lambda/FunctionDeadLetterConfig:FunctionDeadLetterConfig"}, fn.Inputs["deadLetterConfig"])
	assert.Contains(t, s.Types, "aws:lambda/FunctionDeadLetterConfig:FunctionDeadLetterConfig")
	enc := s.Resources["aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]
	assert.Equal(t, "array", enc.Inputs["rules"]["type"])
	assert.Equal(t, map[string]any{"type": "string"}, s.Resources["aws:kms/alias:Alias"].Inputs["targetKeyId"])
	assert.Equal(t, map[string]any{"type": "string"}, s.Resources["aws:kms/alias:Alias"].Outputs["targetKeyArn"])
	alarm := s.Resources["aws:cloudwatch/metricAlarm:MetricAlarm"]
	assert.Equal(t, map[string]any{"type": "number"}, alarm.Inputs["threshold"])
	assert.Equal(t, "object", alarm.Inputs["dimensions"]["type"])
	assert.Equal(t, "array", alarm.Inputs["alarmActions"]["type"])
}

// TestMetricAlarm: an alarm's id is its name and its ARN is CloudWatch's;
// PutMetricAlarm refuses a period that is not 10, 20, 30 or a multiple of
// 60 seconds, an evaluation range over one day for periods under an hour,
// and values outside its enumerations.
func TestMetricAlarm(t *testing.T) {
	tp := newTestProvider(t, "")
	ok := map[string]any{"name": "orders-ddf", "namespace": "AWS/Lambda", "metricName": "DestinationDeliveryFailures",
		"dimensions": map[string]any{"FunctionName": "orders"}, "statistic": "Sum", "period": 60.0, "evaluationPeriods": 1.0,
		"threshold": 0.0, "comparisonOperator": "GreaterThanThreshold", "treatMissingData": "notBreaching"}
	id, outs, err := tp.tryCreate(t, typeMetricAlarm, "orders-ddf", ok)
	require.NoError(t, err)
	assert.Equal(t, "orders-ddf", id)
	assert.Equal(t, "arn:aws:cloudwatch:us-east-1:"+Account+":alarm:orders-ddf", outs["arn"])
	for msg, change := range map[string]map[string]any{
		"Period must be 10, 20, 30 or a multiple of 60; got 90":                                                       {"period": 90.0},
		"The evaluation period of an alarm with a period of less than one hour cannot exceed one day (86400 seconds)": {"evaluationPeriods": 1441.0},
		"Value 'p99' at 'statistic' failed to satisfy constraint":                                                     {"statistic": "p99"},
		"Value 'ignored' at 'treatMissingData' failed to satisfy constraint":                                          {"treatMissingData": "ignored"},
	} {
		in := map[string]any{}
		for k, v := range ok {
			in[k] = v
		}
		for k, v := range change {
			in[k] = v
		}
		_, _, err := tp.tryCreate(t, typeMetricAlarm, "bad", in)
		require.Error(t, err, msg)
		assert.Contains(t, err.Error(), "api error ValidationError: "+msg)
	}
}
