package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// At preview the ARNs AWS assigns are unknown: the component must neither
// fail nor grant anything it cannot name, and its ordering must already be
// in place.
func TestPreviewWithUnknownARNs(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		next := must(asyncroute.NewFunction(ctx, "next", &asyncroute.FunctionArgs{Function: lambdaArgs("next"), MaxRetries: pulumi.IntRef(0)}))
		key := newKey(ctx, "key")
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnSuccess:  next.AsDestination(),
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			DeadLetter: asyncroute.SNSTopic{Topic: newTopic(ctx, "dead", &sns.TopicArgs{KmsMasterKeyId: key.KeyId})},
			MaxRetries: pulumi.IntRef(1),
		})
		return err
	}, asyncroutetest.Preview())

	role := find(t, st, roleType, "orders-role")
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	fn := find(t, st, lambdaType, "orders")
	cfg := config(t, st, "orders")

	// The policy document is unknown, not a wrong or partial grant.
	assert.Equal(t, map[string]any{"role": role.Outputs["name"], "policy": asyncroutetest.Unknown{}, "name": asyncroutetest.Unknown{}}, policy.Inputs)
	_, err := asyncroutetest.DecodePolicy(policy.Inputs["policy"])
	require.ErrorContains(t, err, "unknown until deploy")

	// The destinations are unknown too; the settings that are known stay.
	assert.Equal(t, map[string]any{
		"functionName":         "orders",
		"qualifier":            "$LATEST",
		"maximumRetryAttempts": 1.0,
		"destinationConfig":    map[string]any{"onSuccess": unknownDestination, "onFailure": unknownDestination},
	}, cfg.Inputs)
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"deadLetterConfig": map[string]any{"targetArn": asyncroutetest.Unknown{}}, "role": asyncroutetest.Unknown{}}), fn.Inputs)

	// Ordering is exact already.
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(lambdaType, "next"), dep(queueType, "failed")),
		st.Dependencies(cfg))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(lambdaType, "next"), dep(queueType, "failed"), dep(topicType, "dead")),
		st.Dependencies(policy))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(topicType, "dead")),
		st.Dependencies(fn))
	assert.True(t, st.DependsOn(policy, find(t, st, keyType, "key")))
}

func TestPreviewWithKnownARNsOnly(t *testing.T) {
	// The default bus ARN comes from invokes, which answer at preview, and a
	// literal ARN is known: the policy is complete.
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.DefaultEventBus{},
			OnFailure: asyncroute.ARN{Arn: pulumi.String(arnOf("sqs", "ext"))},
		})
		return err
	}, asyncroutetest.Preview())
	assert.Equal(t, stmts(allow(putEvents, defaultBus), allow(sqsSend, arnOf("sqs", "ext"))), statements(t, st, "orders"))
	assert.Equal(t, map[string]any{
		"functionName": "orders", "qualifier": "$LATEST", "destinationConfig": destinations(defaultBus, arnOf("sqs", "ext")),
	}, config(t, st, "orders").Inputs)
}

func TestPreviewARNOutputWithKind(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.ARN{Arn: newQueue(ctx, "failed", nil).Arn, Kind: asyncroute.KindSQS},
		})
		return err
	}, asyncroutetest.Preview())
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	assert.Equal(t, asyncroutetest.Unknown{}, policy.Inputs["policy"])
	cfg := config(t, st, "orders")
	assert.Equal(t, map[string]any{"functionName": "orders", "qualifier": "$LATEST", "destinationConfig": map[string]any{"onFailure": unknownDestination}}, cfg.Inputs)
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(queueType, "failed")), st.Dependencies(cfg))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(queueType, "failed")), st.Dependencies(policy))
}

func TestPreviewAlias(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.DefaultEventBus{},
			Alias:     "live",
		})
		return err
	}, asyncroutetest.Preview())
	// The published version is unknown until deploy.
	assert.Equal(t, map[string]any{"name": "live", "functionName": "orders", "functionVersion": asyncroutetest.Unknown{}}, find(t, st, aliasType, "orders-live").Inputs)
	cfg := config(t, st, "orders")
	assert.Equal(t, "live", cfg.Inputs["qualifier"])
	assert.Equal(t, deps(dep(aliasType, "orders-live"), dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders")), st.Dependencies(cfg))
}

func TestPreviewAsyncInvokeOnUnknownFunctionArn(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		r, f := existing(ctx)
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: f.Arn,
			Role:         &asyncroute.ExistingRole{Role: r},
			OnFailure:    asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
		})
		return err
	}, asyncroutetest.Preview())
	cfg := config(t, st, "routing")
	// The qualifier comes from the ARN (which may be a qualified one), so
	// it is unknown too.
	assert.Equal(t, map[string]any{"functionName": asyncroutetest.Unknown{}, "qualifier": asyncroutetest.Unknown{}, "destinationConfig": map[string]any{"onFailure": unknownDestination}}, cfg.Inputs)
	assert.Equal(t, deps(dep(rolePolicyType, "routing-async-grants"), dep(lambdaType, "existing"), dep(queueType, "failed")), st.Dependencies(cfg))
	assert.Equal(t, map[string]any{"role": "existing-role", "policy": asyncroutetest.Unknown{}, "name": asyncroutetest.Unknown{}}, find(t, st, rolePolicyType, "routing-async-grants").Inputs)
}

// Bad input whose problem is visible at preview is reported at preview.
func TestPreviewReportsBadInput(t *testing.T) {
	st, err := runCapture(t, onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.SQSQueue{Queue: fifoQueue(ctx, "jobs")}
	}), asyncroutetest.Preview())
	require.Error(t, err)
	assert.Equal(t, fPrefix+`OnFailure: SQS queue "jobs"`+fifoMsg, err.Error())
	requireNothingFromComponent(t, st, "orders", 1)
}

// unknownDestination is a side of destinationConfig whose ARN is unknown
// at preview.
var unknownDestination = map[string]any{"destination": asyncroutetest.Unknown{}}
