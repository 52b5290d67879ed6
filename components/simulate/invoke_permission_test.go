package simulate_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasSubscriberStack: "producer" publishes its result to topic "news"
// (on success); the topic's subscription invokes alias "live" of
// "consumer", and a Lambda permission lets SNS invoke consumer, on alias
// live when onAlias is set, on the unqualified function otherwise.
func aliasSubscriberStack(onAlias bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		news := must(sns.NewTopic(ctx, "news", &sns.TopicArgs{Name: pulumi.String("news")}))
		role := must(iam.NewRole(ctx, "producer-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)}))
		must(iam.NewRolePolicy(ctx, "producer-grants", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"%s"}]}`, news.Arn),
		}))
		producer := must(lambda.NewFunction(ctx, "producer", &lambda.FunctionArgs{Name: pulumi.String("producer"),
			Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()}))
		must(lambda.NewFunctionEventInvokeConfig(ctx, "producer-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: producer.Name,
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: news.Arn},
			},
		}))
		consumer := must(lambda.NewFunction(ctx, "consumer", &lambda.FunctionArgs{Name: pulumi.String("consumer"),
			Role: role.Arn, Runtime: pulumi.String("nodejs20.x"), Handler: pulumi.String("index.handler"), Code: inline()}))
		live := must(lambda.NewAlias(ctx, "consumer-live", &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: consumer.Name, FunctionVersion: pulumi.String("1")}))
		must(sns.NewTopicSubscription(ctx, "news-consumer", &sns.TopicSubscriptionArgs{Topic: news.Arn, Protocol: pulumi.String("lambda"), Endpoint: live.Arn}))
		args := &lambda.PermissionArgs{Action: pulumi.String("lambda:InvokeFunction"), Function: consumer.Name, Principal: pulumi.String("sns.amazonaws.com"), SourceArn: news.Arn}
		if onAlias {
			args.Qualifier = live.Name
		}
		must(lambda.NewPermission(ctx, "from-news", args))
		return nil
	}
}

// The simulator decides a subscription's invocation with the rules'
// decision (ASYNC006): a permission on the unqualified function does not
// let SNS invoke the alias, and the trace names the permission.
func TestSubscriptionToAnAliasNeedsThePermissionOnIt(t *testing.T) {
	handlers := map[string]simulate.Handler{"producer": echo, "consumer": echo}
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:consumer"

	sim, err := simulate.Run(aliasSubscriberStack(false), simulate.Config{Handlers: handlers})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "producer", json.RawMessage(`{"n":1}`))
	require.NoError(t, err)
	assert.Empty(t, sim.DeliveriesTo("consumer"))
	problems := sim.Trace().Problems()
	require.Len(t, problems, 1, sim.Trace().String())
	assert.Equal(t, simulate.StepSubscription, problems[0].Step)
	assert.Equal(t, simulate.OutcomeDeliveryFailed, problems[0].Outcome)
	assert.Equal(t, `SNS topic news → Lambda function consumer (subscription news-consumer): NOT invoked: sns.amazonaws.com invokes `+fn+`:live, `+
		`but the function's Lambda permissions for sns.amazonaws.com are aws:lambda/permission:Permission "from-news" on the unqualified function (which covers $LATEST only), `+
		`and a permission covers only the ARN it names (the unqualified one covers $LATEST only), so Lambda refuses every invocation `+
		`(fix: set qualifier "live" on the Lambda permission for sns.amazonaws.com (or give it the qualified ARN as its function), so that it covers `+fn+`:live)`, problems[0].Text)

	sim, err = simulate.Run(aliasSubscriberStack(true), simulate.Config{Handlers: handlers})
	require.NoError(t, err)
	_, err = sim.InvokeAsync(context.Background(), "producer", json.RawMessage(`{"n":2}`))
	require.NoError(t, err)
	assert.Empty(t, sim.Trace().Problems(), sim.Trace().String())
	require.Len(t, sim.DeliveriesTo("consumer"), 1)
	assert.Contains(t, sim.Trace().String(), `(subscription news-consumer): invoked asynchronously with an SNS event; permitted by aws:lambda/permission:Permission "from-news" on qualifier "live"`)
}
