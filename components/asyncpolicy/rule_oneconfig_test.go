package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two resources that manage the same invoke config object (a function and
// qualifier) are reported whoever declared them: a component's config
// and a raw one naming the component's function by its name, by its ARN
// or by a name:qualifier reference; two raw ones naming an outside
// function by name and by ARN, in a stack whose resources' ARNs say its
// account (a function is its full ARN: a name of an unknown account is
// not known to be the ARN's function). The words are the components'
// (package lambdafacts), the field the raw config's.
func TestOneConfigObjectWhoeverDeclaredIt(t *testing.T) {
	const words = `; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`
	component := func(ctx *pulumi.Context) *asyncroute.Function {
		return must(asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambda.FunctionArgs{Name: pulumi.String("orders-fn"), Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler")},
			MaxRetries: pulumi.IntRef(1),
		}))
	}
	raw := func(ctx *pulumi.Context, name string, fn pulumi.StringInput) {
		must(lambda.NewFunctionEventInvokeConfig(ctx, name, &lambda.FunctionEventInvokeConfigArgs{FunctionName: fn, MaximumRetryAttempts: pulumi.Int(0)}))
	}
	for _, tc := range []struct {
		name    string
		program func(ctx *pulumi.Context)
		want    string
	}{
		{"component and raw by name", func(ctx *pulumi.Context) {
			component(ctx)
			raw(ctx, "x-extra", pulumi.String("orders-fn"))
		}, `function "orders" already has an async invoke config for qualifier "$LATEST" from `},
		{"component and raw by the function's ARN output", func(ctx *pulumi.Context) {
			raw(ctx, "x-extra", component(ctx).FunctionArn)
		}, `function "orders" already has an async invoke config for qualifier "$LATEST" from `},
		{"component and raw by name:$LATEST", func(ctx *pulumi.Context) {
			component(ctx)
			raw(ctx, "x-extra", pulumi.String("orders-fn:$LATEST"))
		}, `function "orders" already has an async invoke config for qualifier "$LATEST" from `},
		{"outside function by name and by ARN", func(ctx *pulumi.Context) {
			must(sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{}))
			raw(ctx, "a-config", pulumi.String("legacy"))
			raw(ctx, "b-config", pulumi.String(fnPrefix+"legacy"))
		}, `function "legacy" already has an async invoke config for qualifier "$LATEST" from aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "a-config"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error { tc.program(ctx); return nil })
			require.NoError(t, err)
			var dups []asyncpolicy.Finding
			for _, f := range asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}) {
				if f.Field == "functionName" {
					dups = append(dups, f)
				}
			}
			require.Len(t, dups, 1, dump(dups))
			assert.Equal(t, asyncpolicy.RuleDestinationValidity, dups[0].RuleID)
			assert.Contains(t, dups[0].Message, tc.want)
			assert.Contains(t, dups[0].Message, words)
		})
	}
}
