package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const existingRoleArn = "arn:aws:iam::123456789012:role/existing-role"

// existing registers a role and a function that uses it, as a program that
// predates the component would.
func existing(ctx *pulumi.Context) (*iam.Role, *lambda.Function) {
	r := newRole(ctx, "existing-role")
	return r, newPlainFunction(ctx, "existing", r.Arn)
}

type asyncInvokeOutputs struct {
	functionName, qualifier, onSuccess, onFailure, grantsSkipped any
}

func readAsyncInvokeOutputs(ctx *pulumi.Context, c *asyncroute.AsyncInvoke) (asyncInvokeOutputs, error) {
	var o asyncInvokeOutputs
	for _, x := range []struct {
		dst *any
		out pulumi.Output
	}{
		{&o.functionName, c.FunctionName}, {&o.qualifier, c.Qualifier},
		{&o.onSuccess, c.OnSuccessArn}, {&o.onFailure, c.OnFailureArn}, {&o.grantsSkipped, c.GrantsSkipped},
	} {
		v, _, err := awaitValue(ctx, x.out)
		if err != nil {
			return o, err
		}
		*x.dst = v
	}
	return o, nil
}

func TestAsyncInvokeOnFunctionResource(t *testing.T) {
	var comp *asyncroute.AsyncInvoke
	var outs asyncInvokeOutputs
	st := run(t, func(ctx *pulumi.Context) error {
		r, fn := existing(ctx)
		c, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			Function:   fn,
			Role:       &asyncroute.ExistingRole{Role: r},
			OnSuccess:  asyncroute.EventBus{Bus: newBus(ctx, "results")},
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			MaxRetries: pulumi.IntRef(1),
		})
		if err != nil {
			return err
		}
		comp = c
		outs, err = readAsyncInvokeOutputs(ctx, c)
		return err
	})
	c := find(t, st, asyncInvokeType, "routing")
	policy := find(t, st, rolePolicyType, "routing-async-grants")
	cfg := config(t, st, "routing")
	require.NotNil(t, comp.Policy)
	require.NotNil(t, comp.InvokeConfig)

	assert.Equal(t, map[string]any{"qualifier": "$LATEST", "skipGrants": false, "maxRetries": 1.0, "onSuccessKind": "events", "onFailureKind": "sqs"}, c.Inputs)
	assert.Equal(t, deps(dep(rolePolicyType, "routing-async-grants"), dep(configType, "routing-async-config")), childNames(st, c))
	assert.Equal(t, c.URN, policy.Parent)
	assert.Equal(t, c.URN, cfg.Parent)
	// Only the existing role and function: the component creates neither.
	assert.Len(t, st.OfType(roleType), 1)
	assert.Len(t, st.OfType(lambdaType), 1)

	assert.Equal(t, "existing-role", policy.Inputs["role"])
	assert.Equal(t, stmts(
		allow(putEvents, arnOf("events", "event-bus/results")),
		allow(sqsSend, arnOf("sqs", "failed")),
	), statements(t, st, "routing"))
	assert.Equal(t, deps(dep(roleType, "existing-role"), dep(busType, "results"), dep(queueType, "failed")), st.Dependencies(policy))

	assert.Equal(t, map[string]any{
		"functionName":         "existing",
		"qualifier":            "$LATEST",
		"maximumRetryAttempts": 1.0,
		"destinationConfig":    destinations(arnOf("events", "event-bus/results"), arnOf("sqs", "failed")),
	}, cfg.Inputs)
	assert.Equal(t, deps(dep(rolePolicyType, "routing-async-grants"), dep(lambdaType, "existing"), dep(busType, "results"), dep(queueType, "failed")),
		st.Dependencies(cfg))

	assert.Equal(t, asyncInvokeOutputs{
		functionName:  "existing",
		qualifier:     "$LATEST",
		onSuccess:     strPtr(arnOf("events", "event-bus/results")),
		onFailure:     strPtr(arnOf("sqs", "failed")),
		grantsSkipped: false,
	}, outs)
}

// The config names the function by name when it is in the provider's
// account and region, however the program names it, so that naming it
// another way updates the config in place (see TestConfigNeverReplacedOntoItself
// in tests/engine); another account's function keeps its ARN.
func TestAsyncInvokeByNameAndByArn(t *testing.T) {
	other := "arn:aws:lambda:us-east-1:210987654321:function:existing"
	for _, tc := range []struct {
		name, function, want string
	}{
		{"ByName", "existing", "existing"},
		{"ByArn", fnARN("existing"), "existing"},
		{"ByArnOfAnotherAccount", other, other},
		{"ByQualifiedArnOfAnotherAccount", other + ":$LATEST", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := run(t, func(ctx *pulumi.Context) error {
				_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
					FunctionName: pulumi.String(tc.function),
					Role:         &asyncroute.ExistingRole{Name: pulumi.String("existing-role")},
					OnFailure:    asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", nil)},
				})
				return err
			})
			policy := find(t, st, rolePolicyType, "routing-async-grants")
			cfg := config(t, st, "routing")
			assert.Equal(t, "existing-role", policy.Inputs["role"])
			assert.Equal(t, stmts(allow(snsPublish, arnOf("sns", "alerts"))), statements(t, st, "routing"))
			assert.Equal(t, deps(dep(topicType, "alerts")), st.Dependencies(policy))
			assert.Equal(t, map[string]any{
				"functionName":      tc.want,
				"qualifier":         "$LATEST",
				"destinationConfig": destinations("", arnOf("sns", "alerts")),
			}, cfg.Inputs)
			assert.Equal(t, deps(dep(rolePolicyType, "routing-async-grants"), dep(topicType, "alerts")), st.Dependencies(cfg))
		})
	}
}

func TestAsyncInvokeQualifierLiteral(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("existing"),
			Qualifier:    pulumi.String("prod"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("existing-role")},
			OnSuccess:    asyncroute.DefaultEventBus{},
			MaxEventAge:  secs(300),
		})
		return err
	})
	assert.Equal(t, map[string]any{
		"functionName":             "existing",
		"qualifier":                "prod",
		"maximumEventAgeInSeconds": 300.0,
		"destinationConfig":        destinations(defaultBus, ""),
	}, config(t, st, "routing").Inputs)
	assert.Equal(t, "prod", find(t, st, asyncInvokeType, "routing").Inputs["qualifier"])
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "routing"))
}

func TestAsyncInvokeQualifierFromAlias(t *testing.T) {
	var outs asyncInvokeOutputs
	st := run(t, func(ctx *pulumi.Context) error {
		r, fn := existing(ctx)
		alias := must(lambda.NewAlias(ctx, "live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: fn.Name, FunctionVersion: fn.Version}))
		c, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			Function:  fn,
			Qualifier: alias.Name,
			Role:      &asyncroute.ExistingRole{Role: r},
			OnFailure: asyncroute.LambdaFunction{Function: newPlainFunction(ctx, "fallback", r.Arn)},
		})
		if err != nil {
			return err
		}
		outs, err = readAsyncInvokeOutputs(ctx, c)
		return err
	})
	cfg := config(t, st, "routing")
	assert.Equal(t, map[string]any{
		"functionName":      "existing",
		"qualifier":         "live",
		"destinationConfig": destinations("", fnARN("fallback")),
	}, cfg.Inputs)
	// The config waits for the alias it is on.
	assert.Equal(t, deps(dep(rolePolicyType, "routing-async-grants"), dep(aliasType, "live"), dep(lambdaType, "existing"), dep(lambdaType, "fallback")),
		st.Dependencies(cfg))
	assert.Equal(t, stmts(allow(lambdaCall, fnARN("fallback"), fnARN("fallback")+":*")), statements(t, st, "routing"))
	assert.Equal(t, "live", outs.qualifier)
}

func TestAsyncInvokeSkipGrants(t *testing.T) {
	var outs asyncInvokeOutputs
	var comp *asyncroute.AsyncInvoke
	st := run(t, func(ctx *pulumi.Context) error {
		_, fn := existing(ctx)
		c, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			Function:   fn,
			SkipGrants: true,
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
		})
		if err != nil {
			return err
		}
		comp = c
		outs, err = readAsyncInvokeOutputs(ctx, c)
		return err
	})
	assert.Nil(t, comp.Policy)
	assert.Empty(t, st.OfType(rolePolicyType))
	assert.Equal(t, true, outs.grantsSkipped)
	assert.Equal(t, deps(dep(lambdaType, "existing"), dep(queueType, "failed")), st.Dependencies(config(t, st, "routing")))
	assert.Equal(t, deps(dep(configType, "routing-async-config")), childNames(st, find(t, st, asyncInvokeType, "routing")))
}

func TestAsyncInvokeRoleByArnWithSkipGrants(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("existing"),
			Role:         &asyncroute.ExistingRole{Arn: pulumi.String(existingRoleArn)},
			SkipGrants:   true,
			MaxRetries:   pulumi.IntRef(0),
		})
		return err
	})
	assert.Empty(t, st.OfType(rolePolicyType))
	assert.Equal(t, map[string]any{"functionName": "existing", "qualifier": "$LATEST", "maximumRetryAttempts": 0.0}, config(t, st, "routing").Inputs)
	assert.Empty(t, st.Dependencies(config(t, st, "routing")))
}

// One config per function and qualifier: a second one would overwrite the
// first at deploy time.
func TestDuplicateConfigs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		program func(ctx *pulumi.Context) error
		want    string
		failed  string
		users   int
	}{
		{"FunctionThenAsyncInvokeOnItsFunction", func(ctx *pulumi.Context) error {
			c := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)}}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "more", &asyncroute.AsyncInvokeArgs{Function: c.Function, SkipGrants: true, OnSuccess: asyncroute.DefaultEventBus{}})
			return err
		}, `asyncroute: AsyncInvoke "more": Qualifier: function "orders" already has an async invoke config for qualifier "$LATEST" from Function "orders"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"more", 6},
		{"FunctionThenAsyncInvokeOnAutoNamedFunction", func(ctx *pulumi.Context) error {
			args := lambdaArgs("x")
			args.Name = nil
			c := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: args, MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "more", &asyncroute.AsyncInvokeArgs{Function: c.Function, SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "more": Qualifier: function "orders" already has an async invoke config for qualifier "$LATEST" from Function "orders"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"more", 4},
		{"FunctionAliasThenAsyncInvokeOnAlias", func(ctx *pulumi.Context) error {
			c := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(1), Alias: "live"}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "more", &asyncroute.AsyncInvokeArgs{Function: c.Function, Qualifier: c.Alias.Name, SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "more": Qualifier: function "orders" already has an async invoke config for qualifier "live" from Function "orders"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"more", 5},
		{"FunctionThenAsyncInvokeByNameOutput", func(ctx *pulumi.Context) error {
			args := lambdaArgs("x")
			args.Name = nil
			c := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: args, MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "more", &asyncroute.AsyncInvokeArgs{FunctionName: c.FunctionName, SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "more": Qualifier: function "orders-e33c137" already has an async invoke config for qualifier "$LATEST" from Function "orders"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"more", 4},
		{"TwoAsyncInvokesSameName", func(ctx *pulumi.Context) error {
			must(asyncroute.NewAsyncInvoke(ctx, "first", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "second", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "second": Qualifier: function "existing" already has an async invoke config for qualifier "$LATEST" from AsyncInvoke "first"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"second", 2},
		{"NameAndArnOfTheSameFunction", func(ctx *pulumi.Context) error {
			must(asyncroute.NewAsyncInvoke(ctx, "first", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "second", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(fnARN("existing")), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "second": Qualifier: function "existing" already has an async invoke config for qualifier "$LATEST" from AsyncInvoke "first"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"second", 2},
		{"ExplicitLatestEqualsDefault", func(ctx *pulumi.Context) error {
			must(asyncroute.NewAsyncInvoke(ctx, "first", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), SkipGrants: true, MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewAsyncInvoke(ctx, "second", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Qualifier: pulumi.String("$LATEST"), SkipGrants: true, MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: AsyncInvoke "second": Qualifier: function "existing" already has an async invoke config for qualifier "$LATEST" from AsyncInvoke "first"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"second", 2},
		{"TwoFunctionsSameName", func(ctx *pulumi.Context) error {
			must(asyncroute.NewFunction(ctx, "a", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(1)}))
			_, err := asyncroute.NewFunction(ctx, "b", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(0)})
			return err
		}, `asyncroute: Function "b": Function.Name: function "orders" already has an async invoke config for qualifier "$LATEST" from Function "a"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`,
			"b", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name != "FunctionThenAsyncInvokeByNameOutput" {
				st := rejects(t, tc.program, tc.want, tc.failed, tc.users)
				assert.Len(t, st.OfType(configType), 1)
				return
			}
			// A name output is known only at deploy time in an update: both
			// configs claim it when it resolves, and whichever claims second
			// fails, so exactly one config is written.
			st, err := runCapture(t, tc.program, asyncroutetest.Preview())
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			requireNothingFromComponent(t, st, tc.failed, tc.users)
			up, err := asyncroutetest.Run(tc.program)
			require.Error(t, err)
			assert.Regexp(t, `asyncroute: (AsyncInvoke "more": Qualifier|Function "orders": Function\.Name): function "orders-e33c137" already has an async invoke config for qualifier "\$LATEST" from (Function "orders"|AsyncInvoke "more"); Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`, err.Error())
			assert.Len(t, up.OfType(configType), 1)
		})
	}
}

func TestDifferentQualifiersAreFine(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		c := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnSuccess: asyncroute.DefaultEventBus{}}))
		must(asyncroute.NewAsyncInvoke(ctx, "live", &asyncroute.AsyncInvokeArgs{
			Function: c.Function, Qualifier: pulumi.String("live"), Role: &asyncroute.ExistingRole{Role: c.Role},
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "live-failed", nil)},
		}))
		_, err := asyncroute.NewAsyncInvoke(ctx, "by-name", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("orders"), Qualifier: pulumi.String("7"), SkipGrants: true, MaxRetries: pulumi.IntRef(0),
		})
		return err
	})
	var quals []string
	for _, r := range st.OfType(configType) {
		quals = append(quals, r.Inputs["functionName"].(string)+":"+r.Inputs["qualifier"].(string))
	}
	assert.ElementsMatch(t, []string{"orders:$LATEST", "orders:live", "orders:7"}, quals)
	// The second component's grants go to the first one's role, in their own
	// policy.
	roleName := find(t, st, roleType, "orders-role").Outputs["name"]
	assert.Equal(t, roleName, find(t, st, rolePolicyType, "live-async-grants").Inputs["role"])
	assert.Equal(t, stmts(allow(sqsSend, arnOf("sqs", "live-failed"))), statements(t, st, "live"))
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "orders"))
}

// TestRecordedQualifierIsTheSameAtPreviewAndUpdate: a config on a function
// named by an output (another component's FunctionName) records no
// qualifier on the component, in preview and in update: a qualifier
// derived from an output is known at a preview of a deployed stack but not
// while it updates, and a recorded input that differed would show as a
// change on every preview. The config's own qualifier is $LATEST either
// way.
func TestRecordedQualifierIsTheSameAtPreviewAndUpdate(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		fn, err := asyncroute.NewFunction(ctx, "mailer", &asyncroute.FunctionArgs{Function: lambdaArgs("mailer"), Alias: "live", OnFailure: asyncroute.DefaultEventBus{}})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewAsyncInvoke(ctx, "latest", &asyncroute.AsyncInvokeArgs{
			FunctionName: fn.FunctionName, Role: &asyncroute.ExistingRole{Arn: fn.RoleArn}, OnFailure: asyncroute.DefaultEventBus{},
		})
		return err
	}
	for _, preview := range []bool{true, false} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st := run(t, program, opts...)
		assert.Equal(t, "", find(t, st, asyncInvokeType, "latest").Inputs["qualifier"], "preview=%v", preview)
		assert.Equal(t, "$LATEST", config(t, st, "latest").Inputs["qualifier"], "preview=%v", preview)
	}
}
