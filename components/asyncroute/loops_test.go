package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fnIn(region, name string) string {
	return "arn:aws:lambda:" + region + ":123456789012:function:" + name
}

func configure(ctx *pulumi.Context, component, fn string, onSuccess, onFailure asyncroute.Destination, opts ...pulumi.ResourceOption) error {
	_, err := asyncroute.NewAsyncInvoke(ctx, component, &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(fn), SkipGrants: true,
		OnSuccess: onSuccess, OnFailure: onFailure}, opts...)
	return err
}

func toFn(region, name string) asyncroute.Destination {
	return asyncroute.ARN{Arn: pulumi.String(fnIn(region, name))}
}

const loopWhy = `: each success invokes the loop again for as long as its functions succeed, and Lambda's recursive loop detection does not follow destinations or EventBridge rules; ` +
	`allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)`

// TestSuccessLoopRefused: routes on success only that lead back to where
// they start re-trigger on every success, and AWS does not stop them:
// the component whose route closes the loop is refused on that field, in
// both modes, and registers nothing; whatever the functions are given as
// (a resource, a name, an ARN, a ResponseOnly next function).
func TestSuccessLoopRefused(t *testing.T) {
	rejects(t, func(ctx *pulumi.Context) error {
		if err := configure(ctx, "first", "a", toFn("us-east-1", "b"), nil); err != nil {
			return err
		}
		return configure(ctx, "second", "b", toFn("us-east-1", "a"), nil)
	}, `asyncroute: AsyncInvoke "second": OnSuccess: closes a loop of on-success routes (b -(on success)-> a -(on success)-> b)`+loopWhy, "second", 2)

	rejects(t, func(ctx *pulumi.Context) error {
		for _, c := range [][3]string{{"first", "a", "b"}, {"second", "b", "c"}} {
			if err := configure(ctx, c[0], c[1], toFn("us-east-1", c[2]), nil); err != nil {
				return err
			}
		}
		_, err := asyncroute.NewFunction(ctx, "third", &asyncroute.FunctionArgs{Function: lambdaArgs("c"),
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String(fnIn("us-east-1", "a"))}})
		return err
	}, `asyncroute: Function "third": OnSuccess: closes a loop of on-success routes (c -(on success)-> a -(on success)-> b -(on success)-> c)`+loopWhy, "third", 4)

	// A Function given as a resource closes the loop an ARN opened.
	rejects(t, func(ctx *pulumi.Context) error {
		b, err := asyncroute.NewFunction(ctx, "b", &asyncroute.FunctionArgs{Function: lambdaArgs("b"), OnSuccess: toFn("us-east-1", "a"), SkipGrants: false})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "a", &asyncroute.FunctionArgs{Function: lambdaArgs("a"), OnSuccess: b.AsDestination()})
		return err
	}, `asyncroute: Function "a": OnSuccess: closes a loop of on-success routes (a -(on success)-> b -(on success)-> a)`+loopWhy, "a", 5)

	// One name in two regions: two functions, named by ARN.
	rejects(t, func(ctx *pulumi.Context) error {
		if err := configure(ctx, "first", "c", toFn("eu-west-1", "c"), nil); err != nil {
			return err
		}
		return configure(ctx, "second", "arn:aws:lambda:eu-west-1:123456789012:function:c", toFn("us-east-1", "c"), nil)
	}, `asyncroute: AsyncInvoke "second": OnSuccess: closes a loop of on-success routes (arn:aws:lambda:eu-west-1:123456789012:function:c -(on success)-> `+
		`arn:aws:lambda:us-east-1:123456789012:function:c -(on success)-> arn:aws:lambda:eu-west-1:123456789012:function:c)`+loopWhy, "second", 2)
}

// TestOtherLoopsAccepted: a loop closed by an on-failure route runs only
// while records fail (a warning, not a refusal); functions of one name in
// two regions or two accounts are two functions, so no loop.
func TestOtherLoopsAccepted(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			if err := configure(ctx, "first", "a", toFn("us-east-1", "b"), nil); err != nil {
				return err
			}
			if err := configure(ctx, "second", "b", nil, toFn("us-east-1", "a")); err != nil {
				return err
			}
			eu, err := aws.NewProvider(ctx, "eu", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
			if err != nil {
				return err
			}
			// c in us-east-1 -> c in eu-west-1 -> d in eu-west-1: a chain.
			if err := configure(ctx, "third", "c", toFn("eu-west-1", "c"), nil); err != nil {
				return err
			}
			if err := configure(ctx, "fourth", "c", toFn("eu-west-1", "d"), nil, pulumi.Provider(eu)); err != nil {
				return err
			}
			// d of another account -> d of this one: a chain.
			return configure(ctx, "fifth", "arn:aws:lambda:us-east-1:210987654321:function:d", toFn("us-east-1", "d"), nil)
		}, opts...)
		require.NoError(t, err)
		assert.Len(t, st.OfType(asyncroutetest.TypeInvokeConfig), 5)
	})
}

// TestRecursiveLoop: the option writes the function's recursion config
// (on the function's name, parented to the component); a value Lambda
// does not know is refused with the allowed ones, in both modes.
func TestRecursiveLoop(t *testing.T) {
	modes(t, func(t *testing.T, opts ...asyncroutetest.Option) {
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewFunction(ctx, "echo", &asyncroute.FunctionArgs{Function: lambdaArgs("echo"),
				OnFailure: asyncroute.DefaultEventBus{}, RecursiveLoop: asyncroute.RecursiveLoopAllow})
			return err
		}, opts...)
		require.NoError(t, err)
		rc := st.Require(t, "aws:lambda/functionRecursionConfig:FunctionRecursionConfig", "echo-recursion")
		assert.Equal(t, "Allow", rc.Inputs["recursiveLoop"])
		assert.Equal(t, "echo", rc.Inputs["functionName"])
		assert.Contains(t, rc.Parent, "asyncroute:lambda:Function::echo")
	})
	rejects(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "echo", &asyncroute.FunctionArgs{Function: lambdaArgs("echo"),
			OnFailure: asyncroute.DefaultEventBus{}, RecursiveLoop: "Stop"})
		return err
	}, `asyncroute: Function "echo": RecursiveLoop: "Stop" is not a recursive loop setting; allowed: "Terminate", "Allow" or empty (the function's setting is left as it is)`, "echo", 0)
}
