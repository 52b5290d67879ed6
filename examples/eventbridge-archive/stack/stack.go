// Package stack is the program of the eventbridge-archive example: a payment
// scorer whose results go to a custom EventBridge bus (where rules fan them
// out) and whose failures are archived in S3, one object per failed
// invocation.
package stack

import (
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultHandlerDir is the handler's folder relative to the example's
// project folder, where `pulumi up` and `go run . plan` run.
const DefaultHandlerDir = "./handler"

// Program is the example's stack, reading the handler from
// [DefaultHandlerDir].
func Program(ctx *pulumi.Context) error { return NewProgram(DefaultHandlerDir)(ctx) }

// NewProgram returns the example's program with the handler code read from
// handlerDir (tests that do not run in the project folder pass an absolute
// path).
func NewProgram(handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error { return program(ctx, handlerDir) }
}

func program(ctx *pulumi.Context, handlerDir string) error {
	bus, err := cloudwatch.NewEventBus(ctx, "payments", &cloudwatch.EventBusArgs{
		Name: pulumi.String("payments"),
	})
	if err != nil {
		return err
	}
	archive, err := s3.NewBucketV2(ctx, "payment-failures", &s3.BucketV2Args{ForceDestroy: pulumi.Bool(true)})
	if err != nil {
		return err
	}
	// A rule on the bus that matches the success records Lambda puts there.
	if _, err := cloudwatch.NewEventRule(ctx, "scored-payments", &cloudwatch.EventRuleArgs{
		EventBusName: bus.Name,
		EventPattern: pulumi.String(`{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"]}`),
	}); err != nil {
		return err
	}

	scorer, err := asyncroute.NewFunction(ctx, "payment-scorer", &asyncroute.FunctionArgs{
		Function: lambda.FunctionArgs{
			Runtime: pulumi.String("python3.12"),
			Handler: pulumi.String("app.handler"),
			Code:    pulumi.NewFileArchive(handlerDir),
		},
		OnSuccess:  asyncroute.EventBus{Bus: bus},
		OnFailure:  asyncroute.S3Bucket{Bucket: archive},
		MaxRetries: pulumi.IntRef(2),
	})
	if err != nil {
		return err
	}
	ctx.Export("functionName", scorer.FunctionName)
	ctx.Export("busArn", bus.Arn)
	ctx.Export("archiveBucket", archive.Bucket)
	return nil
}
