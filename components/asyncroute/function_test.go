package asyncroute_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const basicExecution = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

// functionOutputs are a Function's outputs as read inside the program.
type functionOutputs struct {
	functionArn, functionName, roleArn, qualifier any
	onSuccess, onFailure, deadLetter              any
	grantsSkipped                                 any
}

func readFunctionOutputs(ctx *pulumi.Context, c *asyncroute.Function) (functionOutputs, error) {
	var o functionOutputs
	for _, x := range []struct {
		dst *any
		out pulumi.Output
	}{
		{&o.functionArn, c.FunctionArn}, {&o.functionName, c.FunctionName}, {&o.roleArn, c.RoleArn},
		{&o.qualifier, c.Qualifier}, {&o.onSuccess, c.OnSuccessArn}, {&o.onFailure, c.OnFailureArn},
		{&o.deadLetter, c.DeadLetterArn}, {&o.grantsSkipped, c.GrantsSkipped},
	} {
		v, _, err := awaitValue(ctx, x.out)
		if err != nil {
			return o, err
		}
		*x.dst = v
	}
	return o, nil
}

func strPtr(s string) *string { return &s }

func TestFunctionCreatesRolePolicyFunctionAndConfig(t *testing.T) {
	var comp *asyncroute.Function
	var outs functionOutputs
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
		})
		if err != nil {
			return err
		}
		comp = c
		outs, err = readFunctionOutputs(ctx, c)
		return err
	})
	c := find(t, st, functionComponentType, "orders")
	role := find(t, st, roleType, "orders-role")
	roleArn := role.Outputs["arn"].(string)

	// The component's fields point at its children.
	require.NotNil(t, comp.Role)
	require.NotNil(t, comp.Policy)
	require.NotNil(t, comp.Function)
	require.NotNil(t, comp.InvokeConfig)
	assert.Nil(t, comp.Alias)

	assert.Equal(t, functionOutputs{
		functionArn:   fnARN("orders"),
		functionName:  "orders",
		roleArn:       roleArn,
		qualifier:     "$LATEST",
		onSuccess:     (*string)(nil),
		onFailure:     strPtr(arnOf("sqs", "failed")),
		deadLetter:    (*string)(nil),
		grantsSkipped: false,
	}, outs)

	// The role trusts Lambda and has the basic execution policy.
	trust, err := asyncroutetest.DecodePolicy(role.Inputs["assumeRolePolicy"])
	require.NoError(t, err)
	assert.Equal(t, iampolicy.Document{Version: "2012-10-17", Statements: []iampolicy.Statement{{
		Effect:     "Allow",
		Principal:  map[string]string{"Service": "lambda.amazonaws.com"},
		Principals: &iampolicy.Principals{Service: []string{"lambda.amazonaws.com"}},
		Action:     []string{"sts:AssumeRole"},
	}}}, trust)
	assert.Equal(t, map[string]any{
		"assumeRolePolicy":  role.Inputs["assumeRolePolicy"],
		"managedPolicyArns": []any{basicExecution},
	}, role.Inputs)

	assert.Equal(t, map[string]any{"qualifier": "$LATEST", "skipGrants": false, "onFailureKind": "sqs", "roleIdentity": "the role the component creates",
		"routeIdentities": map[string]any{"onFailure": `aws:sqs/queue:Queue "failed"`}}, c.Inputs)
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"),
		dep(lambdaType, "orders"), dep(configType, "orders-async-config")), childNames(st, c))
	for _, ch := range st.Children(c) {
		assert.True(t, ch.Custom)
		assert.Equal(t, c.URN, ch.Parent)
	}
	assert.Equal(t, "urn:pulumi:test::asyncroute::asyncroute:lambda:Function$aws:iam/role:Role::orders-role", role.URN)
}

func TestRetrySettingsOnly(t *testing.T) {
	var comp *asyncroute.Function
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:    lambdaArgs("orders"),
			MaxRetries:  pulumi.IntRef(0),
			MaxEventAge: secs(60),
		})
		comp = c
		return err
	})
	// Nothing to grant: no policy, and the config depends on the function only.
	assert.Nil(t, comp.Policy)
	assert.Empty(t, st.OfType(rolePolicyType))
	cfg := config(t, st, "orders")
	assert.Equal(t, map[string]any{
		"functionName":             "orders",
		"qualifier":                "$LATEST",
		"maximumRetryAttempts":     0.0,
		"maximumEventAgeInSeconds": 60.0,
	}, cfg.Inputs)
	assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(cfg))
	assert.Equal(t, deps(dep(roleType, "orders-role")), st.Dependencies(find(t, st, lambdaType, "orders")))
}

func TestRetryAndAgeBoundsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retries *int
		age     *time.Duration
		want    map[string]any
	}{
		{"Retries0", pulumi.IntRef(0), nil, map[string]any{"maximumRetryAttempts": 0.0}},
		{"Retries1", pulumi.IntRef(1), nil, map[string]any{"maximumRetryAttempts": 1.0}},
		{"Retries2", pulumi.IntRef(2), nil, map[string]any{"maximumRetryAttempts": 2.0}},
		{"Age60s", nil, secs(60), map[string]any{"maximumEventAgeInSeconds": 60.0}},
		{"Age6h", nil, func() *time.Duration { d := 6 * time.Hour; return &d }(), map[string]any{"maximumEventAgeInSeconds": 21600.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := run(t, func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
					Function: lambdaArgs("orders"), OnSuccess: asyncroute.DefaultEventBus{},
					MaxRetries: tc.retries, MaxEventAge: tc.age,
				})
				return err
			})
			want := map[string]any{"functionName": "orders", "qualifier": "$LATEST", "destinationConfig": destinations(defaultBus, "")}
			for k, v := range tc.want {
				want[k] = v
			}
			assert.Equal(t, want, config(t, st, "orders").Inputs)
		})
	}
}

func TestAlias(t *testing.T) {
	var comp *asyncroute.Function
	var outs functionOutputs
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			Alias:     "live",
		})
		if err != nil {
			return err
		}
		comp = c
		outs, err = readFunctionOutputs(ctx, c)
		return err
	})
	c := find(t, st, functionComponentType, "orders")
	role := find(t, st, roleType, "orders-role")
	fn := find(t, st, lambdaType, "orders")
	alias := find(t, st, aliasType, "orders-live")
	cfg := config(t, st, "orders")
	require.NotNil(t, comp.Alias)

	// The function is published and the alias points at the new version.
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"role": role.Outputs["arn"], "publish": true}), fn.Inputs)
	assert.Equal(t, map[string]any{"name": "live", "functionName": "orders", "functionVersion": "1"}, alias.Inputs)
	assert.Equal(t, c.URN, alias.Parent)
	assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(alias))

	// The config is on the alias and waits for it and for the grants.
	assert.Equal(t, map[string]any{
		"functionName":      "orders",
		"qualifier":         "live",
		"destinationConfig": destinations("", arnOf("sqs", "failed")),
	}, cfg.Inputs)
	assert.Equal(t, deps(dep(aliasType, "orders-live"), dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(queueType, "failed")),
		st.Dependencies(cfg))
	assert.Equal(t, "live", outs.qualifier)
	assert.Equal(t, "live", c.Inputs["qualifier"])
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(aliasType, "orders-live"),
		dep(lambdaType, "orders"), dep(configType, "orders-async-config")), childNames(st, c))
}

func TestAliasWithExplicitPublish(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		args := lambdaArgs("orders")
		args.Publish = pulumi.Bool(true)
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: args, MaxRetries: pulumi.IntRef(1), Alias: "prod"})
		return err
	})
	assert.Equal(t, "prod", config(t, st, "orders").Inputs["qualifier"])
	assert.Equal(t, "1", find(t, st, aliasType, "orders-prod").Inputs["functionVersion"])
}

func TestTwoFunctionsInOneStack(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		if _, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "orders-failed", nil)},
		}); err != nil {
			return err
		}
		_, err := asyncroute.NewFunction(ctx, "billing", &asyncroute.FunctionArgs{
			Function: lambdaArgs("billing"), OnFailure: asyncroute.SNSTopic{Topic: newTopic(ctx, "billing-alerts", nil)},
		})
		return err
	})
	for _, tc := range []struct {
		name  string
		grant iampolicy.Statement
		dest  string
	}{
		{"orders", allow(sqsSend, arnOf("sqs", "orders-failed")), arnOf("sqs", "orders-failed")},
		{"billing", allow(snsPublish, arnOf("sns", "billing-alerts")), arnOf("sns", "billing-alerts")},
	} {
		c := find(t, st, functionComponentType, tc.name)
		assert.Equal(t, deps(dep(roleType, tc.name+"-role"), dep(rolePolicyType, tc.name+"-async-grants"),
			dep(lambdaType, tc.name), dep(configType, tc.name+"-async-config")), childNames(st, c))
		// Each policy grants its own targets only, on its own role.
		assert.Equal(t, stmts(tc.grant), statements(t, st, tc.name))
		assert.Equal(t, find(t, st, roleType, tc.name+"-role").Outputs["name"], find(t, st, rolePolicyType, tc.name+"-async-grants").Inputs["role"])
		assert.Equal(t, map[string]any{"functionName": tc.name, "qualifier": "$LATEST", "destinationConfig": destinations("", tc.dest)},
			config(t, st, tc.name).Inputs)
	}
	urns := map[string]bool{}
	for _, r := range st.Resources {
		assert.False(t, urns[r.URN], "duplicate URN %s", r.URN)
		urns[r.URN] = true
	}
	assert.NotEqual(t, find(t, st, roleType, "orders-role").Outputs["name"], find(t, st, roleType, "billing-role").Outputs["name"])
}

func TestFunctionWithoutExplicitName(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		args := lambdaArgs("x")
		args.Name = nil
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: args, OnSuccess: asyncroute.DefaultEventBus{}})
		return err
	})
	fn := find(t, st, lambdaType, "orders")
	name := fn.Outputs["name"].(string)
	assert.Regexp(t, `^orders-[0-9a-f]{7}$`, name)
	assert.Equal(t, name, config(t, st, "orders").Inputs["functionName"])
}
