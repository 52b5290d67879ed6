package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const failurePathFix = `Fix: set destinationConfig.onFailure.destination (an SQS queue, SNS topic, Lambda function or EventBridge event bus ` +
	`(or, on failure, an S3 bucket)) on its aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig, ` +
	`or deadLetterConfig.targetArn (an SQS queue or SNS topic) on the function.`

// granted gives the role every destination action on q.
func granted(s stack, r *iam.Role, q *sqs.Queue) {
	s.grant("grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn)))
}

func TestFailurePathMissingOnConfig(t *testing.T) {
	fs := findings(t, func(s stack) {
		r := s.role("orders-role")
		q := s.queue("results", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, q.Arn, nil)
		granted(s, r, q)
	})
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.RuleFailurePath, fs[0].RuleID)
	assert.Equal(t, asyncpolicy.Advisory, fs[0].Level)
	assert.Equal(t, cfgLabel+`, field destinationConfig.onFailure.destination: function "orders" has an asynchronous invoke config `+
		`but has no on-failure destination and no dead-letter target, so an event that fails every retry or grows too old is dropped. `+failurePathFix, fs[0].Message)
}

func TestFailurePathMissingForTriggers(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		fs := of(findings(t, func(s stack) {
			f := s.fn("orders", s.role("orders-role"), nil)
			b := must(s3.NewBucketV2(s.ctx, "uploads", &s3.BucketV2Args{Bucket: pulumi.String("uploads")}))
			must(s3.NewBucketNotification(s.ctx, "uploads", &s3.BucketNotificationArgs{
				Bucket: b.ID(),
				LambdaFunctions: s3.BucketNotificationLambdaFunctionArray{&s3.BucketNotificationLambdaFunctionArgs{
					LambdaFunctionArn: f.Arn, Events: pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")}}},
			}))
			tp := s.topic("orders-in", nil)
			must(sns.NewTopicSubscription(s.ctx, "orders-in", &sns.TopicSubscriptionArgs{Topic: tp.Arn, Protocol: pulumi.String("lambda"), Endpoint: f.Arn}))
			rule := must(cloudwatch.NewEventRule(s.ctx, "nightly", &cloudwatch.EventRuleArgs{ScheduleExpression: pulumi.String("rate(1 day)")}))
			must(cloudwatch.NewEventTarget(s.ctx, "nightly", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: f.Arn}))
		}, opts...), asyncpolicy.RuleFailurePath)
		require.Len(t, fs, 1, "preview=%v\n%s", preview, dump(fs))
		assert.Equal(t, `aws:lambda/function:Function "orders", field deadLetterConfig.targetArn: function "orders" is invoked asynchronously by `+
			`aws:cloudwatch/eventTarget:EventTarget "nightly", aws:s3/bucketNotification:BucketNotification "uploads", aws:sns/topicSubscription:TopicSubscription "orders-in" `+
			`but has no on-failure destination and no dead-letter target, so an event that fails every retry or grows too old is dropped. `+failurePathFix, fs[0].Message)
	}
}

func TestFailurePathPresent(t *testing.T) {
	withDLQ := findings(t, func(s stack) {
		r := s.role("orders-role")
		q := s.queue("dead", nil)
		f := s.fn("orders", r, q.Arn)
		s.config("orders-config", f, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) { a.MaximumRetryAttempts = pulumi.Int(0) })
		granted(s, r, q)
	})
	assert.Empty(t, withDLQ, dump(withDLQ))
	withOnFailure := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) { granted(s, r, q) }))
	assert.Empty(t, withOnFailure, dump(withOnFailure))
	syncOnly := findings(t, func(s stack) {
		f := s.fn("orders", s.role("orders-role"), nil)
		must(lambda.NewFunctionUrl(s.ctx, "orders", &lambda.FunctionUrlArgs{FunctionName: f.Name, AuthorizationType: pulumi.String("AWS_IAM")}))
	})
	assert.Empty(t, syncOnly, "a synchronously invoked function needs no failure path")
}

func TestFailurePathLevelIsConfigurable(t *testing.T) {
	program := func(s stack) {
		f := s.fn("orders", s.role("orders-role"), nil)
		s.config("orders-config", f, nil, nil, func(a *lambda.FunctionEventInvokeConfigArgs) { a.MaximumRetryAttempts = pulumi.Int(1) })
	}
	strict := findingsWith(t, asyncpolicy.Config{Levels: map[string]asyncpolicy.Level{"ASYNC003": asyncpolicy.Mandatory}}, program)
	require.Len(t, strict, 1)
	assert.Equal(t, asyncpolicy.Mandatory, strict[0].Level)
	assert.True(t, asyncpolicy.HasMandatory(strict))
	off := findingsWith(t, asyncpolicy.Config{Levels: map[string]asyncpolicy.Level{"async003": asyncpolicy.Disabled}}, program)
	assert.Empty(t, off)
}

// syncOnly: function "orders" routes failures to a granted queue and is
// invoked by a function URL and an HTTP API integration; extra adds
// more invokers.
func syncOnly(extra func(s stack, f *lambda.Function)) func(s stack) {
	return func(s stack) {
		r := s.role("orders-role")
		q := s.queue("failures", nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, q.Arn)
		granted(s, r, q)
		must(lambda.NewFunctionUrl(s.ctx, "orders", &lambda.FunctionUrlArgs{FunctionName: f.Name, AuthorizationType: pulumi.String("AWS_IAM")}))
		s.raw("aws:apigatewayv2/integration:Integration", "orders-http", pulumi.Map{
			"apiId": pulumi.String("a1b2c3"), "integrationType": pulumi.String("AWS_PROXY"), "integrationUri": f.Arn,
		})
		if extra != nil {
			extra(s, f)
		}
	}
}

func TestDestinationsNeverFire(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		fs := findings(t, syncOnly(nil), opts...)
		got := of(fs, asyncpolicy.RuleNeverFires)
		require.Len(t, got, 1, "preview=%v\n%s", preview, dump(fs))
		assert.Equal(t, asyncpolicy.Advisory, got[0].Level)
		assert.Equal(t, cfgLabel+`, field destinationConfig: function "orders" is invoked only synchronously (by aws:apigatewayv2/integration:Integration "orders-http", `+
			`aws:lambda/functionUrl:FunctionUrl "orders"), and destinations and dead-letter targets receive records of asynchronous invocations only, `+
			`so its destinationConfig never receives one. Fix: invoke the function asynchronously (InvocationType Event, or an S3, SNS or EventBridge trigger), `+
			`or handle failures in the synchronous caller and remove the destinations.`, got[0].Message)
	}
}

func TestDestinationsFireWithAnAsyncInvoker(t *testing.T) {
	cases := map[string]func(s stack, f *lambda.Function){
		"sns subscription": func(s stack, f *lambda.Function) {
			tp := s.topic("orders-in", nil)
			must(sns.NewTopicSubscription(s.ctx, "orders-in", &sns.TopicSubscriptionArgs{Topic: tp.Arn, Protocol: pulumi.String("lambda"), Endpoint: f.Arn}))
		},
		"permission for another service": func(s stack, f *lambda.Function) {
			must(lambda.NewPermission(s.ctx, "from-s3", &lambda.PermissionArgs{Function: f.Name, Action: pulumi.String("lambda:InvokeFunction"), Principal: pulumi.String("s3.amazonaws.com")}))
		},
		"destination of another function": func(s stack, f *lambda.Function) {
			up := s.fn("upstream", s.role("upstream-role"), nil)
			s.config("upstream-config", up, f.Arn, nil)
		},
	}
	for name, extra := range cases {
		fs := findings(t, syncOnly(extra))
		assert.Empty(t, of(fs, asyncpolicy.RuleNeverFires), "%s:\n%s", name, dump(fs))
	}
}

func TestBroadGrant(t *testing.T) {
	fs := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
		s.grant("orders-grants", r, doc(stmt("Allow", "sqs:Send*", pulumi.String("*")), stmt("Allow", "sns:Publish", pulumi.String("*"))))
	}))
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, asyncpolicy.Finding{
		RuleID: "ASYNC005", Level: asyncpolicy.Mandatory,
		URN:  "urn:pulumi:test::asyncroute::aws:iam/rolePolicy:RolePolicy::orders-grants",
		Type: "aws:iam/rolePolicy:RolePolicy", Name: "orders-grants", Field: "policy",
		Message: `aws:iam/rolePolicy:RolePolicy "orders-grants", field policy: aws:iam/rolePolicy:RolePolicy "orders-grants" allows sqs:SendMessage, sns:Publish ` +
			`on every resource ("*") to execution role aws:iam/role:Role "orders-role", so the functions using it can send records to any target the pattern matches. ` +
			`Fix: scope these actions to the ARNs of the destinations and dead-letter targets (or detach the broad policy and grant them explicitly).`,
	}, fs[0])
}

func TestBroadGrantFromManagedPolicy(t *testing.T) {
	fs := of(findings(t, func(s stack) {
		r := s.role("orders-role", "arn:aws:iam::aws:policy/AWSLambda_FullAccess")
		next := s.fn("next", s.role("next-role"), nil)
		f := s.fn("orders", r, nil)
		s.config("orders-config", f, nil, next.Arn)
	}), asyncpolicy.RuleBroadGrant)
	require.Len(t, fs, 1, dump(fs))
	assert.Equal(t, "aws:iam/role:Role", fs[0].Type)
	assert.Equal(t, "managedPolicyArns", fs[0].Field)
	assert.Contains(t, fs[0].Message, `AWS managed policy AWSLambda_FullAccess (attached by aws:iam/role:Role "orders-role") allows lambda:InvokeFunction on every resource ("*")`)
}

func TestBroadGrantPatterns(t *testing.T) {
	for _, c := range []struct {
		resource string
		broad    bool
	}{
		{arnPrefix + "*", true},
		{"arn:aws:sqs:*:" + acct + ":failures", true},
		{arnPrefix + "fail?res", true},
		{"arn:aws:sqs:::failures", true},
		{arnPrefix + "failures", false},
		{fnPrefix + "next:*", false},
		{fnPrefix + "next*", true},
		{"arn:aws:s3:::archive/*", false},
		{"arn:aws:s3:::*", true},
	} {
		fs := of(findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) {
			s.grant("orders-grants", r, doc(stmt("Allow", "sqs:SendMessage", q.Arn), stmt("Allow", "sqs:SendMessage", pulumi.String(c.resource))))
		})), asyncpolicy.RuleBroadGrant)
		if !c.broad {
			assert.Empty(t, fs, c.resource)
			continue
		}
		require.Len(t, fs, 1, c.resource)
		assert.Contains(t, fs[0].Message, `allows sqs:SendMessage on "`+c.resource+`" to execution role`, c.resource)
	}
}

func TestNoBroadGrantFinding(t *testing.T) {
	scoped := findings(t, onFailureQueue(func(s stack, r *iam.Role, q *sqs.Queue) { granted(s, r, q) }))
	assert.Empty(t, of(scoped, asyncpolicy.RuleBroadGrant))
	noDestinations := findings(t, func(s stack) {
		r := s.role("worker-role", "arn:aws:iam::aws:policy/AmazonSQSFullAccess")
		s.fn("worker", r, nil)
	})
	assert.Empty(t, noDestinations, "a role of a function without destinations is not judged")
}
