package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasStack has function orders with its invoke config on alias live and
// an EventBridge target invoking target(f, alias).
func aliasStack(target func(f *lambda.Function, a *lambda.Alias) pulumi.StringInput) func(s stack) {
	return func(s stack) {
		r := s.role("orders-role")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		al := must(lambda.NewAlias(s.ctx, "orders-live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: f.Name, FunctionVersion: pulumi.String("1")}))
		s.config("orders-config", f, nil, q.Arn, func(a *lambda.FunctionEventInvokeConfigArgs) { a.Qualifier = al.Name })
		granted(s, r, q)
		rule := must(cloudwatch.NewEventRule(s.ctx, "nightly", &cloudwatch.EventRuleArgs{ScheduleExpression: pulumi.String("rate(1 day)")}))
		must(cloudwatch.NewEventTarget(s.ctx, "nightly", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: target(f, al)}))
	}
}

// A trigger of $LATEST while the config is on the alias: no destination
// ever fires. The finding says which ARN to invoke.
func TestTriggerOfAQualifierWithoutConfig(t *testing.T) {
	fs := of(findings(t, aliasStack(func(f *lambda.Function, _ *lambda.Alias) pulumi.StringInput { return f.Arn })), asyncpolicy.RuleInvokedQualifier)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Equal(t, "arn", fs[0].Field)
	assert.Equal(t, `aws:cloudwatch/eventTarget:EventTarget "nightly", field arn: invokes function "orders" at qualifier "$LATEST", `+
		`which has no asynchronous invoke config, while qualifier "live" has one (`+cfgLabel+`), so the records of these invocations never reach its destinations. `+
		`Fix: invoke `+fnPrefix+`orders:live (with asyncroute, the component's QualifiedArn output), `+
		`and give the trigger's Lambda permission qualifier "live" (a permission on the unqualified function covers $LATEST only).`, fs[0].Message)

	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		onAlias := findings(t, aliasStack(func(_ *lambda.Function, a *lambda.Alias) pulumi.StringInput { return a.Arn }), opts...)
		assert.Empty(t, of(onAlias, asyncpolicy.RuleInvokedQualifier), "the alias is invoked (preview %v): %s", preview, dump(onAlias))
	}
	qualified := findings(t, aliasStack(func(f *lambda.Function, _ *lambda.Alias) pulumi.StringInput { return pulumi.Sprintf("%s:live", f.Arn) }))
	assert.Empty(t, of(qualified, asyncpolicy.RuleInvokedQualifier), dump(qualified))
}

// permittedAliasStack is aliasStack with the rule's Lambda permission:
// permit sets its function and qualifier.
func permittedAliasStack(target func(f *lambda.Function, a *lambda.Alias) pulumi.StringInput, permit func(a *lambda.PermissionArgs, f *lambda.Function, al *lambda.Alias)) func(s stack) {
	return func(s stack) {
		r := s.role("orders-role")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		al := must(lambda.NewAlias(s.ctx, "orders-live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: f.Name, FunctionVersion: pulumi.String("1")}))
		s.config("orders-config", f, nil, q.Arn, func(a *lambda.FunctionEventInvokeConfigArgs) { a.Qualifier = al.Name })
		granted(s, r, q)
		rule := must(cloudwatch.NewEventRule(s.ctx, "nightly", &cloudwatch.EventRuleArgs{Name: pulumi.String("nightly"), ScheduleExpression: pulumi.String("rate(1 day)")}))
		must(cloudwatch.NewEventTarget(s.ctx, "nightly", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: target(f, al)}))
		args := &lambda.PermissionArgs{Action: pulumi.String("lambda:InvokeFunction"), Function: f.Name, Principal: pulumi.String("events.amazonaws.com"), SourceArn: rule.Arn}
		permit(args, f, al)
		must(lambda.NewPermission(s.ctx, "nightly-invoke", args))
	}
}

// ASYNC006's fix moves the trigger to the alias; a permission left on the
// unqualified function then lets EventBridge invoke $LATEST only, and
// every scheduled event is refused. The rule checks the pair and names
// both the ARN invoked and the qualifier the permission needs.
func TestTriggerOfAnAliasNeedsThePermissionOnIt(t *testing.T) {
	onAlias := func(_ *lambda.Function, a *lambda.Alias) pulumi.StringInput { return a.Arn }
	unqualified := func(*lambda.PermissionArgs, *lambda.Function, *lambda.Alias) {}
	fs := of(findings(t, permittedAliasStack(onAlias, unqualified)), asyncpolicy.RuleInvokedQualifier)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
	assert.Equal(t, "arn", fs[0].Field)
	assert.Equal(t, `aws:cloudwatch/eventTarget:EventTarget "nightly", field arn: events.amazonaws.com invokes `+fnPrefix+`orders:live, `+
		`but the function's Lambda permissions for events.amazonaws.com are aws:lambda/permission:Permission "nightly-invoke" on the unqualified function (which covers $LATEST only), `+
		`and a permission covers only the ARN it names (the unqualified one covers $LATEST only), so Lambda refuses every invocation. `+
		`Fix: set qualifier "live" on the Lambda permission for events.amazonaws.com (or give it the qualified ARN as its function), so that it covers `+fnPrefix+`orders:live.`, fs[0].Message)

	// The permission on the alias, by qualifier or by the alias's ARN:
	// clean, deployed and at preview.
	for name, permit := range map[string]func(*lambda.PermissionArgs, *lambda.Function, *lambda.Alias){
		"qualifier": func(a *lambda.PermissionArgs, _ *lambda.Function, al *lambda.Alias) { a.Qualifier = al.Name },
		"alias ARN": func(a *lambda.PermissionArgs, _ *lambda.Function, al *lambda.Alias) { a.Function = al.Arn },
		"literal ARN": func(a *lambda.PermissionArgs, _ *lambda.Function, _ *lambda.Alias) {
			a.Function = pulumi.String(fnPrefix + "orders:live")
		},
	} {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			all := findings(t, permittedAliasStack(onAlias, permit), opts...)
			assert.Empty(t, of(all, asyncpolicy.RuleInvokedQualifier), "%s (preview %v): %s", name, preview, dump(all))
		}
	}

	// A permission on the alias while the trigger invokes the unqualified
	// ARN: the first half of ASYNC006 says to invoke the alias, which the
	// permission covers; the second half says nothing to the contrary.
	fs = of(findings(t, permittedAliasStack(func(f *lambda.Function, _ *lambda.Alias) pulumi.StringInput { return f.Arn },
		func(a *lambda.PermissionArgs, _ *lambda.Function, al *lambda.Alias) { a.Qualifier = al.Name })), asyncpolicy.RuleInvokedQualifier)
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `invokes function "orders" at qualifier "$LATEST", which has no asynchronous invoke config`)

	// Without an invoke config on another qualifier, a trigger of the
	// unqualified ARN with the permission on the alias is the second half.
	fs = of(findings(t, func(s stack) {
		r := s.role("orders-role")
		f := s.fn("orders", r, nil)
		al := must(lambda.NewAlias(s.ctx, "orders-live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: f.Name, FunctionVersion: pulumi.String("1")}))
		topic := s.topic("orders", nil)
		must(sns.NewTopicSubscription(s.ctx, "orders", &sns.TopicSubscriptionArgs{Topic: topic.Arn, Protocol: pulumi.String("lambda"), Endpoint: f.Arn}))
		must(lambda.NewPermission(s.ctx, "from-sns", &lambda.PermissionArgs{Action: pulumi.String("lambda:InvokeFunction"), Function: f.Name, Qualifier: al.Name,
			Principal: pulumi.String("sns.amazonaws.com"), SourceArn: topic.Arn}))
	}), asyncpolicy.RuleInvokedQualifier)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, `aws:sns/topicSubscription:TopicSubscription "orders", field endpoint: sns.amazonaws.com invokes `+fnPrefix+`orders, `+
		`but the function's Lambda permissions for sns.amazonaws.com are aws:lambda/permission:Permission "from-sns" on qualifier "live", `+
		`and a permission covers only the ARN it names (the unqualified one covers $LATEST only), so Lambda refuses every invocation. `+
		`Fix: give the Lambda permission for sns.amazonaws.com no qualifier and the unqualified function, so that it covers `+fnPrefix+`orders.`, fs[0].Message)

	// A permission for another service only: the one for EventBridge may
	// be added outside the stack, so nothing is said.
	other := findings(t, permittedAliasStack(onAlias, func(a *lambda.PermissionArgs, _ *lambda.Function, _ *lambda.Alias) {
		a.Principal, a.SourceArn = pulumi.String("sns.amazonaws.com"), nil
	}))
	assert.Empty(t, of(other, asyncpolicy.RuleInvokedQualifier), dump(other))
}

// The same mistake with the components: Alias puts the config on the
// alias, and the trigger must use QualifiedArn, not FunctionArn.
func TestTriggerOfFunctionArnWithAlias(t *testing.T) {
	program := func(useQualified bool) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			q := must(sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{}))
			fn := must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
				Function: lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"),
					Code: pulumi.NewAssetArchive(map[string]interface{}{"index.py": pulumi.NewStringAsset("def handler(e, c): pass")})},
				OnFailure: asyncroute.SQSQueue{Queue: q},
				Alias:     "live",
			}))
			rule := must(cloudwatch.NewEventRule(ctx, "nightly", &cloudwatch.EventRuleArgs{ScheduleExpression: pulumi.String("rate(1 day)")}))
			arn := fn.FunctionArn
			if useQualified {
				arn = fn.QualifiedArn
			}
			_, err := cloudwatch.NewEventTarget(ctx, "nightly", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: arn})
			return err
		}
	}
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := asyncroutetest.Run(program(false), opts...)
		require.NoError(t, err)
		fs := of(asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}), asyncpolicy.RuleInvokedQualifier)
		if !preview {
			require.Len(t, fs, 1, dump(fs))
			assert.Contains(t, fs[0].Message, `invokes function "orders-e33c137" at qualifier "$LATEST", which has no asynchronous invoke config, while qualifier "live" has one`)
		}
		st, err = asyncroutetest.Run(program(true), opts...)
		require.NoError(t, err)
		assert.Empty(t, of(asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}), asyncpolicy.RuleInvokedQualifier), "preview %v", preview)
	}
}

// An event source mapping invokes synchronously: a function whose only
// invoker is a mapping has destinations that never fire.
func TestMappingIsASynchronousInvoker(t *testing.T) {
	fs := of(findings(t, func(s stack) {
		r := s.role("clicks-role")
		q := s.queue("failures", nil)
		f := s.fn("clicks", r, nil)
		s.config("clicks-config", f, nil, q.Arn)
		granted(s, r, q)
		must(lambda.NewEventSourceMapping(s.ctx, "clicks-stream", &lambda.EventSourceMappingArgs{
			FunctionName: f.Name, EventSourceArn: pulumi.String("arn:aws:kinesis:us-east-1:" + acct + ":stream/clicks"), StartingPosition: pulumi.String("LATEST"),
		}))
	}), asyncpolicy.RuleNeverFires)
	require.Len(t, fs, 1, dump(fs))
	assert.Contains(t, fs[0].Message, `function "clicks" is invoked only synchronously (by aws:lambda/eventSourceMapping:EventSourceMapping "clicks-stream")`)
}
