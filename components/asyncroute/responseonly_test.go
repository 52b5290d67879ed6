package asyncroute_test

import (
	"fmt"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ruleType        = "aws:cloudwatch/eventRule:EventRule"
	eventTargetType = "aws:cloudwatch/eventTarget:EventTarget"
	permissionType  = "aws:lambda/permission:Permission"
	successResult   = "Lambda Function Invocation Result - Success"
	failureResult   = "Lambda Function Invocation Result - Failure"
)

// pattern is the event pattern a response-only rule must have.
func pattern(detailType, source string) string {
	return `{"source":["lambda"],"detail-type":["` + detailType + `"],"resources":["` + source + `"]}`
}

// responseRoute asserts the rule, target and permission one response-only
// route made, named prefix-response..., and returns them.
func responseRoute(t *testing.T, st *asyncroutetest.Stack, prefix, side, detailType, source, next string) (rule, target, perm *asyncroutetest.Resource) {
	t.Helper()
	rule = find(t, st, ruleType, prefix+"-response")
	target = find(t, st, eventTargetType, prefix+"-response-target")
	perm = find(t, st, permissionType, prefix+"-response-permission")
	assert.Equal(t, map[string]any{
		"description":  "asyncroute: response payload on " + side + " to the next function",
		"eventPattern": pattern(detailType, source),
	}, rule.Inputs)
	assert.Equal(t, map[string]any{
		"rule":      rule.Outputs["name"],
		"arn":       fnARN(next),
		"inputPath": "$.detail.responsePayload",
	}, target.Inputs)
	assert.Equal(t, map[string]any{
		"action":    "lambda:InvokeFunction",
		"function":  next,
		"principal": "events.amazonaws.com",
		"sourceArn": arnOf("events", "rule/"+rule.Outputs["name"].(string)),
	}, perm.Inputs)
	assert.Equal(t, deps(dep(ruleType, prefix+"-response"), dep(lambdaType, next)), st.Dependencies(target))
	assert.Equal(t, deps(dep(ruleType, prefix+"-response"), dep(lambdaType, next)), st.Dependencies(perm))
	// The pair is qualifier-correct: the target invokes the unqualified
	// ARN, and the rules' decision (ASYNC006) finds the permission covers it.
	var checked []string
	for _, c := range asyncpolicy.Analyze(asyncpolicy.FromStack(st)).InvokeChecks() {
		if c.Trigger == target.URN {
			checked = append(checked, fmt.Sprintf("%s %s %s by %s", c.Principal, c.Qualifier, c.Decision, c.By))
		}
	}
	assert.Equal(t, []string{`events.amazonaws.com $LATEST allowed by aws:lambda/permission:Permission "` + prefix + `-response-permission" on the unqualified function (which covers $LATEST only)`}, checked)
	return rule, target, perm
}

func TestResponseOnlyOnSuccessOfLatest(t *testing.T) {
	var comp *asyncroute.Function
	st := run(t, func(ctx *pulumi.Context) error {
		next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.ResponseOnly{Function: next},
		})
		comp = c
		return err
	})
	c := find(t, st, functionComponentType, "orders")
	cfg := config(t, st, "orders")
	rule, _, _ := responseRoute(t, st, "orders-on-success", "success", successResult, fnARN("orders")+":$LATEST", "next")

	// The config points at the default bus, which the role may put to.
	assert.Equal(t, map[string]any{
		"functionName":      "orders",
		"qualifier":         "$LATEST",
		"destinationConfig": destinations(defaultBus, ""),
	}, cfg.Inputs)
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "orders"))

	// The rule needs the function's ARN; the config waits for the grant and
	// for the whole route, so no result is dropped on the first deployment
	// (and for the next function, whose name it checks against its own).
	assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(rule))
	assert.Equal(t, deps(
		dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(lambdaType, "next"),
		dep(ruleType, "orders-on-success-response"), dep(eventTargetType, "orders-on-success-response-target"),
		dep(permissionType, "orders-on-success-response-permission"),
	), st.Dependencies(cfg))
	assert.Equal(t, deps(dep(roleType, "orders-role")), st.Dependencies(find(t, st, rolePolicyType, "orders-async-grants")))

	assert.Equal(t, deps(
		dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"),
		dep(ruleType, "orders-on-success-response"), dep(eventTargetType, "orders-on-success-response-target"),
		dep(permissionType, "orders-on-success-response-permission"), dep(configType, "orders-async-config"),
	), childNames(st, c))
	assert.Equal(t, map[string]any{"qualifier": "$LATEST", "skipGrants": false, "onSuccessKind": "events", "roleIdentity": "the role the component creates",
		"routeIdentities": map[string]any{"onSuccess": "the default event bus"}}, c.Inputs)

	require.NotNil(t, comp.OnSuccessCreated)
	assert.NotNil(t, comp.OnSuccessCreated.Rule)
	assert.NotNil(t, comp.OnSuccessCreated.RuleTarget)
	assert.NotNil(t, comp.OnSuccessCreated.Permission)
	assert.Nil(t, comp.OnSuccessCreated.Queue)
	assert.Nil(t, comp.OnFailureCreated)
	assert.Nil(t, comp.DeadLetterCreated)
}

// On an alias the rule matches the alias-qualified ARN, which is what
// Lambda puts in the event; success and failure get a rule each and share
// one grant.
func TestResponseOnlyOnAliasBothSides(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
		errs := newPlainFunction(ctx, "errors", pulumi.String(externalRoleArn))
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			Alias:     "live",
			OnSuccess: asyncroute.ResponseOnly{Function: next},
			OnFailure: asyncroute.ResponseOnly{Function: errs},
		})
		return err
	})
	live := fnARN("orders") + ":live"
	okRule, _, _ := responseRoute(t, st, "orders-on-success", "success", successResult, live, "next")
	failRule, _, _ := responseRoute(t, st, "orders-on-failure", "failure", failureResult, live, "errors")
	assert.Equal(t, deps(dep(aliasType, "orders-live")), st.Dependencies(okRule))
	assert.Equal(t, deps(dep(aliasType, "orders-live")), st.Dependencies(failRule))

	cfg := config(t, st, "orders")
	assert.Equal(t, destinations(defaultBus, defaultBus), cfg.Inputs["destinationConfig"])
	assert.Equal(t, "live", cfg.Inputs["qualifier"])
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "orders"))
	assert.Equal(t, deps(
		dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(aliasType, "orders-live"),
		dep(lambdaType, "next"), dep(lambdaType, "errors"),
		dep(ruleType, "orders-on-success-response"), dep(eventTargetType, "orders-on-success-response-target"),
		dep(permissionType, "orders-on-success-response-permission"),
		dep(ruleType, "orders-on-failure-response"), dep(eventTargetType, "orders-on-failure-response-target"),
		dep(permissionType, "orders-on-failure-response-permission"),
	), st.Dependencies(cfg))
}

// A response-only route next to an ordinary destination: the grants merge.
func TestResponseOnlyWithQueueOnFailure(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))},
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
		})
		return err
	})
	assert.Equal(t, stmts(allow(putEvents, defaultBus), allow(sqsSend, arnOf("sqs", "failed"))), statements(t, st, "orders"))
	assert.Equal(t, destinations(defaultBus, arnOf("sqs", "failed")), config(t, st, "orders").Inputs["destinationConfig"])
	assert.Nil(t, st.Find(ruleType, "orders-on-failure-response"))
}

// AsyncInvoke qualifies the source ARN the same way, whether the function
// is a resource, an ARN or a bare name.
func TestResponseOnlyOnAsyncInvoke(t *testing.T) {
	role := &asyncroute.ExistingRole{Name: pulumi.String("existing-role")}
	for _, tc := range []struct {
		name   string
		args   func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs
		source string
		users  []string
	}{
		{"ByResource", func(ctx *pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{Function: newPlainFunction(ctx, "existing", pulumi.String(externalRoleArn)), Role: role}
		}, fnARN("existing") + ":$LATEST", []string{dep(lambdaType, "existing")}},
		{"ByNameWithQualifier", func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("existing"), Qualifier: pulumi.String("prod"), Role: role}
		}, fnARN("existing") + ":prod", nil},
		{"ByQualifiedARN", func(*pulumi.Context) *asyncroute.AsyncInvokeArgs {
			return &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("arn:aws:lambda:eu-west-1:210987654321:function:existing"), Qualifier: pulumi.String("7"), Role: role}
		}, "arn:aws:lambda:eu-west-1:210987654321:function:existing:7", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var comp *asyncroute.AsyncInvoke
			st := run(t, func(ctx *pulumi.Context) error {
				args := tc.args(ctx)
				args.OnFailure = asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
				c, err := asyncroute.NewAsyncInvoke(ctx, "routing", args)
				comp = c
				return err
			})
			rule, _, _ := responseRoute(t, st, "routing-on-failure", "failure", failureResult, tc.source, "next")
			assert.Equal(t, deps(tc.users...), st.Dependencies(rule))
			assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "routing"))
			cfg := config(t, st, "routing")
			assert.Equal(t, deps(append([]string{
				dep(rolePolicyType, "routing-async-grants"), dep(ruleType, "routing-on-failure-response"),
				dep(eventTargetType, "routing-on-failure-response-target"), dep(permissionType, "routing-on-failure-response-permission"),
				dep(lambdaType, "next"),
			}, tc.users...)...), st.Dependencies(cfg))
			require.NotNil(t, comp.OnFailureCreated)
			assert.NotNil(t, comp.OnFailureCreated.Rule)
			assert.Nil(t, comp.OnSuccessCreated)
		})
	}
}

// At preview the rule's pattern and the permission's source ARN are
// unknown, and the ordering is already exact.
func TestPreviewResponseOnly(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))},
		})
		return err
	}, asyncroutetest.Preview())
	rule := find(t, st, ruleType, "orders-on-success-response")
	perm := find(t, st, permissionType, "orders-on-success-response-permission")
	assert.Equal(t, map[string]any{"description": "asyncroute: response payload on success to the next function", "eventPattern": asyncroutetest.Unknown{}}, rule.Inputs)
	assert.Equal(t, map[string]any{"action": "lambda:InvokeFunction", "function": "next", "principal": "events.amazonaws.com", "sourceArn": asyncroutetest.Unknown{}}, perm.Inputs)
	// The default bus ARN comes from invokes, so the grant is complete.
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "orders"))
	assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(rule))
	assert.True(t, st.DependsOn(config(t, st, "orders"), perm))
}

func TestResponseOnlyTags(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			Tags:      pulumi.StringMap{"team": pulumi.String("payments")},
			OnSuccess: asyncroute.ResponseOnly{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))},
		})
		return err
	})
	assert.Equal(t, map[string]any{"team": "payments"}, find(t, st, ruleType, "orders-on-success-response").Inputs["tags"])
}

// The next function by its ARN: the rule target invokes the ARN and the
// permission is added to it; the route is the same as for a resource.
func TestResponseOnlyByFunctionArn(t *testing.T) {
	const next = "arn:aws:lambda:us-east-1:123456789012:function:enrich"
	for _, preview := range []bool{false, true} {
		t.Run(map[bool]string{false: "Update", true: "Preview"}[preview], func(t *testing.T) {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			var comp *asyncroute.Function
			st := run(t, func(ctx *pulumi.Context) error {
				c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
					Function:  lambdaArgs("orders"),
					OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String(next)},
				})
				comp = c
				return err
			}, opts...)
			c := find(t, st, functionComponentType, "orders")
			rule := find(t, st, ruleType, "orders-on-success-response")
			target := find(t, st, eventTargetType, "orders-on-success-response-target")
			perm := find(t, st, permissionType, "orders-on-success-response-permission")
			var pattern, ruleName, sourceArn any = pattern(successResult, fnARN("orders")+":$LATEST"), rule.Outputs["name"], arnOf("events", "rule/"+rule.Outputs["name"].(string))
			if preview {
				pattern, sourceArn = asyncroutetest.Unknown{}, asyncroutetest.Unknown{}
			}
			assert.Equal(t, map[string]any{
				"description":  "asyncroute: response payload on success to the next function",
				"eventPattern": pattern,
			}, rule.Inputs)
			assert.Equal(t, map[string]any{"rule": ruleName, "arn": next, "inputPath": "$.detail.responsePayload"}, target.Inputs)
			assert.Equal(t, map[string]any{
				"action":    "lambda:InvokeFunction",
				"function":  next,
				"principal": "events.amazonaws.com",
				"sourceArn": sourceArn,
			}, perm.Inputs)
			assert.Equal(t, deps(dep(ruleType, "orders-on-success-response")), st.Dependencies(target))
			assert.Equal(t, deps(dep(ruleType, "orders-on-success-response")), st.Dependencies(perm))
			assert.Equal(t, deps(dep(lambdaType, "orders")), st.Dependencies(rule))

			cfg := config(t, st, "orders")
			assert.Equal(t, map[string]any{"functionName": "orders", "qualifier": "$LATEST", "destinationConfig": destinations(defaultBus, "")}, cfg.Inputs)
			assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "orders"))
			assert.Equal(t, deps(
				dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"),
				dep(ruleType, "orders-on-success-response"), dep(eventTargetType, "orders-on-success-response-target"),
				dep(permissionType, "orders-on-success-response-permission"),
			), st.Dependencies(cfg))
			assert.Equal(t, deps(
				dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"),
				dep(ruleType, "orders-on-success-response"), dep(eventTargetType, "orders-on-success-response-target"),
				dep(permissionType, "orders-on-success-response-permission"), dep(configType, "orders-async-config"),
			), childNames(st, c))
			assert.Equal(t, map[string]any{"qualifier": "$LATEST", "skipGrants": false, "onSuccessKind": "events", "roleIdentity": "the role the component creates",
				"routeIdentities": map[string]any{"onSuccess": "the default event bus"}}, c.Inputs)
			require.NotNil(t, comp.OnSuccessCreated)
			assert.NotNil(t, comp.OnSuccessCreated.Rule)
			assert.NotNil(t, comp.OnSuccessCreated.RuleTarget)
			assert.NotNil(t, comp.OnSuccessCreated.Permission)
		})
	}
}

// An ARN that is an output (a function of this program, passed as a
// program in another language passes it) is checked inside the outputs
// during an update; the target and the permission wait for its resource.
func TestResponseOnlyByFunctionArnOutput(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
		_, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("existing"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("existing-role")},
			OnFailure:    asyncroute.ResponseOnly{FunctionArn: next.Arn},
		})
		return err
	})
	rule := find(t, st, ruleType, "routing-on-failure-response")
	target := find(t, st, eventTargetType, "routing-on-failure-response-target")
	perm := find(t, st, permissionType, "routing-on-failure-response-permission")
	assert.Equal(t, pattern(failureResult, fnARN("existing")+":$LATEST"), rule.Inputs["eventPattern"])
	assert.Equal(t, map[string]any{"rule": rule.Outputs["name"], "arn": fnARN("next"), "inputPath": "$.detail.responsePayload"}, target.Inputs)
	assert.Equal(t, fnARN("next"), perm.Inputs["function"])
	assert.Equal(t, deps(dep(ruleType, "routing-on-failure-response"), dep(lambdaType, "next")), st.Dependencies(target))
	assert.Equal(t, deps(dep(ruleType, "routing-on-failure-response"), dep(lambdaType, "next")), st.Dependencies(perm))
	assert.Equal(t, destinations("", defaultBus), config(t, st, "routing").Inputs["destinationConfig"])
	assert.Equal(t, stmts(allow(putEvents, defaultBus)), statements(t, st, "routing"))

	// At a first preview the ARN is unknown, and so are the inputs that
	// take it.
	st = run(t, func(ctx *pulumi.Context) error {
		next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: next.Arn},
		})
		return err
	}, asyncroutetest.Preview())
	assert.Equal(t, asyncroutetest.Unknown{}, find(t, st, eventTargetType, "orders-on-success-response-target").Inputs["arn"])
	assert.Equal(t, asyncroutetest.Unknown{}, find(t, st, permissionType, "orders-on-success-response-permission").Inputs["function"])
	assert.True(t, st.DependsOn(config(t, st, "orders"), find(t, st, permissionType, "orders-on-success-response-permission")))
}

// A next function in another partition than the provider's fails the rule
// target's and the permission's inputs, so the route and its config are
// never written.
func TestResponseOnlyFunctionArnOtherPartition(t *testing.T) {
	programFails(t, onSuccess(func(*pulumi.Context) asyncroute.Destination {
		return asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws-cn:lambda:cn-north-1:123456789012:function:next")}
	}), fPrefix+`OnSuccess: ResponseOnly.FunctionArn "arn:aws-cn:lambda:cn-north-1:123456789012:function:next" is in partition "aws-cn" but the rule on the default event bus is in "aws"; an EventBridge rule cannot invoke a function in another partition; allowed: a function in partition "aws"`, "orders")
}

// An EventBridge rule invokes functions in its own region only, and the
// route's permission can be added only in the next function's account: a
// next function elsewhere is refused, by ARN or as a resource made with a
// provider in another region.
func TestResponseOnlyNextInAnotherRegionOrAccount(t *testing.T) {
	programFails(t, onSuccess(func(*pulumi.Context) asyncroute.Destination {
		return asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:123456789012:function:next")}
	}), fPrefix+`OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:eu-west-1:123456789012:function:next" is in region "eu-west-1" but the rule on the default event bus is in "us-east-1"; an EventBridge rule invokes functions in its own region only; allowed: a function in region "us-east-1" (for another region, send to that region's bus with EventBus)`, "orders")
	programFails(t, onFailure(func(*pulumi.Context) asyncroute.Destination {
		return asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:lambda:us-east-1:210987654321:function:next")}
	}), fPrefix+`OnFailure: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:210987654321:function:next" is in account "210987654321" but the rule on the default event bus is in "123456789012"; the route adds EventBridge's permission to the next function, which only its own account can do; allowed: a function in account "123456789012" (for another account, send to its event bus with EventBus)`, "orders")

	// As a resource, the ARN is known only once the function exists: the
	// update fails before the rule target, the permission or the config is
	// written.
	st, err := asyncroutetest.Run(onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
		p := must(aws.NewProvider(ctx, "euw1", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")}))
		fnArgs := lambdaArgs("next")
		fnArgs.Role = pulumi.String(externalRoleArn)
		next := must(lambda.NewFunction(ctx, "next", &fnArgs, pulumi.Provider(p)))
		return asyncroute.ResponseOnly{Function: next}
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), fPrefix+`OnSuccess: ResponseOnly.Function "arn:aws:lambda:eu-west-1:123456789012:function:next" is in region "eu-west-1" but the rule on the default event bus is in "us-east-1"; an EventBridge rule invokes functions in its own region only; allowed: a function in region "us-east-1" (for another region, send to that region's bus with EventBus)`)
	assert.Nil(t, st.Find(eventTargetType, "orders-on-success-response-target"))
	assert.Nil(t, st.Find(permissionType, "orders-on-success-response-permission"))
	assert.Nil(t, st.Find(configType, "orders-async-config"))
}

// During an update a bad next-function ARN that is an output fails the
// rule target's and the permission's inputs as well as the config's: the
// route is never written, and the message is the one a preview of the
// known ARN gives.
func TestResponseOnlyFunctionArnCheckedAtDeploy(t *testing.T) {
	st, err := asyncroutetest.Run(onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ResponseOnly{FunctionArn: newQueue(ctx, "jobs", nil).Arn}
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), fPrefix+`OnSuccess: ResponseOnly.FunctionArn "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; `+nextAllowed)
	assert.Nil(t, st.Find(eventTargetType, "orders-on-success-response-target"))
	assert.Nil(t, st.Find(permissionType, "orders-on-success-response-permission"))
	assert.Nil(t, st.Find(configType, "orders-async-config"))

	// A first preview cannot know the ARN: it registers the route with
	// unknown inputs, and the update rejects it as above.
	run(t, onSuccess(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.ResponseOnly{FunctionArn: newQueue(ctx, "jobs", nil).Arn}
	}), asyncroutetest.Preview())
}
