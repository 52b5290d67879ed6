// Package orders is the root stack's program: an order processor whose
// asynchronous invocations are routed by asyncroute. Successful orders land
// on an SQS queue; orders that still fail after one retry, or wait longer
// than an hour, are published to an SNS topic (optionally mailed to
// alertEmail).
//
// The repository root's main.go runs it (`pulumi up`, `go run . plan`); the
// engine tests in tests/engine run it through the Automation API.
package orders

import (
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// DefaultHandlerDir is the handler's folder relative to the project folder
// (the repository root), where `pulumi up` and `go run . plan` run.
const DefaultHandlerDir = "./handler"

// Program is the root stack, reading the handler from [DefaultHandlerDir].
func Program(ctx *pulumi.Context) error { return NewProgram(DefaultHandlerDir)(ctx) }

// NewProgram returns the root stack's program with the handler code read
// from handlerDir (tests that do not run in the project folder pass an
// absolute path).
func NewProgram(handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error { return program(ctx, handlerDir) }
}

func program(ctx *pulumi.Context, handlerDir string) error {
	cfg := config.New(ctx, "")

	processed, err := sqs.NewQueue(ctx, "orders-processed", &sqs.QueueArgs{
		MessageRetentionSeconds: pulumi.Int(4 * 24 * 3600),
		SqsManagedSseEnabled:    pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	failed, err := sns.NewTopic(ctx, "orders-failed", &sns.TopicArgs{
		KmsMasterKeyId: pulumi.String("alias/aws/sns"),
	})
	if err != nil {
		return err
	}
	if email := cfg.Get("alertEmail"); email != "" {
		if _, err := sns.NewTopicSubscription(ctx, "orders-failed-email", &sns.TopicSubscriptionArgs{
			Topic:    failed.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}); err != nil {
			return err
		}
	}

	maxAge := time.Hour
	processor, err := asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
		Function: lambda.FunctionArgs{
			Runtime:     pulumi.String("python3.12"),
			Handler:     pulumi.String("handler.handler"),
			Code:        pulumi.NewFileArchive(handlerDir),
			Timeout:     pulumi.Int(10),
			MemorySize:  pulumi.Int(128),
			Description: pulumi.String("Processes orders invoked asynchronously"),
		},
		OnSuccess:   asyncroute.SQSQueue{Queue: processed},
		OnFailure:   asyncroute.SNSTopic{Topic: failed},
		MaxRetries:  pulumi.IntRef(1),
		MaxEventAge: &maxAge,
		Tags:        pulumi.StringMap{"app": pulumi.String("orders")},
	})
	if err != nil {
		return err
	}

	ctx.Export("functionName", processor.FunctionName)
	ctx.Export("queueUrl", processed.Url)
	ctx.Export("topicArn", failed.Arn)
	ctx.Export("invokeCommand", pulumi.Sprintf(
		`aws lambda invoke --function-name %s --invocation-type Event --cli-binary-format raw-in-base64-out --payload '{"order_id":"o-1001","items":[{"sku":"book","qty":2,"price":12.5}]}' /dev/null`,
		processor.FunctionName))
	return nil
}
