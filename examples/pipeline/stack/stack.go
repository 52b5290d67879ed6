// Package stack is the program of the pipeline example: a two-step Lambda
// pipeline. "ingest" hands each successful result to "enrich" (a Lambda
// destination), which puts its own result on a queue. Failures of either
// step land on one shared failure queue.
package stack

import (
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
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

func python(handlerDir, handler string) lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String(handler),
		Code:    pulumi.NewFileArchive(handlerDir),
	}
}

func program(ctx *pulumi.Context, handlerDir string) error {
	failures, err := sqs.NewQueue(ctx, "pipeline-failures", &sqs.QueueArgs{
		MessageRetentionSeconds: pulumi.Int(14 * 24 * 3600),
	})
	if err != nil {
		return err
	}
	enriched, err := sqs.NewQueue(ctx, "pipeline-enriched", &sqs.QueueArgs{})
	if err != nil {
		return err
	}

	enrich, err := asyncroute.NewFunction(ctx, "enrich", &asyncroute.FunctionArgs{
		Function:   python(handlerDir, "app.enrich"),
		OnSuccess:  asyncroute.SQSQueue{Queue: enriched},
		OnFailure:  asyncroute.SQSQueue{Queue: failures},
		MaxRetries: pulumi.IntRef(2),
	})
	if err != nil {
		return err
	}
	ingest, err := asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{
		Function:   python(handlerDir, "app.ingest"),
		OnSuccess:  enrich.AsDestination(),
		OnFailure:  asyncroute.SQSQueue{Queue: failures},
		MaxRetries: pulumi.IntRef(0),
	})
	if err != nil {
		return err
	}

	ctx.Export("ingestFunction", ingest.FunctionName)
	ctx.Export("enrichedQueueUrl", enriched.Url)
	ctx.Export("failureQueueUrl", failures.Url)
	return nil
}
