package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kindCase is one destination as the target of a function's routing.
type kindCase struct {
	name        string
	failureOnly bool
	build       func(ctx *pulumi.Context) asyncroute.Destination
	// arn is what the invoke config must point at.
	arn string
	// grants is the whole grant policy the destination needs.
	grants []iampolicy.Statement
	// resDeps are the destination resources the policy and config depend on.
	resDeps []string
}

func resourceKindCases() []kindCase {
	next := fnARN("next")
	return []kindCase{
		{
			name: "SQSQueue",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.SQSQueue{Queue: newQueue(ctx, "jobs", nil)}
			},
			arn:     arnOf("sqs", "jobs"),
			grants:  stmts(allow(sqsSend, arnOf("sqs", "jobs"))),
			resDeps: []string{dep(queueType, "jobs")},
		},
		{
			name: "SNSTopic",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", nil)}
			},
			arn:     arnOf("sns", "alerts"),
			grants:  stmts(allow(snsPublish, arnOf("sns", "alerts"))),
			resDeps: []string{dep(topicType, "alerts")},
		},
		{
			name: "LambdaFunction",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.LambdaFunction{Function: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))}
			},
			arn:     next,
			grants:  stmts(allow(lambdaCall, next, next+":*")),
			resDeps: []string{dep(lambdaType, "next")},
		},
		{
			name: "FunctionComponentAsDestination",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				c := must(asyncroute.NewFunction(ctx, "next", &asyncroute.FunctionArgs{Function: lambdaArgs("next"), MaxRetries: pulumi.IntRef(0)}))
				return c.AsDestination()
			},
			arn:     next,
			grants:  stmts(allow(lambdaCall, next, next+":*")),
			resDeps: []string{dep(lambdaType, "next")},
		},
		{
			name: "EventBus",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.EventBus{Bus: newBus(ctx, "orders-bus")}
			},
			arn:     arnOf("events", "event-bus/orders-bus"),
			grants:  stmts(allow(putEvents, arnOf("events", "event-bus/orders-bus"))),
			resDeps: []string{dep(busType, "orders-bus")},
		},
		{
			name:   "DefaultEventBus",
			build:  func(*pulumi.Context) asyncroute.Destination { return asyncroute.DefaultEventBus{} },
			arn:    defaultBus,
			grants: stmts(allow(putEvents, defaultBus)),
		},
		{
			name:        "S3Bucket",
			failureOnly: true,
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")}
			},
			arn:     "arn:aws:s3:::failures",
			grants:  stmts(allow(s3List, "arn:aws:s3:::failures"), allow(s3Put, "arn:aws:s3:::failures/*")),
			resDeps: []string{dep(bucketV2Type, "failures")},
		},
		{
			name:        "S3LegacyBucket",
			failureOnly: true,
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.S3Bucket{LegacyBucket: newLegacyBucket(ctx, "failures")}
			},
			arn:     "arn:aws:s3:::failures",
			grants:  stmts(allow(s3List, "arn:aws:s3:::failures"), allow(s3Put, "arn:aws:s3:::failures/*")),
			resDeps: []string{dep(bucketType, "failures")},
		},
	}
}

// arnKindCases are literal ARNs in another account and region, each with
// Kind empty and with Kind set, plus ARN outputs with Kind set.
func arnKindCases() []kindCase {
	literal := []struct {
		name, arn   string
		kind        asyncroute.Kind
		failureOnly bool
		grants      []iampolicy.Statement
	}{
		{"SQS", "arn:aws:sqs:eu-west-1:210987654321:ext", asyncroute.KindSQS, false,
			stmts(allow(sqsSend, "arn:aws:sqs:eu-west-1:210987654321:ext"))},
		{"SNS", "arn:aws:sns:eu-west-1:210987654321:ext", asyncroute.KindSNS, false,
			stmts(allow(snsPublish, "arn:aws:sns:eu-west-1:210987654321:ext"))},
		{"Lambda", "arn:aws:lambda:eu-west-1:210987654321:function:ext", asyncroute.KindLambda, false,
			stmts(allow(lambdaCall, "arn:aws:lambda:eu-west-1:210987654321:function:ext", "arn:aws:lambda:eu-west-1:210987654321:function:ext:*"))},
		// A qualified target grants the unqualified base and base:*.
		{"LambdaQualified", "arn:aws:lambda:eu-west-1:210987654321:function:ext:live", asyncroute.KindLambda, false,
			stmts(allow(lambdaCall, "arn:aws:lambda:eu-west-1:210987654321:function:ext", "arn:aws:lambda:eu-west-1:210987654321:function:ext:*"))},
		{"EventBridge", "arn:aws:events:eu-west-1:210987654321:event-bus/shared", asyncroute.KindEventBridge, false,
			stmts(allow(putEvents, "arn:aws:events:eu-west-1:210987654321:event-bus/shared"))},
		{"S3", "arn:aws:s3:::ext-failures", asyncroute.KindS3, true,
			stmts(allow(s3List, "arn:aws:s3:::ext-failures"), allow(s3Put, "arn:aws:s3:::ext-failures/*"))},
	}
	var out []kindCase
	for _, l := range literal {
		for _, kind := range []asyncroute.Kind{"", l.kind} {
			l, kind := l, kind
			name := "ARN" + l.name + "/KindEmpty"
			if kind != "" {
				name = "ARN" + l.name + "/KindSet"
			}
			out = append(out, kindCase{
				name:        name,
				failureOnly: l.failureOnly,
				build: func(*pulumi.Context) asyncroute.Destination {
					return asyncroute.ARN{Arn: pulumi.String(l.arn), Kind: kind}
				},
				arn:    l.arn,
				grants: l.grants,
			})
		}
	}
	next := fnARN("next")
	out = append(out,
		kindCase{
			name: "ARNOutputSQS/KindSet",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.ARN{Arn: newQueue(ctx, "jobs", nil).Arn, Kind: asyncroute.KindSQS}
			},
			arn:     arnOf("sqs", "jobs"),
			grants:  stmts(allow(sqsSend, arnOf("sqs", "jobs"))),
			resDeps: []string{dep(queueType, "jobs")},
		},
		kindCase{
			name: "ARNOutputLambda/KindSet",
			build: func(ctx *pulumi.Context) asyncroute.Destination {
				return asyncroute.ARN{Arn: newPlainFunction(ctx, "next", pulumi.String(externalRoleArn)).Arn, Kind: asyncroute.KindLambda}
			},
			arn:     next,
			grants:  stmts(allow(lambdaCall, next, next+":*")),
			resDeps: []string{dep(lambdaType, "next")},
		},
	)
	return out
}

func TestDestinationKinds(t *testing.T) {
	cases := append(resourceKindCases(), arnKindCases()...)
	for _, tc := range cases {
		for _, field := range []string{"OnSuccess", "OnFailure"} {
			if field == "OnSuccess" && tc.failureOnly {
				continue
			}
			t.Run(tc.name+"/"+field, func(t *testing.T) {
				st := run(t, func(ctx *pulumi.Context) error {
					d := tc.build(ctx)
					args := &asyncroute.FunctionArgs{Function: lambdaArgs("orders")}
					if field == "OnSuccess" {
						args.OnSuccess = d
					} else {
						args.OnFailure = d
					}
					_, err := asyncroute.NewFunction(ctx, "orders", args)
					return err
				})
				checkKindCase(t, st, tc, field)
			})
		}
	}
}

func checkKindCase(t *testing.T, st *asyncroutetest.Stack, tc kindCase, field string) {
	t.Helper()
	comp := find(t, st, functionComponentType, "orders")
	role := find(t, st, roleType, "orders-role")
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	fn := find(t, st, lambdaType, "orders")
	cfg := config(t, st, "orders")

	success, failure := tc.arn, ""
	if field == "OnFailure" {
		success, failure = "", tc.arn
	}
	assert.Equal(t, map[string]any{
		"functionName":      "orders",
		"qualifier":         "$LATEST",
		"destinationConfig": destinations(success, failure),
	}, cfg.Inputs)
	assert.Equal(t, tc.grants, statements(t, st, "orders"))
	assert.Equal(t, map[string]any{"role": role.Outputs["name"], "policy": policy.Inputs["policy"],
		"name": policyName("orders-async-grants", policy.Inputs["policy"])}, policy.Inputs)
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{"role": role.Outputs["arn"]}), fn.Inputs)

	// The config waits for the grants; the function needs only its role.
	assert.Equal(t, deps(append([]string{dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders")}, tc.resDeps...)...), st.Dependencies(cfg))
	assert.Equal(t, deps(append([]string{dep(roleType, "orders-role")}, tc.resDeps...)...), st.Dependencies(policy))
	assert.Equal(t, deps(dep(roleType, "orders-role")), st.Dependencies(fn))
	assert.Empty(t, st.Dependencies(role))

	assert.Equal(t, deps(
		dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"),
		dep(lambdaType, "orders"), dep(configType, "orders-async-config"),
	), childNames(st, comp))
	for _, c := range []*asyncroutetest.Resource{role, policy, fn, cfg} {
		assert.Equal(t, comp.URN, c.Parent, "%s/%s", c.Type, c.Name)
	}
	assert.Equal(t, stackURN, comp.Parent)
	assert.False(t, comp.Custom)
}

func TestSuccessFailureAndDeadLetter(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		next := newPlainFunction(ctx, "next", pulumi.String(externalRoleArn))
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:    lambdaArgs("orders"),
			OnSuccess:   asyncroute.LambdaFunction{Function: next},
			OnFailure:   asyncroute.SNSTopic{Topic: newTopic(ctx, "alerts", nil)},
			DeadLetter:  asyncroute.SQSQueue{Queue: newQueue(ctx, "dlq", nil)},
			MaxRetries:  pulumi.IntRef(1),
			MaxEventAge: secs(3600),
		})
		return err
	})
	comp := find(t, st, functionComponentType, "orders")
	role := find(t, st, roleType, "orders-role")
	fn := find(t, st, lambdaType, "orders")
	cfg := config(t, st, "orders")
	policy := find(t, st, rolePolicyType, "orders-async-grants")

	assert.Equal(t, stmts(
		allow(lambdaCall, fnARN("next"), fnARN("next")+":*"),
		allow(snsPublish, arnOf("sns", "alerts")),
		allow(sqsSend, arnOf("sqs", "dlq")),
	), statements(t, st, "orders"))
	assert.Equal(t, map[string]any{
		"functionName":             "orders",
		"qualifier":                "$LATEST",
		"maximumRetryAttempts":     1.0,
		"maximumEventAgeInSeconds": 3600.0,
		"destinationConfig":        destinations(fnARN("next"), arnOf("sns", "alerts")),
	}, cfg.Inputs)
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{
		"role":             role.Outputs["arn"],
		"deadLetterConfig": map[string]any{"targetArn": arnOf("sqs", "dlq")},
	}), fn.Inputs)

	// With a dead-letter target the function itself needs the grant.
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(queueType, "dlq")), st.Dependencies(fn))
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(lambdaType, "next"), dep(topicType, "alerts")), st.Dependencies(cfg))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(lambdaType, "next"), dep(topicType, "alerts"), dep(queueType, "dlq")), st.Dependencies(policy))

	assert.Equal(t, map[string]any{
		"qualifier": "$LATEST", "skipGrants": false, "maxRetries": 1.0, "maxEventAgeSeconds": 3600.0,
		"onSuccessKind": "lambda", "onFailureKind": "sns", "deadLetterKind": "sqs", "roleIdentity": "the role the component creates",
		"routeIdentities": map[string]any{"onSuccess": `aws:lambda/function:Function "next"`,
			"onFailure": `aws:sns/topic:Topic "alerts"`, "deadLetter": `aws:sqs/queue:Queue "dlq"`},
	}, comp.Inputs)
}

func TestDeadLetterTopic(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			DeadLetter: asyncroute.SNSTopic{Topic: newTopic(ctx, "dead", nil)},
		})
		return err
	})
	role := find(t, st, roleType, "orders-role")
	fn := find(t, st, lambdaType, "orders")
	cfg := config(t, st, "orders")
	assert.Equal(t, stmts(allow(snsPublish, arnOf("sns", "dead"))), statements(t, st, "orders"))
	assert.Equal(t, wantFunctionInputs("orders", map[string]any{
		"role":             role.Outputs["arn"],
		"deadLetterConfig": map[string]any{"targetArn": arnOf("sns", "dead")},
	}), fn.Inputs)
	// A DLQ alone still writes a config (on $LATEST, with no destinations),
	// which waits for the policy like every config.
	assert.Equal(t, map[string]any{"functionName": "orders", "qualifier": "$LATEST"}, cfg.Inputs)
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(topicType, "dead")), st.Dependencies(fn))
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders")), st.Dependencies(cfg))
}

func TestSameQueueOnFailureAndDeadLetter(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		q := newQueue(ctx, "failed", nil)
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnFailure:  asyncroute.SQSQueue{Queue: q},
			DeadLetter: asyncroute.SQSQueue{Queue: q},
		})
		return err
	})
	// One statement, one resource: the two grants are merged.
	assert.Equal(t, stmts(allow(sqsSend, arnOf("sqs", "failed"))), statements(t, st, "orders"))
	assert.Equal(t, destinations("", arnOf("sqs", "failed")), config(t, st, "orders").Inputs["destinationConfig"])
	assert.Equal(t, map[string]any{"targetArn": arnOf("sqs", "failed")}, find(t, st, lambdaType, "orders").Inputs["deadLetterConfig"])
}

func TestSeveralTargetsOfOneKindShareAStatement(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnSuccess:  asyncroute.SQSQueue{Queue: newQueue(ctx, "done", nil)},
			OnFailure:  asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)},
			DeadLetter: asyncroute.SQSQueue{Queue: newQueue(ctx, "dead", nil)},
		})
		return err
	})
	assert.Equal(t, stmts(allow(sqsSend, arnOf("sqs", "dead"), arnOf("sqs", "done"), arnOf("sqs", "failed"))), statements(t, st, "orders"))
}

func TestNoStatementHasAWildcardResource(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnSuccess:  asyncroute.DefaultEventBus{},
			OnFailure:  asyncroute.S3Bucket{Bucket: newBucketV2(ctx, "failures")},
			DeadLetter: asyncroute.SQSQueue{Queue: newQueue(ctx, "dead", nil)},
		})
		return err
	})
	for _, s := range statements(t, st, "orders") {
		require.NotEmpty(t, s.Resource)
		for _, r := range s.Resource {
			assert.NotEqual(t, "*", r)
		}
	}
}
